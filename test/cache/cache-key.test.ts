/** Page cache keys and lifetimes: the same key in every process for the same content, a different
 *  one for anything a page depends on, and no cached page outliving the next scheduled entry. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { MAX_KEY_BYTES, pageCacheKey, pageTtl, type PageKeyInput } from "../../src/cache/cache-key.js";
import { MemoryPageCache } from "../../src/cache/memory-cache.js";
import { makePage } from "./page-cache-contract.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));

const base: PageKeyInput = {
  generation: "c0ffee",
  templatesFingerprint: "7e3a1",
  method: "GET",
  path: "/blog/12-hello-world",
  query: "tag=a&tag=b",
  format: "text/html",
  user: { identity: null, groups: [] },
  version: "0.1.0",
};

/** The key another Node process computes for the same input (what a second dyno would do). */
async function keyInChildProcess(input: PageKeyInput): Promise<string> {
  const script =
    'const { pageCacheKey } = await import("./src/cache/cache-key.ts");' +
    "process.stdout.write(pageCacheKey(JSON.parse(process.argv[1])));";
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script, JSON.stringify(input)],
    { cwd: root },
  );
  return stdout;
}

describe("pageCacheKey", () => {
  it("is the same in separate processes for the same content and request", async () => {
    const long = { ...base, path: `/blog/${"very-long-slug-".repeat(30)}` };
    const [a, b, c] = await Promise.all([
      keyInChildProcess(base),
      keyInChildProcess(base),
      keyInChildProcess(long),
    ]);
    expect(a).toBe(pageCacheKey(base));
    expect(b).toBe(a);
    expect(c).toBe(pageCacheKey(long));
  });

  it("starts with quire: and fits memcached's rules", () => {
    const key = pageCacheKey(base);
    expect(key.startsWith("quire:")).toBe(true);
    expect(Buffer.byteLength(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(key).toMatch(/^[!-~]+$/); // printable ASCII: no spaces or control characters
  });

  const changes: Array<[string, Partial<PageKeyInput>]> = [
    ["content generation", { generation: "c0ffef" }],
    ["template fingerprint", { templatesFingerprint: "7e3a2" }],
    ["path", { path: "/blog/13-hello-world" }],
    ["query", { query: "tag=a" }],
    ["query parameter order", { query: "tag=b&tag=a" }],
    ["format", { format: "application/atom+xml" }],
    ["user identity", { user: { identity: "alice" } }],
    ["user groups", { user: { identity: null, groups: ["friends"] } }],
    ["Quire version", { version: "0.2.0" }],
    ["method", { method: "POST" }],
  ];
  for (const [what, change] of changes) {
    it(`changes when the ${what} changes`, () => {
      expect(pageCacheKey({ ...base, ...change })).not.toBe(pageCacheKey(base));
    });
  }

  it("cannot be forged by moving separators between fields", () => {
    const a = pageCacheKey({ ...base, path: "/a:b", query: "c" });
    const b = pageCacheKey({ ...base, path: "/a", query: "b:c" });
    expect(a).not.toBe(b);
    expect(pageCacheKey({ ...base, user: { identity: "@anon" } })).not.toBe(pageCacheKey(base));
  });

  it("treats HEAD like GET, a leading '?' like none and group order as irrelevant", () => {
    expect(pageCacheKey({ ...base, method: "HEAD" })).toBe(pageCacheKey(base));
    expect(pageCacheKey({ ...base, method: undefined })).toBe(pageCacheKey(base));
    expect(pageCacheKey({ ...base, query: `?${base.query}` })).toBe(pageCacheKey(base));
    const ab = pageCacheKey({ ...base, user: { identity: "bob", groups: ["a", "b"] } });
    expect(pageCacheKey({ ...base, user: { identity: "bob", groups: ["b", "a", "a"] } })).toBe(ab);
    expect(pageCacheKey({ ...base, user: null })).toBe(pageCacheKey(base));
  });

  it("hashes long keys to at most 250 bytes and keeps them distinct", () => {
    const one = pageCacheKey({ ...base, path: `/${"é".repeat(300)}/1` });
    const two = pageCacheKey({ ...base, path: `/${"é".repeat(300)}/2` });
    for (const key of [one, two]) {
      expect(key.startsWith("quire:")).toBe(true);
      expect(Buffer.byteLength(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
      expect(key).toMatch(/^[!-~]+$/); // printable ASCII: no spaces or control characters
    }
    expect(one).not.toBe(two);
  });
});

describe("pageTtl", () => {
  const now = Date.UTC(2025, 5, 1, 12, 0, 0);

  it("is the configured TTL when nothing is scheduled", () => {
    expect(pageTtl({ ttlSeconds: 3600, now, nextScheduledAt: null })).toBe(3600);
    expect(pageTtl({ ttlSeconds: 3600, now })).toBe(3600);
  });

  it("ends when the next scheduled entry goes live, if that is sooner", () => {
    expect(pageTtl({ ttlSeconds: 3600, now, nextScheduledAt: now + 30 * 60_000 })).toBe(1800);
    expect(pageTtl({ ttlSeconds: 3600, now: new Date(now), nextScheduledAt: new Date(now + 10_500) })).toBe(
      10,
    );
    expect(pageTtl({ ttlSeconds: 60, now, nextScheduledAt: now + 3_600_000 })).toBe(60);
  });

  it("never lets a page outlive the scheduled moment", () => {
    for (const ahead of [1000, 1001, 1999, 2000, 59_999, 3_599_999]) {
      const ttl = pageTtl({ ttlSeconds: 3600, now, nextScheduledAt: now + ahead });
      expect(ttl).toBeGreaterThanOrEqual(1);
      expect(now + ttl * 1000).toBeLessThanOrEqual(now + ahead);
    }
  });

  it("makes a cached home page miss by the time a scheduled entry goes live", async () => {
    let clock = now;
    const cache = new MemoryPageCache({ now: () => clock });
    const scheduled = now + 90_250;
    await cache.set(
      "home",
      { ...makePage("without the post"), storedAt: now },
      pageTtl({ ttlSeconds: 3600, now, nextScheduledAt: scheduled }),
    );
    clock = scheduled - 1500;
    expect(await cache.get("home")).not.toBeNull();
    clock = scheduled;
    expect(await cache.get("home")).toBeNull();
  });

  it("does not cache when the scheduled entry is due or less than a second away", () => {
    expect(pageTtl({ ttlSeconds: 3600, now, nextScheduledAt: now })).toBe(0);
    expect(pageTtl({ ttlSeconds: 3600, now, nextScheduledAt: now - 5000 })).toBe(0);
    expect(pageTtl({ ttlSeconds: 3600, now, nextScheduledAt: now + 999 })).toBe(0);
  });

  it("does not cache with a TTL of 0 and rounds sub-second TTLs up to 1 s", () => {
    expect(pageTtl({ ttlSeconds: 0, now })).toBe(0);
    expect(pageTtl({ ttlSeconds: -5, now })).toBe(0);
    expect(pageTtl({ ttlSeconds: 0.4, now })).toBe(1);
  });
});
