/** Only pages are looked up in the page cache: static files, renditions, content files, 404s and redirects
 *  cost no memcached GET (issue 21: 80,040 misses in 60 s). Counted with memcached's own `stats`. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { serveSite, type TestServer } from "../helpers/http.js";
import { skipWithoutMemcached, startMemcached, type MemcachedServer } from "../helpers/memcached.js";
import { makeSite, removeSite, writeFiles } from "../helpers/site-fixture.js";
import { entry, fetchPage, memcachedStats } from "./support.js";

const skip = skipWithoutMemcached("page cache lookups");
const REPEAT = 20;

describe.skipIf(skip)("which requests ask memcached", () => {
  let root: string;
  let memcached: MemcachedServer;
  let t: TestServer;
  let rendition: string;

  beforeAll(async () => {
    root = makeSite({
      "static/site.css": "body { color: black }\n",
      "content/files/notes.txt": "notes\n",
      "content/blog/pic.md":
        "Title: Pic\nEntry-ID: 1\nDate: 2024-01-01\nPath-Alias: /old-pic\n\n![Pic](pic.png{40})\n",
      "content/blog/other.md": entry(2, "Other", "2024-01-02"),
    });
    writeFiles(root, {
      "content/blog/pic.png": await sharp({
        create: { width: 80, height: 60, channels: 3, background: "#808080" },
      })
        .png()
        .toBuffer(),
    });
    memcached = await startMemcached();
    t = await serveSite(root, {
      cache: true,
      env: { QUIRE_SECRET: "s", MEMCACHE_SERVERS: memcached.servers },
    });
    const html = (await fetchPage(`${t.url}/blog/1-Pic`)).body;
    rendition = /src="(\/_img\/[^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&");
  });
  afterAll(async () => {
    await t?.stop();
    await memcached?.stop();
    removeSite(root);
  });

  const gets = async () => (await memcachedStats(memcached.servers)).cmd_get ?? 0;

  async function getsFor(path: string, times = REPEAT): Promise<{ gets: number; status: number }> {
    const before = await gets();
    let status = 0;
    for (let i = 0; i < times; i++) status = (await fetchPage(`${t.url}${path}`)).status;
    return { gets: (await gets()) - before, status };
  }

  it("a page not yet in memory is looked up (the counter sees it)", async () => {
    expect(await getsFor("/blog/2-Other", 1)).toEqual({ gets: 1, status: 200 });
  });

  it.each([
    ["a static file", "/static/site.css", 200],
    ["a content file", "/_file/files/notes.txt", 200],
    ["a missing static file", "/static/nope.css", 404],
  ])("%s costs no GET", async (_what, path, status) => {
    expect(await getsFor(path)).toEqual({ gets: 0, status });
  });

  it("a rendition costs no GET", async () => {
    expect(await getsFor(rendition)).toEqual({ gets: 0, status: 200 });
  });

  it("a 404 page and a redirect cost one GET at most, not one per request", async () => {
    const missing = await getsFor("/no/such/page");
    expect(missing.status).toBe(404);
    expect(missing.gets).toBeLessThanOrEqual(1);
    const redirect = await getsFor("/old-pic");
    expect(redirect.status).toBe(301);
    expect(redirect.gets).toBeLessThanOrEqual(1);
  });
});
