/** What the server and a static export share about answering for a site: the security headers of every
 *  response, and which files under content/ are served as files. Free of express, so a build need not load it. */
import { resolve, sep } from "node:path";
import { statSync } from "node:fs";
import { contentKind, isIgnoredName } from "../content/scanner.js";

/**
 * Headers on every response: no MIME sniffing, a conservative referrer policy, a CSP the default theme satisfies.
 * Inline styles are allowed because authors' Markdown tables and image arguments write `style` attributes; scripts are not.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "Content-Security-Policy":
    "default-src 'self'; img-src 'self' data: https:; media-src 'self' https:; style-src 'self' 'unsafe-inline'; script-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'",
  "X-Frame-Options": "SAMEORIGIN",
};

/**
 * The file under content/ that `/_file/<encoded>` names, or null. The path is decoded once and split first,
 * then judged: any spelling other than the plain one (empty, `.` or `..` segments, a trailing `/`, `%2F`,
 * backslashes, NUL) is refused, as is every segment that is a dot-file or an editor's temporary or backup
 * file, and every name the scanner would read as an entry or category file (in any case, and with the
 * trailing dots and spaces some file systems ignore). Only plain assets are served; no path can leave content/.
 */
export function contentAsset(contentDir: string, encoded: string): string | null {
  const segments = requestSegments(encoded);
  if (!segments || !segments.every(isServedSegment) || !isPlainAssetName(segments.at(-1)!)) return null;
  const root = resolve(contentDir);
  const abs = resolve(root, ...segments);
  if (!abs.startsWith(root + sep)) return null;
  try {
    return statSync(abs).isFile() ? abs : null;
  } catch {
    return null;
  }
}

/** The decoded segments of a request path, or null when it is not in its one plain spelling. */
export function requestSegments(encoded: string): string[] | null {
  let rel: string;
  try {
    rel = decodeURIComponent(encoded);
  } catch {
    return null;
  }
  if (rel.includes("\0") || rel.includes("\\")) return null;
  const segments = rel.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return null;
  return segments;
}

/** Whether a file or folder name may be part of a served path: no dot-files, no editors' temporary files. */
function isServedSegment(name: string): boolean {
  return !name.startsWith(".") && !isIgnoredName(name);
}

/** Whether a file name under content/ is a plain asset: not an entry, a category file or a temporary file. */
export function isPlainAssetName(name: string): boolean {
  if (!isServedSegment(name)) return false;
  // Windows drops trailing dots and spaces and reads `name:stream` as `name`; judge the name it would open.
  const opened = name.split(":")[0]!.replace(/[. ]+$/, "");
  return opened !== "" && contentKind(opened) === "asset" && contentKind(name) === "asset";
}
