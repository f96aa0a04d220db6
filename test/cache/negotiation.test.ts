/** The header rules behind a cache hit: who gets gzip bytes as they are, and when a 304 will do. */
import { describe, expect, it } from "vitest";
import { acceptsGzip, etagFor, etagMatches } from "../../src/cache/negotiation.js";

describe("acceptsGzip", () => {
  const cases: Array<[string | undefined, boolean]> = [
    [undefined, false],
    ["", false],
    ["gzip", true],
    ["gzip, deflate, br", true],
    ["GZIP", true],
    ["x-gzip", true],
    ["br;q=1.0, gzip;q=0.8, *;q=0.1", true],
    ["gzip;q=0", false],
    ["gzip; q=0.000", false],
    ["gzip;q=0.001", true],
    ["*", true],
    ["*;q=0", false],
    ["gzip;q=0, *", false],
    ["*, gzip;q=0", false],
    ["gzip;q=0, *;q=0.5, gzip;q=0.5", true],
    ["identity", false],
    ["br, deflate", false],
    ["gzip;q=banana", false],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} → ${expected ? "gzip" : "plain"}`, () => {
      expect(acceptsGzip(header)).toBe(expected);
    });
  }
});

describe("etagMatches", () => {
  const etag = '"abc"';
  it("matches the tag itself, its weak form, a list containing it and *", () => {
    expect(etagMatches('"abc"', etag)).toBe(true);
    expect(etagMatches('W/"abc"', etag)).toBe(true);
    expect(etagMatches('W/"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('"x", "y" , W/"abc"', etag)).toBe(true);
    expect(etagMatches(" * ", etag)).toBe(true);
  });

  it("does not match other tags, prefixes, or a missing header", () => {
    expect(etagMatches('"ab"', etag)).toBe(false);
    expect(etagMatches('"abcd"', etag)).toBe(false);
    expect(etagMatches('"x", "y"', etag)).toBe(false);
    expect(etagMatches(undefined, etag)).toBe(false);
    expect(etagMatches("", etag)).toBe(false);
  });

  it("handles tags that contain commas", () => {
    expect(etagMatches('"a,b"', '"a,b"')).toBe(true);
    expect(etagMatches('"a", "b"', '"a,b"')).toBe(false);
  });
});

describe("etagFor", () => {
  it("is a quoted strong tag that changes with the bytes and only with them", () => {
    expect(etagFor("hello")).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(etagFor("hello")).toBe(etagFor(Buffer.from("hello")));
    expect(etagFor("hello")).not.toBe(etagFor("hello!"));
  });
});
