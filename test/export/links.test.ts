/** The rewrite applied to rendered pages: what changes for a static host, and what is collected on the way. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPlainRootPath, rewritePage, type RewriteOptions } from "../../src/export/links.js";

const SIG = "A".repeat(43);
const IMG = `/_img/photo_0123456789_320x240.jpg?s=eyJwIjoicCJ9&amp;sig=${SIG}`;

function options(over: Partial<RewriteOptions> = {}): RewriteOptions {
  return {
    pageUrl: "/blog/",
    baseUrl: "https://example.com",
    isViewPath: (path) => path.endsWith("/") || path === "/archive",
    resolveRelative: false,
    ...over,
  };
}

describe("rewritePage", () => {
  it("points view links at their folders, root-relative and absolute alike", () => {
    const html = `<a href="/blog/?tag=Travel">t</a> <a href="?id=42">older</a> <a href="https://example.com/archive?date=2024">y</a>`;
    const out = rewritePage(html, "text/html; charset=utf-8", options());
    expect(out.body).toBe(
      `<a href="/blog/tag/travel/">t</a> <a href="/blog/id/42/">older</a> <a href="https://example.com/archive/date/2024/">y</a>`,
    );
    expect(out.links).toEqual(["/blog/?tag=Travel", "/blog/?id=42", "/archive?date=2024"]);
  });

  it("leaves other sites, fragments, mail links and entry links as they are", () => {
    const html = `<a href="https://other.example/?id=1">x</a><a href="#more">m</a><a href="mailto:a@b.c">@</a><a href="/blog/1-x">e</a>`;
    const out = rewritePage(html, "text/html", options());
    expect(out.body).toBe(html);
    expect(out.links).toEqual(["/blog/1-x"]);
  });

  it("drops rendition signatures in src, srcset and escaped feed content, and lists each rendition once", () => {
    const html = `<img src="${IMG}" srcset="${IMG} 1x, ${IMG.replace("320x240", "640x480")} 2x">`;
    const out = rewritePage(html, "text/html", options());
    expect(out.body).toBe(
      `<img src="/_img/photo_0123456789_320x240.jpg" srcset="/_img/photo_0123456789_320x240.jpg 1x, /_img/photo_0123456789_640x480.jpg 2x">`,
    );
    expect(out.renditions.map((r) => r.name)).toEqual([
      "photo_0123456789_320x240.jpg",
      "photo_0123456789_640x480.jpg",
    ]);
    expect(out.renditions[0]).toMatchObject({ s: "eyJwIjoicCJ9", sig: SIG });

    const feed = `<content type="html">&lt;img src="https://example.com${IMG.replace("&amp;", "&amp;amp;")}"&gt;</content>`;
    const xml = rewritePage(feed, "application/atom+xml", options());
    expect(xml.body).toBe(
      `<content type="html">&lt;img src="https://example.com/_img/photo_0123456789_320x240.jpg"&gt;</content>`,
    );
    expect(xml.links).toEqual([]);
  });

  it("makes relative links root-relative on pages that gain a trailing slash", () => {
    const html = `<a href="other-post">o</a><a href="/abs">a</a>`;
    const out = rewritePage(html, "text/html", options({ pageUrl: "/blog/1-post", resolveRelative: true }));
    expect(out.body).toBe(`<a href="/blog/other-post">o</a><a href="/abs">a</a>`);
  });

  it("collects the content files a page links to", () => {
    const out = rewritePage(`<a href="/_file/photos/map%20v2.pdf">map</a>`, "text/html", options());
    expect(out.files).toEqual(["photos/map%20v2.pdf"]);
  });
});

describe("plain root-relative paths", () => {
  // The rewrite skips the URL parser for these, so the parser must return each of them unchanged.
  const alphabet = [
    "/",
    ".",
    "%",
    "2",
    "e",
    "E",
    "a",
    "Z",
    "0",
    "-",
    "_",
    "~",
    "?",
    "#",
    " ",
    "\\",
    "\t",
    "é",
    "'",
    '"',
    "<",
    "|",
    ":",
    "@",
    "!",
    "+",
    ";",
    "=",
  ];
  const path = fc.array(fc.constantFrom(...alphabet), { maxLength: 16 }).map((chars) => `/${chars.join("")}`);

  it("are exactly the paths the URL parser leaves as they are", () => {
    fc.assert(
      fc.property(path, (url) => {
        if (!isPlainRootPath(url)) return;
        const parsed = new URL(url, "http://example.test/x/y/");
        expect(parsed.pathname + parsed.search + parsed.hash).toBe(url);
        expect(parsed.origin).toBe("http://example.test");
      }),
      { numRuns: 5000 },
    );
  });

  it("include the links pages are made of", () => {
    for (const url of [
      "/",
      "/blog/",
      "/blog/1234567-a-title",
      "/tag/caf%C3%A9/",
      "/static/site.css",
      "/feed.xml",
    ])
      expect(isPlainRootPath(url), url).toBe(true);
    for (const url of [
      "//cdn.test/x",
      "/a/../b",
      "/a/./b",
      "/a/%2e%2E/b",
      "/a?page=2",
      "/a#top",
      "/a b",
      "/é",
    ])
      expect(isPlainRootPath(url), url).toBe(false);
  });
});
