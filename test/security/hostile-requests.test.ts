import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { request } from "node:http";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { MemoryPageCache } from "../../src/cache/index.js";

let root: string;
let t: TestServer;

const SECRET_TEXT = "TOP-SECRET-CONFIG";

beforeAll(async () => {
  root = makeSite({
    "quire.toml": `# ${SECRET_TEXT}\n[site]\ntitle = "Hostile <b>site</b>"\n[cache]\nmemory_mb = 1\n`,
    "static/ok.txt": "fine\n",
    "content/blog/.cat": "Name: <img src=x onerror=alert(3)>\n\nA category.\n",
    "content/blog/evil.md": [
      "Title: <script>alert(1)</script> & friends",
      "Entry-ID: 1",
      "Date: 2024-01-01",
      "Tag: <b onmouseover=alert(2)>tag</b>",
      "Summary: <script>alert(4)</script>",
      "",
      "Template syntax stays text: {{ 7 * 7 }} and {% if true %}yes{% endif %} and {{ site.title }}.",
      "",
    ].join("\n"),
    "content/blog/other.md": "Title: Other\nEntry-ID: 2\nDate: 2024-01-02\n\nText.\n",
  });
  t = await serveSite(root, { cache: true });
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
});

/** A raw request, so the path reaches the server exactly as written (fetch would normalise dot segments). */
function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("path traversal on every route", () => {
  const attempts = [
    "/static/../quire.toml",
    "/static/..%2fquire.toml",
    "/static/%2e%2e/quire.toml",
    "/static/%2e%2e%2fquire.toml",
    "/static/%252e%252e%252fquire.toml",
    "/static/....//quire.toml",
    "/_file/../quire.toml",
    "/_file/..%2fquire.toml",
    "/_file/%2e%2e%2fquire.toml",
    "/_file/%252e%252e/quire.toml",
    "/_file/blog/.cat",
    "/_file/blog/evil.md",
    "/_img/..%2f..%2fquire.toml",
    "/_img/%2e%2e%2f%2e%2e%2fquire.toml?s=x&sig=y",
    "/..%2fquire.toml",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/blog/..%2f..%2fquire.toml",
    "/blog/%00",
  ];
  it.each(attempts)("%s leaks nothing and never errors", async (path) => {
    const res = await raw(path);
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.status).toBeLessThan(500);
    expect(res.body).not.toContain(SECRET_TEXT);
    expect(res.body).not.toContain("root:x:0");
  });
});

describe("oversized and numerous requests", () => {
  it("answers a 100 KB query string with 414, not a crash", async () => {
    const res = await raw(`/blog/?tag=${"a".repeat(100 * 1024)}`);
    expect(res.status).toBe(414);
    expect((await raw("/blog/")).status).toBe(200);
  });

  // 2,000 pages are several times the 1 MB the cache may hold; the time limit is generous for a loaded machine.
  it(
    "keeps the page cache within its size for 2,000 distinct ?tag= combinations",
    { timeout: 180_000 },
    async () => {
      const cache = t.site.pageCache as MemoryPageCache;
      expect(cache).toBeInstanceOf(MemoryPageCache);
      const statuses = new Map<number, number>();
      for (let batch = 0; batch < 20; batch++) {
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            raw(`/blog/?tag=t${batch}-${i}&tag=u${i}`).then((r) => r.status),
          ),
        );
        for (const s of results) statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
      expect(statuses.get(200)).toBe(2_000);
      expect(cache.bytes).toBeGreaterThan(512 * 1024);
      expect(cache.bytes).toBeLessThanOrEqual(1024 * 1024);
    },
  );
});

describe("hostile text from authors' headers", () => {
  it("is escaped on pages, in the feed and in the sitemap; template syntax in bodies is never run", async () => {
    for (const path of [
      "/",
      "/blog/",
      "/blog/1-friends",
      "/feed",
      "/sitemap.xml",
      "/blog/?tag=%3Cb%20onmouseover%3Dalert(2)%3Etag%3C%2Fb%3E",
    ]) {
      const res = await raw(path);
      expect(res.status, path).toBe(200);
      expect(res.body, path).not.toMatch(/<script>alert\(\d\)/);
      expect(res.body, path).not.toMatch(/<b onmouseover/);
      expect(res.body, path).not.toMatch(/<img src=x onerror/);
    }
    const entry = await raw("/blog/1-friends");
    expect(entry.body).toContain("{{ 7 * 7 }}");
    expect(entry.body).toContain("{% if true %}yes{% endif %}");
    expect(entry.body).not.toContain(">49<");
  });
});

describe("replayed rendition signatures", () => {
  it("a valid signature for one rendition does not unlock another", async () => {
    const html = (await raw("/blog/1-friends")).body;
    expect(html).not.toContain("/_img/"); // no images on this page: forge from a well-formed name instead
    const forged = await raw(
      "/_img/evil_0123456789_10x10.jpg?s=eyJwIjoicXVpcmUudG9tbCJ9&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    );
    expect(forged.status).toBe(400);
  });
});
