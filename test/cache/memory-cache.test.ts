/** The in-process tier: the shared contract, plus its byte bound, LRU order and clock-driven expiry. */
import { describe, expect, it } from "vitest";
import { MemoryPageCache } from "../../src/cache/memory-cache.js";
import { bodyOf, makePage, pageCacheContract } from "./page-cache-contract.js";

pageCacheContract("memory", () => new MemoryPageCache());

/** A page whose body is exactly `kb` kilobytes (set directly: the tier never inflates it). */
function pageOfSize(kb: number, label: string) {
  const page = makePage(label);
  page.body = Buffer.alloc(kb * 1024, label);
  return page;
}

describe("MemoryPageCache bounds", () => {
  it("stays within its byte budget by dropping the least recently used page", async () => {
    const cache = new MemoryPageCache({ maxBytes: 100 * 1024 });
    await cache.set("a", pageOfSize(40, "a"), 60);
    await cache.set("b", pageOfSize(40, "b"), 60);
    await cache.set("c", pageOfSize(40, "c"), 60);
    expect(await cache.get("a")).toBeNull();
    expect(await cache.get("b")).not.toBeNull();
    expect(await cache.get("c")).not.toBeNull();
    expect(cache.bytes).toBeLessThanOrEqual(100 * 1024);
  });

  it("keeps a page that was just read and drops the older one instead", async () => {
    const cache = new MemoryPageCache({ maxBytes: 100 * 1024 });
    await cache.set("a", pageOfSize(40, "a"), 60);
    await cache.set("b", pageOfSize(40, "b"), 60);
    await cache.get("a");
    await cache.set("c", pageOfSize(40, "c"), 60);
    expect(await cache.get("a")).not.toBeNull();
    expect(await cache.get("b")).toBeNull();
  });

  it("never holds a page bigger than the whole budget", async () => {
    const cache = new MemoryPageCache({ maxBytes: 50 * 1024 });
    await cache.set("small", pageOfSize(10, "s"), 60);
    await cache.set("huge", pageOfSize(60, "h"), 60);
    expect(await cache.get("huge")).toBeNull();
    expect(await cache.get("small")).not.toBeNull();
  });

  it("gives the bytes of replaced and expired pages back", async () => {
    let now = 1_000_000;
    const cache = new MemoryPageCache({ maxBytes: 1024 * 1024, now: () => now });
    await cache.set("k", pageOfSize(100, "x"), 10);
    await cache.set("k", pageOfSize(100, "y"), 10);
    const one = cache.bytes;
    expect(one).toBeGreaterThan(100 * 1024);
    expect(one).toBeLessThan(110 * 1024);
    now += 11_000;
    expect(await cache.get("k")).toBeNull();
    expect(cache.bytes).toBe(0);
  });

  it("expires on the clock it is given, to the millisecond", async () => {
    const start = 5_000_000;
    let now = start;
    const cache = new MemoryPageCache({ now: () => now });
    await cache.set("k", { ...makePage("timed"), storedAt: start }, 30);
    now = start + 29_999;
    expect(bodyOf(await cache.get("k"))).toBe("timed");
    now = start + 30_000;
    expect(await cache.get("k")).toBeNull();
  });

  it("counts the TTL from when the page was rendered, not from when it was stored", async () => {
    const start = 5_000_000;
    let now = start + 4_000;
    const cache = new MemoryPageCache({ now: () => now });
    await cache.set("k", { ...makePage("slow render"), storedAt: start }, 5);
    now = start + 4_999;
    expect(await cache.get("k")).not.toBeNull();
    now = start + 5_000;
    expect(await cache.get("k")).toBeNull();
  });
});
