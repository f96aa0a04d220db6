/** A memcached that is configured but down from the start: the breaker opens from the first failure, so a
 *  busy boot sends it one attempt, not one per request (issue 21: p99 rose to 834 ms). Counted, not timed. */
import { describe, expect, it } from "vitest";
import { MemcachedPageCache } from "../../src/cache/memcached-cache.js";
import { silentLogger } from "../../src/log.js";
import { skipWithoutMemcached, startMemcached, startSilentServer } from "../helpers/memcached.js";
import { waitFor } from "../cache-site/support.js";
import { makePage } from "./page-cache-contract.js";

const skip = skipWithoutMemcached("memcached down at boot");
const BURST = 64;

describe.skipIf(skip)("memcached down from the start", () => {
  it("gets one attempt from a burst of requests, not one per request, and no more during the cool-down", async () => {
    const silent = await startSilentServer();
    const cache = new MemcachedPageCache({
      servers: silent.servers,
      logger: silentLogger(),
      timeoutMs: 100,
      failureThreshold: 5,
      coolDownMs: 600_000,
    });
    try {
      // Like the first requests after a boot: all arrive before any answer could.
      const first = await Promise.all(Array.from({ length: BURST }, (_, i) => cache.get(`/page-${i}`)));
      expect(first.every((page) => page === null)).toBe(true);
      await Promise.all(
        Array.from({ length: BURST }, (_, i) => cache.set(`/page-${i}`, makePage(`page ${i}`), 60)),
      );
      const second = await Promise.all(Array.from({ length: BURST }, (_, i) => cache.get(`/page-${i}`)));
      expect(second.every((page) => page === null)).toBe(true);
      // The one attempt has reached the server (its bytes are read as they arrive); nothing else was sent.
      await waitFor("the probe to arrive", () => (silent.requestsReceived >= 1 ? true : undefined));
      expect(silent.requestsReceived).toBe(1);
    } finally {
      await cache.close();
      await silent.stop();
    }
  });

  it("is used once it answers, after the cool-down", async () => {
    const memcached = await startMemcached();
    await memcached.stop();
    const cache = new MemcachedPageCache({
      servers: memcached.servers,
      logger: silentLogger(),
      timeoutMs: 250,
      coolDownMs: 50,
    });
    try {
      expect(await cache.get("/a")).toBeNull();
      await memcached.restart();
      // Probes go out one at a time after each cool-down; wait for one to get through and store a page.
      await waitFor("memcached to be used again", async () => {
        await cache.set("/a", makePage("back"), 60);
        return (await cache.get("/a")) ? true : undefined;
      });
    } finally {
      await cache.close();
      await memcached.stop();
    }
  });
});
