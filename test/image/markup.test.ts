/** What a reader's browser gets: `<img>` with srcset, links, lightboxes, figures, count/more, and errors in place. */
import MarkdownIt from "markdown-it";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createImageContext, type ImageContextOptions } from "../../src/image/render-context.js";
import { imageSyntaxPlugin } from "../../src/image/markdown-plugin.js";
import type { RenditionService } from "../../src/image/rendition-service.js";
import { contentFolder, decoded, makeService, photo, renditionUrls, serveUrl } from "./images.js";

const md = new MarkdownIt({ html: true }).use(imageSyntaxPlugin);
let site: ReturnType<typeof contentFolder>;
let service: RenditionService;

beforeAll(async () => {
  site = contentFolder({
    "blog/2024/cat.jpg": await photo(640, 480),
    "blog/dog.png": await photo(300, 200, "png"),
    "shared.jpg": await photo(100, 100),
    "blog/2024/corrupt.jpg": Buffer.from("\xff\xd8\xff\xe0 this is not really a JPEG"),
    "blog/notes.txt": "hello",
  });
  service = makeService(site.dir).service;
});
afterAll(() => site.remove());

function render(markdown: string, options: ImageContextOptions = {}): string {
  const quire = createImageContext(service, {
    entryFile: "blog/2024/post.md",
    category: "blog",
    entryLink: "/blog/7-post",
    ...options,
  });
  return md.render(markdown, { quire });
}

const amp = (url: string) => url.replace(/&/g, "&amp;");

