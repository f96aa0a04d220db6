import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { rmSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { makeSite, removeSite, writeFiles } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

let root: string;
let a: TestServer;

async function photo(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i += 3) {
    const p = i / 3;
    raw[i] = (p % width) & 255;
    raw[i + 1] = Math.floor(p / width) & 255;
    raw[i + 2] = 128;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** Every image URL on a page (src and both srcset candidates). */
function imageUrls(html: string): string[] {
  const urls = new Set<string>();
  for (const m of html.matchAll(/(?:src|srcset)="([^"]+)"/g)) {
    for (const part of m[1]!.split(",")) {
      const url = part.trim().split(/\s+/)[0]!.replace(/&amp;/g, "&");
      if (url.startsWith("/_img/")) urls.add(url);
    }
  }
  return [...urls];
}

beforeAll(async () => {
  root = makeSite({
    "templates/entry.html": "{{ entry.body }}",
    "content/blog/gallery.md":
      "Title: Gallery\nEntry-ID: 1\nDate: 2024-01-01\n\n![Hills](hills.jpg{320} | dusk.jpg{width=200})\n\n![Missing](nowhere.jpg{100})\n",
  });
  writeFiles(root, {
    "content/blog/hills.jpg": await photo(900, 600),
    "content/blog/dusk.jpg": await photo(400, 500),
  });
  a = await serveSite(root);
});
afterAll(async () => {
  await a.stop();
  removeSite(root);
});

describe("renditions through HTTP", () => {
  it("renders sized, lazy images with a 2x srcset, and an error span for a missing image", async () => {
    const html = await (await a.get("/blog/1-Gallery")).text();
    expect(html).toMatch(
      /<img[^>]+src="\/_img\/hills_[0-9a-f]{10}_320x213\.jpg\?[^"]+"[^>]*srcset="[^"]+ 1x, [^"]+_640x427\.jpg[^"]* 2x"[^>]*width="320" height="213"[^>]*loading="lazy"/,
    );
    expect(html).toContain('<span class="error">Image not found: nowhere.jpg</span>');
    expect(imageUrls(html)).toHaveLength(4);
  });

  it("heal themselves: the store deleted, every URL still answers with the same bytes; a second process with an empty disk serves them", async () => {
    const html = await (await a.get("/blog/1-Gallery")).text();
    const urls = imageUrls(html);
    const first = await Promise.all(urls.map(async (u) => Buffer.from(await (await a.get(u)).arrayBuffer())));
    for (const [i, u] of urls.entries()) {
      const res = await a.get(u);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      const meta = await sharp(first[i]!).metadata();
      expect(u).toContain(`_${meta.width}x${meta.height}.`);
      expect(res.status).toBe(200);
    }
    rmSync(join(a.site.paths.dataDir, "renditions"), { recursive: true, force: true });
    mkdirSync(join(a.site.paths.dataDir, "renditions"));
    for (const [i, u] of urls.entries())
      expect(Buffer.from(await (await a.get(u)).arrayBuffer())).toEqual(first[i]);

    const b = await serveSite(root);
    try {
      for (const [i, u] of urls.entries()) {
        const res = await b.get(u);
        expect(res.status).toBe(200);
        expect(Buffer.from(await res.arrayBuffer())).toEqual(first[i]);
      }
    } finally {
      await b.stop();
    }
  });

  it("generate a missing rendition once for 20 concurrent requests", async () => {
    const html = await (await a.get("/blog/1-Gallery")).text();
    const url = imageUrls(html)[0]!;
    rmSync(join(a.site.paths.dataDir, "renditions"), { recursive: true, force: true });
    const before = a.site.images.service.generations;
    const responses = await Promise.all(Array.from({ length: 20 }, () => a.get(url)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(a.site.images.service.generations - before).toBe(1);
  });

  it("refuse tampered, unsigned and malformed URLs with 400, and answer 304 to a matching If-None-Match", async () => {
    const html = await (await a.get("/blog/1-Gallery")).text();
    const url = imageUrls(html)[0]!;
    // A stored rendition is served by name; a missing one is only generated from a valid signature.
    rmSync(join(a.site.paths.dataDir, "renditions"), { recursive: true, force: true });
    const tampered = url.replace(
      /sig=([^&]+)/,
      (_m, sig: string) => `sig=${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`,
    );
    expect((await a.get(tampered)).status).toBe(400);
    expect((await a.get(url.split("?")[0]!)).status).toBe(400);
    expect((await a.get("/_img/..%2f..%2fetc%2fpasswd")).status).toBe(400);
    expect((await a.get(`${url.split("?")[0]}?s=${"A".repeat(5000)}&sig=x`)).status).toBe(400);
    const otherSize = url.replace(/_320x213\./, "_4000x2667.");
    expect((await a.get(otherSize)).status).toBe(400);
    const ok = await a.get(url);
    const again = await a.get(url, {
      headers: { "If-None-Match": ok.headers.get("etag")!, "Cache-Control": "max-age=0" },
    });
    expect(again.status).toBe(304);
  });
});
