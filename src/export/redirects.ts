/** The server's redirects in an export: an HTML redirect page at each old URL (any host), and the list for
 *  `_redirects` (hosts that answer real 301s). Pages win over redirects that would share their file. */
import type { Redirect } from "./host-files.js";
import { redirectPage } from "./host-files.js";
import { redirectFile } from "./url-map.js";
import type { BuildResults } from "./results.js";

export interface RedirectOutput {
  /** Redirects for `_redirects`, most important first, each source once. */
  listed: Redirect[];
  /** Redirect pages written. */
  pages: number;
}

/**
 * Writes a redirect page for each redirect whose file no page has taken. A category without its trailing
 * slash (`/blog` → `/blog/`) needs neither: every static host already answers it from the folder.
 */
export function writeRedirects(
  redirects: readonly Redirect[],
  results: BuildResults,
  baseUrl: string,
  write: (rel: string, data: string) => void,
): RedirectOutput {
  const seen = new Set<string>();
  const listed: Redirect[] = [];
  let pages = 0;
  for (const r of redirects) {
    if (seen.has(r.from) || r.from === r.to || `${r.from}/` === r.to) continue;
    seen.add(r.from);
    // Only same-path redirects have a file: query-string sources are left to `_redirects` hosts.
    if (r.from.includes("?")) continue;
    listed.push(r);
    const file = redirectFile(r.from);
    if (!file || results.files.has(file)) continue;
    try {
      write(file, redirectPage(r.to, baseUrl));
      results.files.set(file, r.from);
      pages++;
    } catch (err) {
      results.warnings.push({
        file: null,
        url: r.from,
        message: `could not write the redirect page ${file}: ${(err as Error).message}`,
      });
    }
  }
  return { listed, pages };
}
