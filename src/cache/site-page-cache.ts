/** A site's page cache as requests meet it: the cache key of each request (remembered for recent URLs), the fast
 *  path that answers hits in front of express, and storing the pages the router renders. */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Logger } from "../log.js";
import { pageCacheKey, pageTtl } from "./cache-key.js";
import { createCacheFastPath, isCacheableRequest, type CacheFastPath } from "./fast-path.js";
import { LookupFilter, isPagePath } from "./lookup-filter.js";
import type { PageCache } from "./page-cache.js";
import { storePage } from "./page-capture.js";
import { acceptKey } from "../template/negotiate.js";

// URLs whose cache keys are remembered; beyond it the table starts over.
const RECENT_KEYS = 10_000;

/** What the site's page cache reads from the site; generation and templates are asked for on each request. */
export interface SitePageCacheOptions {
  cache: PageCache;
  /** The content generation of the index (a new one with every content change). */
  generation: () => string;
  /** The fingerprint of the templates. */
  templates: () => string;
  /** See `renderSettingsDigest`. */
  renderSettings: string;
  /** Quire's version: pages cached by another version are not used. */
  version: string;
  /** Whether this request, for this generation, may use the cache (search pages are bounded). */
  admit: (req: IncomingMessage, url: string, generation: string) => boolean;
  /** When the next scheduled entry after a moment goes live, if any. */
  nextScheduledAt: (renderedAt: number) => number | null;
  ttlSeconds: number;
  now: () => number;
  logger: Logger;
}

/** A page as the router rendered it. */
export interface RenderedPage {
  status: number;
  body: string;
  headers: Record<string, string>;
  cacheable: boolean;
}

/**
 * Digest of the settings pages are rendered with besides content and templates (part of every cache key): pages
 * embed site settings, absolute URLs and image URLs signed with the secret, so processes that render them
 * differently must not share cached pages (the secret enters only as the signing key's id).
 */
export function renderSettingsDigest(settings: unknown[], signingKeyId: string): string {
  return createHash("sha256")
    .update(JSON.stringify(settings))
    .update(signingKeyId)
    .digest("base64url")
    .slice(0, 12);
}

/** Cache keys, the fast path and storing for one site's page cache. */
export class SitePageCache {
  /** Keys of recent URLs, valid while the content generation and templates stay the same. */
  private readonly recentKeys = new Map<string, string>();
  private readonly lookups = new LookupFilter();
  private recentKeysGeneration = "";
  private recentKeysTemplates = "";

  constructor(private readonly o: SitePageCacheOptions) {}

  /** The cache key of a request, or null when it must not use the cache. */
  key(req: IncomingMessage): string | null {
    if (!isCacheableRequest(req)) return null;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    if (url.length > 8192 || !isPagePath(url)) return null;
    const generation = this.o.generation();
    if (!this.o.admit(req, url, generation)) return null;
    const templates = this.o.templates();
    // Building a key costs more than a cache hit's lookup; a hot page asks for the same one over and over.
    if (generation !== this.recentKeysGeneration || templates !== this.recentKeysTemplates) {
      this.recentKeys.clear();
      this.lookups.clear();
      this.recentKeysGeneration = generation;
      this.recentKeysTemplates = templates;
    }
    // Only GET and HEAD get here, and HEAD shares GET's key: the URL and the Accept header pick the key (a
    // template may have variants, `feed.xml` and `feed.html`, that the header chooses between).
    const format = acceptKey(req.headers.accept);
    const recentKey = format === "" ? url : `${url}\0${format}`;
    const recent = this.recentKeys.get(recentKey);
    if (recent !== undefined) return recent;
    const key = pageCacheKey({
      generation,
      templatesFingerprint: `${templates}.${this.o.renderSettings}`,
      method: "GET",
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? "" : url.slice(q + 1),
      format: format === "" ? "default" : format,
      user: null,
      version: this.o.version,
    });
    if (this.recentKeys.size >= RECENT_KEYS) this.recentKeys.clear();
    this.recentKeys.set(recentKey, key);
    return key;
  }

  /** The fast path serving cache hits in front of express; `headers` go on every hit. */
  fastPath(headers?: Readonly<Record<string, string>>): CacheFastPath {
    return createCacheFastPath({
      cache: this.o.cache,
      keyFor: (req) => {
        const key = this.key(req);
        return key !== null && this.lookups.worthLooking(req.url ?? "/") ? key : null;
      },
      logger: this.o.logger,
      headers,
    });
  }

  /** Stores a freshly rendered page (or notes that its URL is not worth a lookup); returns at once. */
  store(req: IncomingMessage & { url: string }, page: RenderedPage | null, renderedAt: number): void {
    const key = this.key(req);
    if (!key) return;
    if (!page?.cacheable) return this.lookups.notStored(req.url);
    this.lookups.stored(req.url);
    // The next entry to go live is counted from when the page was rendered, not from now: a page rendered
    // just before an entry's time and stored just after must not be kept (it lacks that entry).
    const ttl = pageTtl({
      ttlSeconds: this.o.ttlSeconds,
      now: this.o.now(),
      nextScheduledAt: this.o.nextScheduledAt(renderedAt),
    });
    void storePage(
      this.o.cache,
      key,
      { status: page.status, headers: page.headers, body: page.body, method: req.method },
      ttl,
      this.o.logger,
    );
  }
}
