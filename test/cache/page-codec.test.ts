/** The binary form of a cached page in memcached: it round-trips exactly, and anything else read
 *  back (truncated, foreign, corrupt) is a miss rather than an exception. */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodePage, encodePage, type CachedPage } from "../../src/cache/page-cache.js";

const page: CachedPage = {
  status: 200,
  headers: {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "public, max-age=60",
    "x-note": "café",
  },
  body: Buffer.from([0x1f, 0x8b, 0, 1, 2, 255, 13, 10]),
  etag: 'W/"abc,def"',
  storedAt: 1_750_000_000_123,
  expiresAt: 1_750_000_060_123,
};

describe("encodePage / decodePage", () => {
  it("round-trips every field", () => {
    expect(decodePage(encodePage(page))).toEqual(page);
  });

  it("round-trips a page with no headers, an empty body and no known expiry", () => {
    const bare: CachedPage = { status: 200, headers: {}, body: Buffer.alloc(0), etag: "", storedAt: 0 };
    expect(decodePage(encodePage(bare))).toEqual(bare);
  });

  it("reads a value delivered as a plain Uint8Array", () => {
    const bytes = encodePage(page);
    expect(decodePage(new Uint8Array(bytes))).toEqual(page);
  });

  it("returns null for every truncation of a valid value", () => {
    const bytes = encodePage(page);
    for (let length = 0; length < bytes.length; length++) {
      expect(decodePage(bytes.subarray(0, length))).toBeNull();
    }
  });

  it("returns null for trailing bytes, another format version, or random data", () => {
    const bytes = encodePage(page);
    expect(decodePage(Buffer.concat([bytes, Buffer.from([0])]))).toBeNull();
    const otherVersion = Buffer.from(bytes);
    otherVersion.write("QPC2", 0, "latin1");
    expect(decodePage(otherVersion)).toBeNull();
    expect(decodePage(null)).toBeNull();
    for (let i = 0; i < 200; i++) expect(decodePage(randomBytes(i * 7))).toBeNull();
  });

  it("returns null when a length inside the value is corrupt", () => {
    const bytes = encodePage(page);
    const etagLengthAt = 22;
    const headerCountAt = etagLengthAt + 2 + Buffer.byteLength(page.etag);
    const bodyLengthAt = bytes.length - page.body.length - 4;
    for (const at of [etagLengthAt, etagLengthAt + 1, headerCountAt + 1, bodyLengthAt, bodyLengthAt + 3]) {
      const corrupt = Buffer.from(bytes);
      corrupt[at] = (corrupt[at] ?? 0) ^ 0x41;
      expect(decodePage(corrupt)).toBeNull();
    }
  });

  it("never throws whichever byte is flipped", () => {
    const bytes = encodePage(page);
    for (let at = 0; at < bytes.length; at++) {
      const corrupt = Buffer.from(bytes);
      corrupt[at] = (corrupt[at] ?? 0) ^ 0xff;
      // A flipped byte inside a string or date may still decode; what matters is no exception.
      expect(() => decodePage(corrupt)).not.toThrow();
    }
  });
});