describe("one image", () => {
  it("has src, a 1x/2x srcset, its size, lazy loading, alt and title — and every URL serves that size", async () => {
    const html = render('![A "cat" & co](cat.jpg{320} "Sleepy <3")');
    const plan = service.planSync("blog/2024/cat.jpg", { width: 320 });
    expect(html).toBe(
      `<p><img src="${amp(plan.x1.url)}" srcset="${amp(plan.x1.url)} 1x, ${amp(plan.x2!.url)} 2x" width="320" height="240" ` +
        `loading="lazy" decoding="async" alt="A &quot;cat&quot; &amp; co" title="Sleepy &lt;3"></p>\n`,
    );
    expect(await decoded(await serveUrl(service, plan.x1.url))).toMatchObject({
      width: 320,
      height: 240,
      format: "jpeg",
    });
    expect(await decoded(await serveUrl(service, plan.x2!.url))).toMatchObject({ width: 640, height: 480 });
  });

  it("has no srcset when the 2x would be the 1x", () => {
    const html = render("![d](dog.png{300})");
    expect(html).not.toContain("srcset");
    expect(html).toContain('width="300" height="200"');
  });

  it("uses the file name as alt text when there is none, as Publ does", () => {
    expect(render("![](cat.jpg{10})")).toContain('alt="cat.jpg"');
  });

  it("honours image_loading, classes, styles and ids", () => {
    const html = render(
      '![x{img_style="a:b"}](cat.jpg{10, image_loading="eager", img_class="c", style="c:d", img_id="i"})',
    );
    expect(html).toMatch(/loading="eager".* class="c" id="i" style="a:b;c:d"/);
    expect(render("![x](cat.jpg{10, image_loading=False})")).not.toContain("loading=");
  });

  it("writes XHTML when asked", () => {
    expect(render("![x](cat.jpg{10, xhtml=True})")).toMatch(/<img [^>]*" \/>/);
  });
});

describe("paths", () => {
  it("resolve from the entry's folder, then the category's, then content/", () => {
    expect(render("![](cat.jpg)")).toContain("/_img/cat_");
    expect(render("![](dog.png)")).toContain("/_img/dog_");
    expect(render("![](shared.jpg)")).toContain("/_img/shared_");
    expect(render("![](/blog/dog.png)")).toContain("/_img/dog_");
  });

  it("@path is a static file and http(s) is external: plain images, never resized", () => {
    const html = render(
      '![s](@img/logo.png{width=50}) ![e](https://example.com/a b.jpg{height=20} "E")'.replace("a b", "ab"),
    );
    expect(html).toContain(
      '<img src="/static/img/logo.png" width="50" loading="lazy" decoding="async" alt="s">',
    );
    expect(html).toContain(
      '<img src="https://example.com/ab.jpg" height="20" loading="lazy" decoding="async" alt="e" title="E">',
    );
  });

  it("absolute URLs carry the base URL", () => {
    const html = render("![](cat.jpg{10})", { absolute: true, baseUrl: "https://blog.example/" });
    expect(html).toMatch(/src="https:\/\/blog\.example\/_img\/cat_/);
  });

  it("template-wide defaults apply under the author's arguments", () => {
    expect(render("![](cat.jpg)", { defaults: { max_width: 100, toc: true } })).toContain(
      'width="100" height="75"',
    );
    expect(render("![](cat.jpg{max_width=200})", { defaults: { max_width: 100 } })).toContain(
      'width="200" height="150"',
    );
  });
});

describe("sets", () => {
  it("gallery_id puts each image in a full-size lightbox link", async () => {
    const html = render('![{gallery_id="trip"}](cat.jpg{64} "First" | dog.png{64})');
    const links = [...html.matchAll(/<a href="([^"]+)" data-lightbox="trip"( title="First")?>/g)];
    expect(links).toHaveLength(2);
    const full = links[0]![1]!.replace(/&amp;/g, "&");
    expect(await decoded(await serveUrl(service, full))).toMatchObject({ width: 640, height: 480 });
  });

  it("fullsize_* arguments size the lightbox rendition", async () => {
    const html = render('![{gallery_id="g", fullsize_width=200, fullsize_format="webp"}](cat.jpg{64})');
    const full = /<a href="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&");
    expect(await decoded(await serveUrl(service, full))).toMatchObject({ width: 200, format: "webp" });
  });

  it("link: True links the full size, a string links there, @ a static file, False removes even a lightbox", () => {
    expect(render("![](cat.jpg{64, link=True})")).toMatch(
      /<a href="\/_img\/cat_[0-9a-f]{10}_640x480\.jpg\?[^"]+"><img/,
    );
    expect(render('![](cat.jpg{64, link="https://x.test/?a=1&b=2", link_class="l"})')).toContain(
      '<a href="https://x.test/?a=1&amp;b=2" class="l"><img',
    );
    expect(render('![](cat.jpg{64, link="@files/cat.pdf"})')).toContain(
      '<a href="/static/files/cat.pdf"><img',
    );
    expect(render('![{gallery_id="g"}](cat.jpg{64, link=False})')).not.toContain("<a ");
  });

  it("figure and caption wrap the set; the caption is Markdown; div_class and div_style add a div", () => {
    const html = render(
      '![{figure="wide", caption="A *good* day", div_class="g", div_style=("x:1","y:2")}](cat.jpg{10} | dog.png{10})',
    );
    expect(html).toMatch(
      /^<figure class="wide"><div class="g" style="x:1;y:2"><img [^>]+><img [^>]+><\/div><figcaption>A <em>good<\/em> day<\/figcaption><\/figure>\n$/,
    );
    expect(render('![{caption="Tom & Jerry"}](cat.jpg{10})')).toContain(
      "<figcaption>Tom &amp; Jerry</figcaption>",
    );
  });

  it("count and count_offset show part of a set; more_text says how much is left and links to the entry", () => {
    const html = render(
      '![{count=2, count_offset=1, more_text="{remain} more of {count}", more_class="m"}](cat.jpg{10} | dog.png{11} | shared.jpg{12} | cat.jpg{13})',
    );
    expect([...html.matchAll(/<img [^>]*width="(\d+)"/g)].map((m) => m[1])).toEqual(["11", "12"]);
    expect(html).toContain('<a href="/blog/7-post" class="m">2 more of 4</a>');
    expect(render('![{count=1, more_text="more", more_link="/all"}](cat.jpg{10} | dog.png{10})')).toContain(
      '<a href="/all">more</a>',
    );
  });

  it("hidden images of a gallery stay in the lightbox as empty links", () => {
    const html = render('![{count=1, gallery_id="g"}](cat.jpg{10} | dog.png{10} | shared.jpg{10})');
    expect(html.match(/<img /g)).toHaveLength(1);
    expect(html.match(/data-lightbox="g"/g)).toHaveLength(3);
    expect(html).toMatch(/<\/a><a href="[^"]+" data-lightbox="g"><\/a>/);
  });

  it("a missing and a corrupt image show inline errors; the other images and the page render", () => {
    const html = render(
      "Before\n\n![x](cat.jpg{10} | <b>missing.jpg | corrupt.jpg | notes.txt | cat.jpg{bad=1} | dog.png{10})\n\nAfter",
    );
    expect(html).toContain("<p>Before</p>");
    expect(html).toContain("<p>After</p>");
    // An unknown argument is ignored, as Publ ignores it: cat.jpg{bad=1} is an image like the others.
    expect(html.match(/<img /g)).toHaveLength(3);
    expect(html).toContain('<span class="error">Image not found: &lt;b&gt;missing.jpg</span>');
    expect(html).toMatch(
      /<span class="error">Image error: blog\/2024\/corrupt\.jpg: not an image Quire can read[^<]*<\/span>/,
    );
    expect(html).toMatch(/<span class="error">Image error: blog\/notes\.txt[^<]*<\/span>/);
    expect(html).not.toContain("Unknown image argument");
  });

  it("a space where a | was meant gets a hint", () => {
    expect(render("![x](cat.jpg{10} dog.png)")).toContain("did you forget a | between images?");
  });

  it("bad set-wide arguments show one error for the set", () => {
    expect(render("![x{count=-1}](cat.jpg)")).toContain(
      '<span class="error">Image error: Image argument count=-1 should be a whole number</span>',
    );
  });
});

