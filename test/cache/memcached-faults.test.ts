/** A sick memcached must never slow the site: stopped, never answering, or restarted, every call
 *  is a miss within its deadline, the tier is skipped after repeated failures, and hits come back. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemcachedPageCache, type MemcachedPageCacheOptions } from "../../src/cache/memcached-cache.js";
import { MemoryPageCache } from "../../src/cache/memory-cache.js";
import type { PageCache } from "../../src/cache/page-cache.js";
import { TieredPageCache } from "../../src/cache/tiered-cache.js";
import { silentLogger } from "../../src/log.js";
import {
  skipWithoutMemcached,
  sleep,
  startMemcached,
  startSilentServer,
  type MemcachedServer,
} from "../helpers/memcached.js";
import { bodyOf, makePage } from "./page-cache-contract.js";

const skip = skipWithoutMemcached("memcached fault tests");
const DEADLINE_MS = 250;
// Scheduling slack on a loaded CI machine; a hang would blow far past it.
const LIMIT_MS = DEADLINE_MS + 100;
const logger = silentLogger();

function cacheOn(servers: string, options: Partial<MemcachedPageCacheOptions> = {}): MemcachedPageCache {
  return new MemcachedPageCache({ servers, logger, timeoutMs: DEADLINE_MS, failureThreshold: 5, ...options });
}

/** Runs `calls` gets one after another; answers what each returned and how long each took. */
async function timedGets(
  cache: PageCache,
  key: string,
  calls: number,
): Promise<{ hits: number; slowest: number }> {
  let hits = 0;
  let slowest = 0;
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    if (await cache.get(key)) hits++;
    slowest = Math.max(slowest, performance.now() - start);
  }
  return { hits, slowest };
}

describe.skipIf(skip)("memcached faults", () => {
  let server: MemcachedServer;
  beforeAll(async () => {
    server = await startMemcached();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers every get with a miss within the deadline once memcached is stopped mid-run", async () => {
    const cache = cacheOn(server.servers, { coolDownMs: 60_000 });
    await cache.set("quire:test:stop", makePage("before"), 60);
    expect(bodyOf(await cache.get("quire:test:stop"))).toBe("before");
    await server.stop();
    try {
      const { hits, slowest } = await timedGets(cache, "quire:test:stop", 20);
      expect(hits).toBe(0);
      expect(slowest).toBeLessThan(LIMIT_MS);
      const start = performance.now();
      await cache.set("quire:test:stop", makePage("after"), 60);
      expect(performance.now() - start).toBeLessThan(LIMIT_MS);
      await cache.close();
    } finally {
      await server.restart();
    }
  });

  it("keeps serving from memory while memcached is down", async () => {
    const cache = new TieredPageCache(new MemoryPageCache(), cacheOn(server.servers));
    await server.stop();
    try {
      await cache.set("quire:test:memory-only", makePage("still here"), 60);
      expect(bodyOf(await cache.get("quire:test:memory-only"))).toBe("still here");
      await cache.close();
    } finally {
      await server.restart();
    }
  });

  for (const credentials of [{}, { username: "quire", password: "secret" }]) {
    const how = "username" in credentials ? " (with SASL credentials)" : "";
    it(`misses within the deadline against a server that accepts and never answers${how}`, async () => {
      const silent = await startSilentServer();
      const cache = cacheOn(silent.servers, { coolDownMs: 60_000, ...credentials });
      try {
        const failing = await timedGets(cache, "quire:test:silent", 5);
        expect(failing.hits).toBe(0);
        expect(failing.slowest).toBeLessThan(LIMIT_MS);
        expect(silent.bytesReceived).toBeGreaterThan(0);
        // Five failures in a row: the tier is skipped, so nothing more is even sent.
        const sent = silent.bytesReceived;
        const skipped = await timedGets(cache, "quire:test:silent", 20);
        void cache.set("quire:test:silent", makePage("x"), 60);
        expect(skipped.hits).toBe(0);
        expect(skipped.slowest).toBeLessThan(LIMIT_MS);
        expect(silent.bytesReceived).toBe(sent);
      } finally {
        await cache.close();
        await silent.stop();
      }
    });
  }

  it("lets a write return at once even when memcached never answers", async () => {
    const silent = await startSilentServer();
    const cache = cacheOn(silent.servers);
    try {
      const start = performance.now();
      const write = cache.set("quire:test:silent-write", makePage("x"), 60);
      expect(performance.now() - start).toBeLessThan(50);
      const settledWithin = await Promise.race([write.then(() => true), sleep(LIMIT_MS).then(() => false)]);
      expect(settledWithin).toBe(true);
    } finally {
      await cache.close();
      await silent.stop();
    }
  });

  it("resumes hits after memcached is restarted, once the cool-down has passed", async () => {
    const cache = cacheOn(server.servers, { coolDownMs: 300 });
    await server.stop();
    const down = await timedGets(cache, "quire:test:restart", 6);
    expect(down.hits).toBe(0);
    await server.restart();
    // The restarted server is empty: hits resume as soon as a write gets through again.
    let hit = false;
    const giveUp = Date.now() + 5000;
    while (!hit && Date.now() < giveUp) {
      await cache.set("quire:test:restart", makePage("back"), 60);
      hit = bodyOf(await cache.get("quire:test:restart")) === "back";
      if (!hit) await sleep(100);
    }
    expect(hit).toBe(true);
    await cache.close();
  });
});
