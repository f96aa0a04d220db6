/** Two cache tiers composed: the in-process LRU in front of a shared tier (memcached), so a hot
 *  page costs no network round trip and a page rendered on another dyno is still a hit here. */
import type { MemoryPageCache } from "./memory-cache.js";
import type { CachedPage, PageCache } from "./page-cache.js";

/** Memory first, then the shared tier; a shared hit is copied into memory with the same expiry. */
export class TieredPageCache implements PageCache {
  readonly label: string;

  constructor(
    private readonly memory: MemoryPageCache,
    private readonly shared: PageCache,
  ) {
    this.label = `${memory.label}+${shared.label}`;
  }

  async get(key: string): Promise<CachedPage | null> {
    const local = this.memory.read(key);
    if (local) return local;
    const page = await this.shared.get(key);
    if (!page) return null;
    // Same expiry as the shared entry, so the memory copy never outlives it (an entry without one is not copied).
    if (page.expiresAt !== undefined) this.memory.writeUntil(key, page, page.expiresAt);
    return page;
  }

  peek(key: string): CachedPage | null {
    return this.memory.read(key);
  }

  set(key: string, page: CachedPage, ttlSeconds: number): Promise<void> {
    this.memory.write(key, page, ttlSeconds);
    return this.shared.set(key, page, ttlSeconds);
  }

  async close(): Promise<void> {
    await Promise.all([this.memory.close(), this.shared.close()]);
  }
}