describe("links and raw HTML", () => {
  it("[text](photo.jpg{…}) links to a working rendition", async () => {
    const html = render('[Download](cat.jpg{format="png", width=50})');
    const url = /href="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&");
    expect(await decoded(await serveUrl(service, url))).toMatchObject({ format: "png", width: 50 });
  });

  it('raw HTML <img src="…{args}"> becomes a rendition and keeps its other attributes', () => {
    const html = render('<p><img src="cat.jpg{100}" class="hero" alt="Hero" width="9"></p>');
    expect(html).toMatch(
      /^<p><img src="\/_img\/cat_[^"]+" srcset="[^"]+ 1x, [^"]+ 2x" width="100" height="75" loading="lazy" decoding="async" class="hero" alt="Hero"><\/p>$/,
    );
  });

  it("rewriteHtml handles .html entries: renditions, untouched theme images, errors for missing renditions", () => {
    const ctx = createImageContext(service, { entryFile: "blog/2024/page.html" });
    const out = ctx.rewriteHtml(
      '<img src="cat.jpg"><img src="/static/logo.png"><img src="https://x/y.png{1}"><img src="gone.jpg{10}">',
    );
    expect(out).toMatch(
      /^<img src="\/_img\/cat_[^"]+_640x480\.jpg\?[^"]+" width="640" height="480" loading="lazy" decoding="async">/,
    );
    expect(out).toContain('<img src="/static/logo.png"><img src="https://x/y.png{1}">');
    expect(out).toContain('<span class="error">Image not found: gone.jpg</span>');
  });
});

describe("a page's every URL works", () => {
  it("serves all the URLs of a mixed page", async () => {
    const html = render(
      '![{gallery_id="g"}](cat.jpg{200,200,resize="fill"} | dog.png{format="webp"})\n\n[x](shared.jpg{quality=50})',
    );
    const urls = renditionUrls(html);
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const url of urls) expect((await serveUrl(service, url)).length).toBeGreaterThan(0);
  });
});
