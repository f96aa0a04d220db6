/** What the server and a static export share about answering for a site: the security headers of every
 *  response, and which files under content/ are served as files. Free of express, so a build need not load it. */
import { resolve, sep } from "node:path";
import { statSync } from "node:fs";

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

/** A file under content/ that is not an entry or category file, or null; no path can leave content/. */
export function contentAsset(contentDir: string, encoded: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(encoded);
  } catch {
    return null;
  }
  if (rel.includes("\0") || rel.split(/[\\/]/).some((s) => s === ".." || s.startsWith("."))) return null;
  if (/\.(md|markdown|html?|cat|meta)$/i.test(rel)) return null;
  const root = resolve(contentDir);
  const abs = resolve(root, rel);
  if (!abs.startsWith(root + sep)) return null;
  try {
    return statSync(abs).isFile() ? abs : null;
  } catch {
    return null;
  }
}
