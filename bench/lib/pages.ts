/** Fetching pages from a local server and following their links, so benches pick real URLs instead of guessing IDs. */

/** A page fetched once before it is measured: its status and size. */
export interface PageCheck {
  path: string;
  status: number;
  bytes: number;
}

/** GETs `base + path` once (127.0.0.1 only) and returns status, size and text. */
export async function fetchPage(base: string, path: string): Promise<PageCheck & { text: string }> {
  const res = await fetch(new URL(path, base), { redirect: "manual", signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return { path, status: res.status, bytes: Buffer.byteLength(text), text };
}

/** Entry permalinks (`/<category>/<id>-<slug>`) linked from `html`, in page order, without duplicates. */
export function entryLinks(html: string): string[] {
  const links = new Set<string>();
  for (const m of html.matchAll(/href="(\/[^"?#]*)"/g)) {
    const path = m[1] as string;
    if (/^\/(?:[^/]+\/)+\d+-[^/]+$/.test(path)) links.add(path);
  }
  return [...links];
}

/** The category page an entry permalink belongs to: `/travel/europe/123-x` → `/travel/europe/`. */
export function categoryOf(entryPath: string): string {
  return entryPath.slice(0, entryPath.lastIndexOf("/") + 1);
}

/**
 * An entry linked from `path` that has neighbours on both sides where possible: the second entry
 * listed rather than the newest, so previous/next links are both rendered.
 */
export async function pickEntry(base: string, path: string): Promise<string> {
  const page = await fetchPage(base, path);
  if (page.status !== 200) throw new Error(`${path} answered ${page.status}; cannot pick an entry from it`);
  const links = entryLinks(page.text);
  const pick = links[1] ?? links[0];
  if (!pick) throw new Error(`${path} links to no entry page (/<category>/<id>-<slug>)`);
  return pick;
}
