import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { rmSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { makeSite, removeSite, writeFiles } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

// Issue 21, item 8 / SECURITY.md "Image requests": a stored rendition is served by its name alone (names are
// content-addressed and stored only after a signed request made them); anything else needs a valid signature,
// checked before any source file is read.
let root: string;
let t: TestServer;
let url: string;

beforeAll(async () => {
  root = makeSite({
    "templates/entry.html": "{{ entry.body }}",
    "content/blog/pic.md": "Title: Pic\nEntry-ID: 1\nDate: 2024-01-01\n\n![Pic](pic.png{40})\n",
  });
  const png = await sharp({ create: { width: 80, height: 60, channels: 3, background: "#3366cc" } })
    .png()
    .toBuffer();
  writeFiles(root, { "content/blog/pic.png": png });
  t = await serveSite(root);
  const html = await (await t.get("/blog/1-Pic")).text();
  url = /src="(\/_img\/[^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&");
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
});

const bare = () => url.split("?")[0]!;
const bogus = () => `${bare()}?s=eyJwIjoiYmxvZy9waWMucG5nIn0&sig=${"A".repeat(43)}`;

describe("rendition names and signatures", () => {
  it("serves a stored rendition by name, signed or not, without generating anything", async () => {
    const signed = await t.get(url);
    expect(signed.status).toBe(200);
    const bytes = Buffer.from(await signed.arrayBuffer());
    const generations = t.site.images.service.generations;
    for (const path of [bare(), bogus()]) {
      const res = await t.get(path);
      expect(res.status, path).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
    expect(t.site.images.service.generations).toBe(generations);
  });

  it("refuses a name that is not stored with 400 unless signed, before reading the source", async () => {
    const store = join(t.site.paths.dataDir, "renditions");
    rmSync(store, { recursive: true, force: true });
    mkdirSync(store, { recursive: true });
    // With the source gone, reading it would answer 404: a 400 shows the signature was checked first.
    rmSync(join(root, "content", "blog", "pic.png"));
    const generations = t.site.images.service.generations;
    for (const path of [bare(), bogus()]) expect((await t.get(path)).status, path).toBe(400);
    expect(t.site.images.service.generations).toBe(generations);
    expect(readdirSync(store)).toEqual([]);
    expect((await t.get(url)).status).toBe(404);
  });
});
