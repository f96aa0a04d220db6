/** Choosing the page cache from the environment: Heroku add-on variables, their precedence, and
 *  sentences an operator can act on when a variable is wrong. */
import { describe, expect, it } from "vitest";
import { cacheConfigFromEnv, createPageCache } from "../../src/cache/cache-config.js";
import { QuireError } from "../../src/errors.js";
import { silentLogger } from "../../src/log.js";

describe("cacheConfigFromEnv", () => {
  it("is null when no memcached variable is set (memory cache only)", () => {
    expect(cacheConfigFromEnv({})).toBeNull();
    expect(cacheConfigFromEnv({ MEMCACHE_SERVERS: "  " })).toBeNull();
  });

  it("reads MemCachier's servers and credentials", () => {
    const config = cacheConfigFromEnv({
      MEMCACHIER_SERVERS: "mc1.example.com:11211,mc2.example.com:11211",
      MEMCACHIER_USERNAME: "user",
      MEMCACHIER_PASSWORD: "pass",
    });
    expect(config).toEqual({
      servers: ["mc1.example.com:11211", "mc2.example.com:11211"],
      username: "user",
      password: "pass",
    });
  });

  it("prefers MEMCACHIER_* over MEMCACHEDCLOUD_* over MEMCACHE_SERVERS", () => {
    const all = {
      MEMCACHIER_SERVERS: "a:1",
      MEMCACHEDCLOUD_SERVERS: "b:2",
      MEMCACHEDCLOUD_USERNAME: "u",
      MEMCACHEDCLOUD_PASSWORD: "p",
      MEMCACHE_SERVERS: "c:3",
    };
    expect(cacheConfigFromEnv(all)?.servers).toEqual(["a:1"]);
    expect(cacheConfigFromEnv({ ...all, MEMCACHIER_SERVERS: "" })).toEqual({
      servers: ["b:2"],
      username: "u",
      password: "p",
    });
    expect(cacheConfigFromEnv({ MEMCACHE_SERVERS: "c:3, d" })).toEqual({ servers: ["c:3", "d"] });
  });

  it("does not take credentials from another provider's variables", () => {
    const config = cacheConfigFromEnv({
      MEMCACHE_SERVERS: "c:3",
      MEMCACHIER_USERNAME: "u",
      MEMCACHIER_PASSWORD: "p",
    });
    expect(config).toEqual({ servers: ["c:3"] });
  });

  it("names the variable when a server is not host:port", () => {
    expect(() => cacheConfigFromEnv({ MEMCACHE_SERVERS: "localhost:eleven" })).toThrow(
      /MEMCACHE_SERVERS: "localhost:eleven" is not a memcached server/,
    );
    expect(() => cacheConfigFromEnv({ MEMCACHE_SERVERS: "localhost:70000" })).toThrow(QuireError);
  });

  it("says which credential is missing when only one is set", () => {
    let error: unknown;
    try {
      cacheConfigFromEnv({ MEMCACHIER_SERVERS: "a:1", MEMCACHIER_USERNAME: "u" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(QuireError);
    expect((error as QuireError).code).toBe("E_CACHE");
    expect((error as QuireError).message).toBe("MEMCACHIER_USERNAME is set but MEMCACHIER_PASSWORD is not");
  });
});

describe("createPageCache", () => {
  const logger = silentLogger();

  it("uses the memory cache alone when nothing is configured", async () => {
    const cache = createPageCache({ env: {}, logger });
    expect(cache.label).toBe("memory");
    await cache.close();
  });

  it("puts memory in front of memcached when memcached is configured, without logging credentials", async () => {
    const cache = createPageCache({ env: { MEMCACHE_SERVERS: "user:secret@127.0.0.1:1" }, logger });
    expect(cache.label).toBe("memory+memcached(127.0.0.1:1)");
    await cache.close();
  });
});
