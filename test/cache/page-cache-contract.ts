/** The one contract every PageCache tier passes (memory, memcached, tiered), run by each tier's test
 *  file against a real backend: what a cached page looks like to the server that reads it back. */
import { randomBytes, randomUUID } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { etagFor } from "../../src/cache/negotiation.js";
import type { CachedPage, PageCache } from "../../src/cache/page-cache.js";
import { sleep } from "../helpers/memcached.js";

/** A page as the miss path would store it: gzip body, headers, etag. */
export function makePage(body: string | Buffer, headers: Record<string, string> = {}): CachedPage {
  const raw = typeof body === "string" ? Buffer.from(body) : body;
  return {
    status: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "public, max-age=60",
      ...headers,
    },
    body: gzipSync(raw),
    etag: etagFor(raw),
    storedAt: Date.now(),
  };
}

/** The uncompressed body of a cached page. */
export function bodyOf(page: CachedPage | null): string | null {
  return page ? gunzipSync(page.body).toString("utf8") : null;
}

/** Registers the contract suite for one tier; `makeCache` is called before each test. */
export function pageCacheContract(
  name: string,
  makeCache: () => PageCache | Promise<PageCache>,
  skip = false,
): void {
  describe.skipIf(skip)(`PageCache contract: ${name}`, () => {
    let cache: PageCache;
    const run = randomUUID().slice(0, 8);
    let n = 0;
    // Unique per test: a shared memcached keeps what earlier tests wrote.
    const key = (label: string): string => `quire:test:${run}:${label}:${n++}`;

    beforeEach(async () => {
      cache = await makeCache();
    });
    afterEach(async () => {
      await cache.close();
    });

    it("misses on a key never stored", async () => {
      expect(await cache.get(key("never"))).toBeNull();
    });

    it("gives back the stored page: status, headers, etag and body", async () => {
      const k = key("roundtrip");
      const page = makePage("<h1>Hello</h1>", { "x-extra": "café" });
      await cache.set(k, page, 60);
      const got = await cache.get(k);
      expect(got).not.toBeNull();
      expect(got?.status).toBe(200);
      expect(got?.headers).toEqual(page.headers);
      expect(got?.etag).toBe(page.etag);
      expect(bodyOf(got)).toBe("<h1>Hello</h1>");
    });

    it("replaces a page written again under the same key", async () => {
      const k = key("overwrite");
      await cache.set(k, makePage("first"), 60);
      await cache.set(k, makePage("second"), 60);
      expect(bodyOf(await cache.get(k))).toBe("second");
    });

    it("forgets a page once its TTL has passed", async () => {
      for (let ttl = 2; ; ttl *= 3) {
        const k = key(`ttl-${ttl}`);
        const start = Date.now();
        await cache.set(k, makePage("short-lived"), ttl);
        const got = await cache.get(k);
        // memcached counts whole seconds, so the page is owed only within the TTL's first ttl - 1 of them; a
        // machine too busy to read it back by then tries again with a longer TTL.
        if (Date.now() - start >= (ttl - 1) * 1000) continue;
        expect(bodyOf(got)).toBe("short-lived");
        await sleep(ttl * 1000 + 100);
        expect(await cache.get(k)).toBeNull();
        break;
      }
    });

    it("never keeps a page past the expiry it carries, whatever the TTL", async () => {
      for (let lead = 400; ; lead *= 4) {
        const k = key(`ceiling-${lead}`);
        const expiresAt = Date.now() + lead;
        await cache.set(k, { ...makePage("until"), expiresAt }, 3600);
        const got = await cache.get(k);
        // Only a read made before the expiry owes the page; a busier machine tries again further ahead.
        if (Date.now() >= expiresAt) continue;
        expect(bodyOf(got)).toBe("until");
        await sleep(expiresAt + 100 - Date.now());
        expect(await cache.get(k)).toBeNull();
        break;
      }
    });

    it("does not store a page with a TTL of 0", async () => {
      const k = key("ttl0");
      await cache.set(k, makePage("no"), 0);
      expect(await cache.get(k)).toBeNull();
    });

    it("refuses pages over ~900 KB and keeps ones under it", async () => {
      // Random bytes do not compress, so the gzip body is as large as the input.
      const big = key("big");
      await cache.set(big, makePage(randomBytes(950 * 1024)), 60);
      expect(await cache.get(big)).toBeNull();
      const fits = key("fits");
      const body = randomBytes(600 * 1024);
      await cache.set(fits, makePage(body), 60);
      const got = await cache.get(fits);
      expect(got && gunzipSync(got.body).equals(body)).toBe(true);
    });

    it("keeps bodies byte for byte (NUL, CR/LF, every byte value)", async () => {
      const k = key("binary");
      const body = Buffer.concat([Buffer.from([...Array(256).keys()]), Buffer.from("\r\nEND\r\n\0")]);
      const page = makePage(body);
      page.body = body; // not valid gzip on purpose: the tier must not look inside
      await cache.set(k, page, 60);
      expect((await cache.get(k))?.body.equals(body)).toBe(true);
    });

    it("accepts long keys with spaces and non-ASCII, and keeps them apart", async () => {
      const base = `${key("long")} ${"ü/é ".repeat(300)}\n`;
      await cache.set(`${base}a`, makePage("A"), 60);
      await cache.set(`${base}b`, makePage("B"), 60);
      expect(bodyOf(await cache.get(`${base}a`))).toBe("A");
      expect(bodyOf(await cache.get(`${base}b`))).toBe("B");
    });

    it("stores many pages written at once", async () => {
      const keys = Array.from({ length: 50 }, (_, i) => key(`many${i}`));
      await Promise.all(keys.map((k, i) => cache.set(k, makePage(`page ${i}`), 60)));
      const bodies = await Promise.all(keys.map(async (k) => bodyOf(await cache.get(k))));
      expect(bodies).toEqual(keys.map((_, i) => `page ${i}`));
    });

    it("ends with one whole page when the same key is written concurrently", async () => {
      const k = key("race");
      const written = Array.from({ length: 20 }, (_, i) => `version ${i} `.repeat(200));
      await Promise.all(written.map((body) => cache.set(k, makePage(body), 60)));
      expect(written).toContain(bodyOf(await cache.get(k)));
    });
  });
}
