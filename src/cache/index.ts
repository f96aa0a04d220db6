/** The page cache: keys and lifetimes, the memory and memcached tiers, and the HTTP fast path
 *  that serves hits in front of the router. Everything outside src/cache imports from here. */
export { MAX_PAGE_BYTES, decodePage, encodePage, type CachedPage, type PageCache } from "./page-cache.js";
export {
  MAX_KEY_BYTES,
  pageCacheKey,
  pageTtl,
  safeCacheKey,
  type CacheUser,
  type PageKeyInput,
  type PageTtlInput,
} from "./cache-key.js";
export { DEFAULT_MEMORY_BYTES, MemoryPageCache, type MemoryPageCacheOptions } from "./memory-cache.js";
export { MemcachedPageCache, type MemcachedPageCacheOptions } from "./memcached-cache.js";
export { TieredPageCache } from "./tiered-cache.js";
export {
  cacheConfigFromEnv,
  createPageCache,
  type CreatePageCacheOptions,
  type MemcachedConfig,
} from "./cache-config.js";
export { acceptsGzip, etagFor, etagMatches } from "./negotiation.js";
export { LookupFilter, isPagePath } from "./lookup-filter.js";
export {
  X_CACHE_HEADER,
  X_CACHE_HIT,
  X_CACHE_MISS,
  createCacheFastPath,
  isCacheableRequest,
  type CacheFastPath,
  type CacheFastPathOptions,
} from "./fast-path.js";
export {
  capturePage,
  storePage,
  uncacheableReason,
  type CapturePageOptions,
  type RenderedResponse,
} from "./page-capture.js";
export {
  SitePageCache,
  renderSettingsDigest,
  type RenderedPage,
  type SitePageCacheOptions,
} from "./site-page-cache.js";
