/** The image syntax inside Quire's own Markdown dialect: link resolution leaves renditions alone, raw HTML images included. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarkdown, renderMarkdown, type RenderContext } from "../../src/markdown/index.js";
import { imageSyntaxPlugin } from "../../src/image/markdown-plugin.js";
import { createImageContext } from "../../src/image/render-context.js";
import type { RenditionService } from "../../src/image/rendition-service.js";
import { contentFolder, makeService, photo, renditionUrls, serveUrl } from "./images.js";

let site: ReturnType<typeof contentFolder>;
let service: RenditionService;

beforeAll(async () => {
  site = contentFolder({ "blog/cat.jpg": await photo(400, 300), "blog/doc.pdf": "%PDF-1.4" });
  service = makeService(site.dir).service;
});
afterAll(() => site.remove());

function render(body: string, absolute = false): string {
  const md = createMarkdown({ plugins: [imageSyntaxPlugin] });
  const ctx: RenderContext & Record<string, unknown> = {
    // What the entry renderer does with links to content files.
    resolveLink: (href) => (/^[a-z]+:|^\/|^#/.test(href) ? null : `/_file/blog/${href}`),
    absolute,
    baseUrl: "https://blog.example/blog/7-post",
    ...createImageContext(service, { entryFile: "blog/post.md" }),
  };
  return renderMarkdown(md, { body, more: null, summary: null }, ctx).body;
}

describe("with Quire's Markdown", () => {
  it("plain images, sets, rendition links and raw HTML images become renditions; other links still resolve", async () => {
    const html = render(
      '![](cat.jpg) ![x](cat.jpg{100} | cat.jpg{50})\n\n[pdf](doc.pdf) [big](cat.jpg{format="png"})\n\n<img src="cat.jpg{20}">',
    );
    expect(html).not.toMatch(/_file\/blog\/cat/);
    expect(html).toContain('<a href="/_file/blog/doc.pdf">pdf</a>');
    const urls = renditionUrls(html);
    expect(urls.length).toBeGreaterThanOrEqual(6);
    for (const url of urls) expect((await serveUrl(service, url)).length).toBeGreaterThan(0);
  });

  it("absolute rendering makes rendition URLs absolute too", () => {
    expect(render("![](cat.jpg{100})", true)).toMatch(/src="https:\/\/blog\.example\/_img\/cat_/);
  });
});
