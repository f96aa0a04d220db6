/** The template `image()` global: Publ's calling conventions with Nunjucks keyword objects. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RenditionService } from "../../src/image/rendition-service.js";
import { templateImage } from "../../src/image/template-image.js";
import { contentFolder, decoded, makeService, photo, serveUrl } from "./images.js";

let site: ReturnType<typeof contentFolder>;
let service: RenditionService;

beforeAll(async () => {
  site = contentFolder({ "blog/cat.jpg": await photo(640, 480), "header.png": await photo(200, 100, "png") });
  service = makeService(site.dir).service;
});
afterAll(() => site.remove());

const kw = (args: Record<string, unknown>) => ({ ...args, __keywords: true });

describe("image(path)", () => {
  const image = () => templateImage(service, { category: "blog" });

  it("called with keywords gives a rendition URL, as in Publ", async () => {
    const url = image()("cat.jpg")(kw({ width: 320 }));
    expect(url).toMatch(/^\/_img\/cat_[0-9a-f]{10}_320x240\.jpg\?s=/);
    expect(await decoded(await serveUrl(service, url))).toMatchObject({ width: 320, height: 240 });
    expect(image()("cat.jpg").get_rendition(2, kw({ width: 320 }))).toMatch(/_640x480\.jpg/);
    expect(String(image()("cat.jpg"))).toMatch(/_640x480\.jpg/);
  });

  it("get_img_tag gives markup (title and alt positional or by keyword), marked safe for the engine", () => {
    const safe = templateImage(service, { category: "blog", markSafe: (html) => ({ safe: html }) });
    const tag = safe("cat.jpg").get_img_tag(
      "The title",
      "The alt",
      kw({ width: 100, img_class: "hero", link: true }),
    ) as { safe: string };
    expect(tag.safe).toMatch(
      /^<a href="\/_img\/cat_[^"]+_640x480\.jpg[^"]*"><img src="[^"]+" srcset="[^"]+" width="100" height="75" loading="lazy" decoding="async" alt="The alt" title="The title" class="hero"><\/a>$/,
    );
  });

  it("get_css_background gives url() and an image-set for high-density screens", () => {
    const css = image()("/header.png").get_css_background(kw({ width: 50 })) as string;
    expect(css).toMatch(
      /^background-image: url\("\/_img\/header_[^"]+_50x25\.png\?[^"]+"\);background-image: image-set\(url\("[^"]+"\) 1x, url\("[^"]+_100x50\.png[^"]+"\) 2x\);background-image: -webkit-image-set\(/,
    );
    expect(image()("/header.png").get_css_background(kw({ uncomment: true }))).toMatch(
      /^ \*\/ background-image: .* \/\* $/,
    );
  });

  it("a missing image gives an error span, a CSS comment and an empty URL — never an exception", () => {
    const missing = image()("nope.jpg");
    expect(missing.get_img_tag()).toBe('<span class="error">Image not found: nope.jpg</span>');
    expect(missing.get_css_background()).toBe("/* not found: nope.jpg */");
    expect(missing(kw({ width: 10 }))).toBe("");
    expect(image()("cat.jpg").get_img_tag(kw({ widht: 10 }))).toMatch(
      /Unknown image argument &quot;widht&quot; \(did you mean width\?\)/,
    );
    expect(image()("cat.jpg").get_img_tag(kw({ width: { a: 1 } }))).toMatch(/class="error"/);
  });

  it("objects with their own string form (a link object) are passed as their string", () => {
    const link = { toString: () => "/blog/7-post" };
    expect(image()("cat.jpg").get_img_tag(kw({ width: 10, link }))).toContain('<a href="/blog/7-post">');
  });
});
