/**
 * Which search pages may use the page cache. Search URLs are endless (any query, any page), so a crawler
 * trying random queries could otherwise push every other page out of the cache: a search URL is cached only
 * from its second request on, and at most MAX_CACHED_SEARCHES of them per content generation. Nor is one
 * cached while the search tables are still catching up with the content (its results would be incomplete,
 * under a key that stays valid once they are complete).
 */

/** Distinct search URLs cached per content generation. */
export const MAX_CACHED_SEARCHES = 256;
/** Search URLs remembered as seen once before the memory starts over. */
const MAX_SEEN = 4096;

const SEARCH_PARAM = /[?&]q=/;

/** True when a request URL carries a search query (`?q=`). */
export function isSearchUrl(url: string): boolean {
  return SEARCH_PARAM.test(url);
}

/** Admits search URLs to the page cache; one instance per site. */
export class SearchCacheGate {
  private generation = "";
  private readonly seen = new Set<string>();
  private readonly admitted = new Set<string>();
  // The fast path and the store both ask about one request: they must get the same answer.
  private readonly decided = new WeakMap<object, boolean>();

  constructor(private readonly limit = MAX_CACHED_SEARCHES) {}

  /** Whether this search request may be looked up in and stored into the page cache. */
  admit(req: object, url: string, generation: string, inStep: () => boolean): boolean {
    const known = this.decided.get(req);
    if (known !== undefined) return known;
    if (!inStep()) {
      this.decided.set(req, false);
      return false;
    }
    if (generation !== this.generation) {
      this.generation = generation;
      this.seen.clear();
      this.admitted.clear();
    }
    let ok = this.admitted.has(url);
    if (!ok && this.seen.has(url) && this.admitted.size < this.limit) {
      this.admitted.add(url);
      ok = true;
    } else if (!ok) {
      if (this.seen.size >= MAX_SEEN) this.seen.clear();
      this.seen.add(url);
    }
    this.decided.set(req, ok);
    return ok;
  }
}
