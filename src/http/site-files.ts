/** What the server and a static export share about answering for a site: the security headers of every
 *  response, and which files under content/ are served as files. Free of express, so a build need not load it. */
import { join, relative, sep } from "node:path";
import { statSync } from "node:fs";
import { contentKind, isIgnoredName } from "../content/scanner.js";
import { isInsideContent, resolveInside, type SiteRoots } from "../content/site-roots.js";

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
 * The policy every file from content/ goes out with (PDFs aside): a sandbox with no scripts, plugins, forms or
 * same-origin rights, so an SVG, XML or XHTML file opened directly runs nothing on the site's origin.
 */
export const CONTENT_FILE_POLICY =
  "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'";

// Chromium refuses to show a PDF in a sandboxed document; its viewer runs apart from the site's origin anyway.
const UNSANDBOXED = /\.pdf$/i;
// Files a browser would run as script: sent as text, which nosniff forbids as a script, worker or module, so
// the site's `script-src 'self'` cannot be turned into a way to run a file dropped into content/.
const SCRIPT_NAME = /\.(m?js|cjs|jsx|ts|mts|cts|tsx|wasm)$/i;

/** Headers a file from content/ goes out with, beyond the site's own: the sandbox policy, and text for scripts. */
export function contentFileHeaders(name: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!UNSANDBOXED.test(name)) headers["Content-Security-Policy"] = CONTENT_FILE_POLICY;
  if (SCRIPT_NAME.test(name)) headers["Content-Type"] = "text/plain; charset=utf-8";
  return headers;
}

/**
 * The file under content/ that `/_file/<encoded>` names, or null. The path is decoded once and split first,
 * then judged: any spelling other than the plain one (empty, `.` or `..` segments, a trailing `/`, `%2F`,
 * backslashes, NUL) is refused, as is every segment that is a dot-file or an editor's temporary or backup
 * file, and every name the scanner would read as an entry or category file (in any case, and with the
 * trailing dots and spaces some file systems ignore). Only plain assets are served. Symlinks are resolved
 * and judged again where they lead: nothing outside the site's folders, no entry or category file.
 */
export function contentAsset(roots: SiteRoots, encoded: string): string | null {
  const segments = requestSegments(encoded);
  if (!segments || !segments.every(isServedSegment) || !isPlainAssetName(segments.at(-1)!)) return null;
  return servedFile(join(roots.content, ...segments), roots);
}

/** The file under static/ that `/static/<encoded>` names, or null: the same rules, but any name other than a dot-file is served. */
export function staticFile(roots: SiteRoots, encoded: string): string | null {
  const segments = requestSegments(encoded);
  if (!segments || segments.some(isDotFile)) return null;
  return servedFile(join(roots.static, ...segments), roots);
}

/** The real path of a regular file inside the site's folders that may be served, or null. */
function servedFile(abs: string, roots: SiteRoots): string | null {
  const found = resolveInside(abs, roots);
  if (!found || !("real" in found)) return null;
  const { real } = found;
  const root = roots.all.find((r) => real.startsWith(r + sep));
  if (!root) return null;
  const segments = relative(root, real).split(sep);
  // Wherever the link was, a file that really lives in content/ is served only if it is a plain asset.
  if (isInsideContent(real, roots)) {
    if (!segments.every(isServedSegment) || !isPlainAssetName(segments.at(-1)!)) return null;
  } else if (segments.some(isDotFile)) return null;
  try {
    return statSync(real).isFile() ? real : null;
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

/** Whether a file or folder name under content/ may be part of a served path: no dot-files, no editors' temporary files. */
function isServedSegment(name: string): boolean {
  return !isDotFile(name) && !isIgnoredName(name);
}

function isDotFile(name: string): boolean {
  return name.startsWith(".");
}

/** Whether a file name under content/ is a plain asset: not an entry, a category file or a temporary file. */
export function isPlainAssetName(name: string): boolean {
  if (!isServedSegment(name)) return false;
  // Windows drops trailing dots and spaces and reads `name:stream` as `name`; judge the name it would open.
  const opened = name.split(":")[0]!.replace(/[. ]+$/, "");
  return opened !== "" && contentKind(opened) === "asset" && contentKind(name) === "asset";
}
