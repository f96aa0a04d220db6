/** The memcached tier and the tiered cache against a real memcached: the shared contract, pages
 *  shared between processes, and what memcached itself is told (expiry, keys, foreign values). */
import { createConnection } from "node:net";
import memjs from "memjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safeCacheKey } from "../../src/cache/cache-key.js";
import { MemcachedPageCache } from "../../src/cache/memcached-cache.js";
import { MemoryPageCache } from "../../src/cache/memory-cache.js";
import { TieredPageCache } from "../../src/cache/tiered-cache.js";
import { silentLogger } from "../../src/log.js";
import { skipWithoutMemcached, startMemcached, type MemcachedServer } from "../helpers/memcached.js";
import { bodyOf, makePage, pageCacheContract } from "./page-cache-contract.js";

const skip = skipWithoutMemcached("memcached page cache");
let server: MemcachedServer;
const logger = silentLogger();
// What these tests check is what memcached keeps, not the tier's deadline (its own tests cover that): a generous
// deadline keeps a 600 KB set on a loaded machine from being dropped as a slow call.
const memcached = (): MemcachedPageCache =>
  new MemcachedPageCache({ servers: server.servers, logger, timeoutMs: 10_000 });

/** A raw text-protocol request to the test server (to see what memcached holds, not what the tier says). */
function rawCommand(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port: server.port }, () =>
      socket.write(`${command}\r\n`),
    );
    let reply = "";
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      if (reply.endsWith("\r\n")) {
        socket.destroy();
        resolve(reply.trim());
      }
    });
    socket.on("error", reject);
  });
}

/** Seconds memcached will keep `key`, read with the meta-get `t` flag; null when absent. */
async function remainingTtl(key: string): Promise<number | null> {
  const reply = await rawCommand(`mg ${safeCacheKey(key)} t`);
  const match = /^HD t(-?\d+)/.exec(reply);
  return match ? Number(match[1]) : null;
}

describe.skipIf(skip)("memcached page cache", () => {
  beforeAll(async () => {
    server = await startMemcached();
  });
  afterAll(async () => {
    await server?.stop();
  });

  pageCacheContract("memcached", memcached);
  pageCacheContract(
    "memory in front of memcached",
    () => new TieredPageCache(new MemoryPageCache(), memcached()),
  );

  it("serves a page stored by one process to another (two dynos, one memcached)", async () => {
    const first = new TieredPageCache(new MemoryPageCache(), memcached());
    const second = new TieredPageCache(new MemoryPageCache(), memcached());
    const page = makePage("<p>shared</p>");
    await first.set("quire:test:shared", page, 60);
    const got = await second.get("quire:test:shared");
    expect(bodyOf(got)).toBe("<p>shared</p>");
    expect(got?.etag).toBe(page.etag);
    await Promise.all([first.close(), second.close()]);
  });

  it("tells memcached the TTL, so dead pages do not pile up there", async () => {
    const cache = memcached();
    const start = Date.now();
    await cache.set("quire:test:ttl-told", makePage("x"), 90);
    const ttl = await remainingTtl("quire:test:ttl-told");
    // Whole seconds pass between the set and the read on a loaded machine; memcached counts them down.
    const passed = Math.ceil((Date.now() - start) / 1000);
    expect(ttl).toBeGreaterThanOrEqual(89 - passed);
    expect(ttl).toBeLessThanOrEqual(90);
    await cache.close();
  });

  it("keeps a TTL over 30 days (which memcached would read as a date in 1970) as 30 days", async () => {
    const cache = memcached();
    await cache.set("quire:test:ttl-long", makePage("long"), 40 * 24 * 3600);
    expect(bodyOf(await cache.get("quire:test:ttl-long"))).toBe("long");
    expect(await remainingTtl("quire:test:ttl-long")).toBeLessThanOrEqual(30 * 24 * 3600);
    await cache.close();
  });

  it("sends memcached a key it accepts when the page key is long or has spaces", async () => {
    const cache = memcached();
    const key = `quire:test:long ${"x".repeat(400)}`;
    await cache.set(key, makePage("long key"), 60);
    expect(await remainingTtl(key)).not.toBeNull();
    expect(bodyOf(await cache.get(key))).toBe("long key");
    await cache.close();
  });

  it("treats a value that is not a Quire page as a miss", async () => {
    const raw = memjs.Client.create(server.servers, { logger: { log: () => undefined } });
    await raw.set("quire:test:foreign", Buffer.from("QPC1 but then garbage"), { expires: 60 });
    await raw.set("quire:test:empty", Buffer.alloc(0), { expires: 60 });
    raw.close();
    const cache = memcached();
    expect(await cache.get("quire:test:foreign")).toBeNull();
    expect(await cache.get("quire:test:empty")).toBeNull();
    await cache.close();
  });

  it("copies a memcached hit into memory with the same expiry", async () => {
    const shared = memcached();
    const expiresAt = Date.now() + 1500;
    await shared.set("quire:test:fill", { ...makePage("filled"), expiresAt }, 60);
    const memory = new MemoryPageCache();
    const tiered = new TieredPageCache(memory, shared);
    expect(bodyOf(await tiered.get("quire:test:fill"))).toBe("filled");
    const copy = memory.read("quire:test:fill");
    expect(bodyOf(copy)).toBe("filled");
    expect(copy?.expiresAt).toBe(expiresAt);
    await tiered.close();
  });
});
