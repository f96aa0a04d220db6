/** Publ's `$` attributes in raw HTML (`$data-ondemand="photo.jpg{192,192}"` → a rendition URL) and rendition
 *  links in `href`, on the `attribute renditions.md` entry of Publ's test site. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { makeSite, removeSite, writeFiles } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

const KIT_ENTRY = join(import.meta.dirname, "../fixtures/publ-attr-renditions/attribute renditions.md");

let root: string;
let t: TestServer;

async function photo(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 90, g: 140, b: 200 } } })
    .jpeg()
    .toBuffer();
}

beforeAll(async () => {
  root = makeSite({
    "templates/entry.html": "<h1>{{entry.title}}</h1>{{entry.body}}{{entry.more}}",
    "content/images/other.md": "Title: Other\nEntry-ID: 77\nDate: 2024-01-01\n\nOther.\n",
    "content/images/more.md": [
      "Title: More",
      "Entry-ID: 78",
      "Date: 2024-01-02",
      "",
      '<iframe $data-src="other.md"></iframe>',
      "",
      'Code stays as written: `<img $data-x="Landscape_3.jpg{10}">`',
      "",
    ].join("\n"),
  });
  copyFileSync(KIT_ENTRY, join(root, "content/images/attribute renditions.md"));
  for (const [name, w, h] of [
    ["Landscape_1.jpg", 600, 400],
    ["Landscape_2.jpg", 900, 600],
    ["Landscape_3.jpg", 600, 400],
    ["Landscape_5.jpg", 900, 600],
  ] as const)
    writeFiles(root, { [`content/images/${name}`]: await photo(w, h) });
  t = await serveSite(root);
});
afterAll(async () => {
  await t?.stop();
  removeSite(root);
});

const attr = (html: string, name: string): string | undefined =>
  new RegExp(`\\s${name}="([^"]*)"`).exec(html)?.[1]?.replace(/&amp;/g, "&");

describe("$ attributes", () => {
  it("turn an image path with arguments into a rendition URL under the attribute's own name", async () => {
    const html = await (await t.get("/images/2271-Attribute-renditions")).text();
    expect(html).not.toContain("$data");
    expect(html).not.toContain("“");
    const small = attr(html, "data-ondemand")!;
    const large = attr(html, "data-ondemand-2x")!;
    expect(small).toMatch(/^\/_img\/landscape-3_\w+_192x128\.jpg\?/);
    expect(large).toMatch(/^\/_img\/landscape-5_\w+_640x427\.jpg\?/);
    // Attributes without `$` are left alone.
    expect(attr(html, "data-dontinterpret")).toBe("rawr.jpg");
    for (const url of [small, large]) {
      const res = await t.get(url);
      expect([res.status, res.headers.get("content-type")]).toEqual([200, "image/jpeg"]);
    }
  });

  it("make href with image arguments a link to a rendition", async () => {
    const html = await (await t.get("/images/2271-Attribute-renditions")).text();
    const link = /<a href="([^"]+)"><img/.exec(html)![1]!.replace(/&amp;/g, "&");
    expect(link).toMatch(/^\/_img\/landscape-2_\w+_640x427\.jpg\?/);
    expect((await t.get(link)).status).toBe(200);
  });

  it("resolve other paths as links are resolved, and leave code alone", async () => {
    const html = await (await t.get("/images/78-More")).text();
    expect(html).toContain('<iframe data-src="/images/77-Other"></iframe>');
    expect(html).toContain("<code>&lt;img $data-x=&quot;Landscape_3.jpg{10}&quot;&gt;</code>");
  });
});

describe("$ attributes in an .html entry", () => {
  it("name renditions there too", async () => {
    writeFiles(root, {
      "content/images/page.html":
        'Title: Page\nEntry-ID: 79\nDate: 2024-01-03\n\n<img $data-big="Landscape_2.jpg{300}" $data-plain="x.txt">\n',
    });
    await t.site.refresh();
    const html = await (await t.get("/images/79-Page")).text();
    expect(attr(html, "data-big")).toMatch(/^\/_img\/landscape-2_\w+_300x200\.jpg\?/);
    expect(attr(html, "data-plain")).toBe("x.txt");
  });
});
