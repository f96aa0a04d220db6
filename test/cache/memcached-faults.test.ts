/** A sick memcached must never slow the site: stopped, never answering, or restarted, every call
 *  is a miss that settles while the server still holds its reply, the tier is skipped after repeated
 *  failures (no more requests reach it, and skipped calls wait on no I/O or timer), and hits come back. */
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
const logger = silentLogger();

function cacheOn(servers: string, options: Partial<MemcachedPageCacheOptions> = {}): MemcachedPageCache {
  return new MemcachedPageCache({ servers, logger, timeoutMs: DEADLINE_MS, failureThreshold: 5, ...options });
}

/** Runs `calls` gets one after another; answers how many were hits. */
async function gets(cache: PageCache, key: string, calls: number): Promise<number> {
  let hits = 0;
  for (let i = 0; i < calls; i++) if (await cache.get(key)) hits++;
  return hits;
}

/**
 * Whether every call made by `run` settles before the event loop reaches its next check phase: a skipped
 * tier answers from memory, waiting on no socket and no timer, however busy the machine is.
 */
async function settlesAtOnce(run: () => Promise<unknown>[]): Promise<boolean> {
  let loopTurned = false;
  const turn = new Promise<void>((resolve) =>
    setImmediate(() => {
      loopTurned = true;
      resolve();
    }),
  );
  await Promise.all(run());
  const settledFirst = !loopTurned;
  await turn;
  return settledFirst;
}

/** `calls` gets of `key` at once, each checked to be a miss. */
function misses(cache: PageCache, key: string, calls: number): Promise<unknown>[] {
  return Array.from({ length: calls }, () => cache.get(key).then((page) => expect(page).toBeNull()));
}

describe.skipIf(skip)("memcached faults", () => {
  let server: MemcachedServer;
  beforeAll(async () => {
    server = await startMemcached();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers every get with a miss once memcached is stopped mid-run, and stops trying after five failures", async () => {
    const cache = cacheOn(server.servers, { coolDownMs: 60_000 });
    await cache.set("quire:test:stop", makePage("before"), 60);
    expect(bodyOf(await cache.get("quire:test:stop"))).toBe("before");
    await server.stop();
    try {
      // Five failures in a row (the connection is refused) open the breaker...
      expect(await gets(cache, "quire:test:stop", 5)).toBe(0);
      // ...so the next gets and the write are skipped: answered from memory, before any socket or timer.
      expect(await settlesAtOnce(() => misses(cache, "quire:test:stop", 20))).toBe(true);
      expect(await settlesAtOnce(() => [cache.set("quire:test:stop", makePage("after"), 60)])).toBe(true);
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
    it(`misses while a server that accepts and never answers holds its reply, then stops sending${how}`, async () => {
      const silent = await startSilentServer();
      const cache = cacheOn(silent.servers, { coolDownMs: 60_000, ...credentials });
      try {
        // The server never answers: each get that reaches it settles as a miss while it still holds its reply.
        expect(await gets(cache, "quire:test:silent", 5)).toBe(0);
        // A server that has never answered is skipped after its first failure: one attempt reached it.
        expect(silent.requestsReceived).toBe(1);
        const sent = silent.bytesReceived;
        // Skipped: gets and writes answer at once, and nothing more is even sent.
        expect(await settlesAtOnce(() => misses(cache, "quire:test:silent", 20))).toBe(true);
        expect(await settlesAtOnce(() => [cache.set("quire:test:silent", makePage("x"), 60)])).toBe(true);
        expect(silent.bytesReceived).toBe(sent);
      } finally {
        await cache.close();
        await silent.stop();
      }
    });
  }

  it("lets a write settle even when memcached never answers", async () => {
    const silent = await startSilentServer();
    const cache = cacheOn(silent.servers);
    try {
      // The write settles (as a failure, logged) while the server still holds its reply: it never sends one.
      await cache.set("quire:test:silent-write", makePage("x"), 60);
      expect(silent.requestsReceived).toBe(1);
    } finally {
      await cache.close();
      await silent.stop();
    }
  });

  it("resumes hits after memcached is restarted, once the cool-down has passed", async () => {
    const cache = cacheOn(server.servers, { coolDownMs: 300 });
    await server.stop();
    expect(await gets(cache, "quire:test:restart", 6)).toBe(0);
    await server.restart();
    // The restarted server is empty: hits resume as soon as a write gets through again.
    let hit = false;
    // Only a guard against a hang: the cool-down is 300 ms.
    const giveUp = Date.now() + 60_000;
    while (!hit && Date.now() < giveUp) {
      await cache.set("quire:test:restart", makePage("back"), 60);
      hit = bodyOf(await cache.get("quire:test:restart")) === "back";
      if (!hit) await sleep(100);
    }
    expect(hit).toBe(true);
    await cache.close();
  });
});
