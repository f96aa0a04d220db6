/** Which requests are worth a page-cache lookup. Only pages are cached, so static files, renditions, content
 *  files and other `/_` routes never are; nor is a URL whose last render could not be cached (a 404, a
 *  redirect), until it renders as a cacheable page again or the content or templates change. Without this,
 *  each of those requests cost a memcached GET that could only miss. */

/** Whether a request URL can name a cached page at all: not `/static/…` nor `/_…` (renditions, files). */
export function isPagePath(url: string): boolean {
  return !url.startsWith("/_") && !url.startsWith("/static/");
}

// Distinct URLs remembered as not cached; beyond it the set starts over (a lookup too many, never a wrong page).
const MAX_REMEMBERED = 10_000;

/** URLs whose pages were last rendered as not cacheable. */
export class LookupFilter {
  private readonly notCached = new Set<string>();

  /** False when a lookup of this URL could only miss. */
  worthLooking(url: string): boolean {
    return !this.notCached.has(url);
  }

  /** Remembers that this URL rendered a page that is not stored. */
  notStored(url: string): void {
    if (this.notCached.size >= MAX_REMEMBERED) this.notCached.clear();
    this.notCached.add(url);
  }

  /** Forgets it: its page was stored (a scheduled entry went live, say). */
  stored(url: string): void {
    this.notCached.delete(url);
  }

  /** Forgets everything: the content or templates changed, so any URL may now be a page. */
  clear(): void {
    this.notCached.clear();
  }
}
