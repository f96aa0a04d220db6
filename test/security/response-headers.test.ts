/** SECURITY.md, "Headers", "Requests" and "Secrets": the security headers on every kind of response, redirect
 *  targets that cannot carry a scheme trick, and the generated secret kept private. */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { rawGet } from "../helpers/raw-request.js";
import { siteSecret } from "../../src/image/site-images.js";
import { captureLog } from "../store/log-capture.js";

let root: string;
let t: TestServer;
let starting: TestServer;

beforeAll(async () => {
  root = makeSite({
    "static/a.txt": "a\n",
    "content/files/b.txt": "b\n",
    "content/blog/one.md": "Title: One\nEntry-ID: 1\nDate: 2024-01-01\nPath-Alias: /first\n\nOne.\n",
    "content/blog/js.md":
      "Title: Js\nEntry-ID: 2\nDate: 2024-01-01\nRedirect-To: javascript:alert(1)\n\nStays here.\n",
    "content/blog/data.md":
      "Title: Data\nEntry-ID: 3\nDate: 2024-01-01\nRedirect-To: data:text/html,<script>alert(1)</script>\n\nStays here too.\n",
  });
  t = await serveSite(root, { cache: true });
  starting = await serveSite(root, { index: false });
});
afterAll(async () => {
  await t.stop();
  await starting.stop();
  removeSite(root);
});

describe("security headers", () => {
  const cases: Array<[string, () => Promise<{ status: number; headers: Record<string, unknown> }>]> = [
    ["a page (miss)", () => rawGet(t.url, "/blog/1-One")],
    [
      "a page (cache hit)",
      async () => {
        const res = await rawGet(t.url, "/blog/1-One");
        expect(res.headers["x-cache"]).toBe("hit");
        return res;
      },
    ],
    ["a static file", () => rawGet(t.url, "/static/a.txt")],
    ["a content file", () => rawGet(t.url, "/_file/files/b.txt")],
    ["a redirect", () => rawGet(t.url, "/first")],
    ["a 404", () => rawGet(t.url, "/nope")],
    ["a bad query (400)", () => rawGet(t.url, "/blog/?date=nonsense")],
    ["a path that does not decode (400)", () => rawGet(t.url, "/_file/%")],
    ["an unsigned rendition (400)", () => rawGet(t.url, "/_img/x_0123456789_10x10.jpg")],
    ["an over-long URL (414)", () => rawGet(t.url, `/${"a".repeat(9000)}`)],
    ["a server still indexing (503)", () => rawGet(starting.url, "/")],
  ];
  it.each(cases)("are on %s", async (_what, get) => {
    const res = await get();
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(String(res.headers["content-security-policy"])).toMatch(/default-src '(self|none)'/);
  });

  it("answer a 405 with them too", async () => {
    const res = await fetch(`${t.url}/`, { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
  });
});

describe("Redirect-To", () => {
  it("never sends a reader to a javascript: or data: URL; the entry itself is served", async () => {
    for (const [path, text] of [
      ["/blog/2-Js", "Stays here."],
      ["/blog/3-Data", "Stays here too."],
    ] as const) {
      const res = await rawGet(t.url, path);
      expect(res.status, path).toBe(200);
      expect(res.headers.location, path).toBeUndefined();
      expect(res.body, path).toContain(text);
    }
  });
});

describe("the generated secret", () => {
  it("is kept in the data folder with mode 0600, with a warning outside development", () => {
    const dir = mkdtempSync(join(tmpdir(), "quire-secret-"));
    try {
      const log = captureLog();
      const secret = siteSecret(dir, undefined, log.logger, false);
      expect(secret.length).toBeGreaterThanOrEqual(32);
      const file = join(dir, "secret");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, "utf8")).toBe(secret);
      expect(log.warnings().map((l) => l.msg)).toContainEqual(
        expect.stringContaining("QUIRE_SECRET is not set"),
      );
      expect(siteSecret(dir, undefined, log.logger, false)).toBe(secret);
      // An empty file (what a full disk leaves) is no secret: a new one is made and kept.
      writeFileSync(file, "");
      const fresh = siteSecret(dir, undefined, log.logger, false);
      expect(fresh.length).toBeGreaterThanOrEqual(32);
      expect(readFileSync(file, "utf8")).toBe(fresh);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
