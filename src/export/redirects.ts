/** The server's redirects in an export: an HTML redirect page at each old URL (any host), and the list for
 *  `_redirects` (hosts that answer real 301s). Pages win over redirects that would share their file. */
import type { Redirect } from "./host-files.js";
import { redirectFile } from "./url-map.js";
import type { BuildResults } from "./results.js";

export interface RedirectOutput {
  /** Redirects for `_redirects`, most important first, each source once. */
  listed: Redirect[];
  /** The redirect pages to write: each file once, none that a page has taken. */
  pages: RedirectPage[];
}

/** One redirect page: its file under the output folder, the URL it answers and where it sends readers. */
export interface RedirectPage {
  file: string;
  from: string;
  to: string;
}

/**
 * The redirect pages for the redirects whose file no page has taken, and the list for `_redirects`. A category
 * without its trailing slash (`/blog` → `/blog/`) needs neither: every static host already answers it from the folder.
 */
export function redirectPages(redirects: readonly Redirect[], results: BuildResults): RedirectOutput {
  const seen = new Set<string>();
  const claimed = new Set<string>();
  const listed: Redirect[] = [];
  const pages: RedirectPage[] = [];
  for (const r of redirects) {
    if (seen.has(r.from) || r.from === r.to || `${r.from}/` === r.to) continue;
    seen.add(r.from);
    // Only same-path redirects have a file: query-string sources are left to `_redirects` hosts.
    if (r.from.includes("?")) continue;
    listed.push(r);
    const file = redirectFile(r.from);
    if (!file || results.files.has(file) || claimed.has(file)) continue;
    claimed.add(file);
    pages.push({ file, from: r.from, to: r.to });
  }
  return { listed, pages };
}

/** Records the redirect pages written (`failed`: the message for each page that could not be, by file). */
export function recordRedirectPages(
  pages: readonly RedirectPage[],
  failed: ReadonlyMap<string, string>,
  results: BuildResults,
): number {
  let written = 0;
  for (const page of pages) {
    const message = failed.get(page.file);
    if (message === undefined) {
      results.files.set(page.file, page.from);
      written++;
    } else {
      results.warnings.push({
        file: null,
        url: page.from,
        message: `could not write the redirect page ${page.file}: ${message}`,
      });
    }
  }
  return written;
}
