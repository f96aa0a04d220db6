/** The in-process page cache tier: an LRU bounded in bytes with per-entry expiry, O(1) per call. */
import { MAX_PAGE_BYTES, entryExpiry, pageBytes, type CachedPage, type PageCache } from "./page-cache.js";

export interface MemoryPageCacheOptions {
  /** Upper bound on the bytes held (bodies, headers and bookkeeping); default 64 MB. */
  maxBytes?: number;
  /** Pages larger than this are not kept; default the same ~900 KB memcached accepts. */
  maxEntryBytes?: number;
  /** The clock, in ms since the epoch (tests move it instead of sleeping). */
  now?: () => number;
}

/** Default memory tier size. */
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;

interface Entry {
  page: CachedPage;
  bytes: number;
}

/** An LRU of rendered pages in this process; a Map's insertion order is the recency order. */
export class MemoryPageCache implements PageCache {
  readonly label = "memory";
  private readonly entries = new Map<string, Entry>();
  private readonly maxBytes: number;
  private readonly maxEntryBytes: number;
  private readonly now: () => number;
  private used = 0;

  constructor(options: MemoryPageCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MEMORY_BYTES;
    this.maxEntryBytes = Math.min(options.maxEntryBytes ?? MAX_PAGE_BYTES, this.maxBytes);
    this.now = options.now ?? Date.now;
  }

  /** Bytes currently held. */
  get bytes(): number {
    return this.used;
  }

  /** Entries currently held (expired ones linger until read or evicted). */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): Promise<CachedPage | null> {
    return Promise.resolve(this.read(key));
  }

  peek(key: string): CachedPage | null {
    return this.read(key);
  }

  /** The synchronous lookup behind `get`, for callers that want to skip a promise. */
  read(key: string): CachedPage | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if ((entry.page.expiresAt ?? 0) <= this.now()) {
      this.remove(key, entry);
      return null;
    }
    // Re-inserting moves the key to the young end of the Map.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.page;
  }

  set(key: string, page: CachedPage, ttlSeconds: number): Promise<void> {
    this.write(key, page, ttlSeconds);
    return Promise.resolve();
  }

  /** The synchronous store behind `set`. */
  write(key: string, page: CachedPage, ttlSeconds: number): void {
    // A TTL of 0 still replaces: the older page must not outlive a write that chose not to cache.
    this.writeUntil(key, page, ttlSeconds > 0 ? entryExpiry(page, ttlSeconds, this.now()) : 0);
  }

  /** Stores a page until an absolute time (ms since the epoch), e.g. a copy of another tier's entry. */
  writeUntil(key: string, page: CachedPage, expiresAt: number): void {
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    if (!(expiresAt > this.now())) return;
    const size = pageBytes(page);
    if (size > this.maxEntryBytes) return;
    // Key and Map bookkeeping count too, so many tiny pages cannot outgrow the bound.
    const bytes = size + key.length * 2 + 64;
    // A copy, so the caller's object (and its expiresAt) is not shared with the cache.
    this.entries.set(key, { page: { ...page, expiresAt }, bytes });
    this.used += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.used <= this.maxBytes) break;
      this.remove(oldest, entry);
    }
  }

  close(): Promise<void> {
    this.entries.clear();
    this.used = 0;
    return Promise.resolve();
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.used -= entry.bytes;
  }
}
