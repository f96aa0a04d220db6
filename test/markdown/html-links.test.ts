// URL rewriting in HTML without a DOM: for .html entries and for raw HTML inside Markdown.
import { describe, expect, it } from "vitest";
import { renderHtml, rewriteHtmlLinks } from "../../src/markdown/index.js";
import { fakeSite } from "./fake-site.js";

const upper = (url: string): string | null => (url.startsWith("x") ? url.toUpperCase() : null);

describe("rewriteHtmlLinks", () => {
  it("handles double, single and unquoted values and any case of names", () => {
    expect(rewriteHtmlLinks(`<a HREF="x1">a</a><A href='x2'>b</A><img Src=x3 alt=y>`, upper)).toBe(
      `<a href="X1">a</a><A href="X2">b</A><img src="X3" alt=y>`,
    );
  });

  it("leaves markup it does not change byte for byte", () => {
    const html = `<p class='a'  data-x = "1"><a href="keep" title="x&amp;y">t</a><br/></p>`;
    expect(rewriteHtmlLinks(html, upper)).toBe(html);
  });

  it("does not break on quotes or > inside values", () => {
    expect(rewriteHtmlLinks(`<a title='say "hi" > bye' href="x'q">t</a>`, upper)).toBe(
      `<a title='say "hi" > bye' href="X'Q">t</a>`,
    );
  });

  it("decodes entities for the resolver and escapes what it returns", () => {
    const seen: string[] = [];
    const out = rewriteHtmlLinks(`<a href="x?a=1&amp;b=&quot;2&quot;">t</a>`, (url) => {
      seen.push(url);
      return `${url}&c=<3>`;
    });
    expect(seen).toEqual([`x?a=1&b="2"`]);
    expect(out).toBe(`<a href="x?a=1&amp;b=&quot;2&quot;&amp;c=&lt;3&gt;">t</a>`);
  });

  it("rewrites each candidate of a srcset and keeps descriptors", () => {
    expect(rewriteHtmlLinks(`<img srcset="x-a.jpg 1x,x-b.jpg 2x, other.jpg 640w">`, upper)).toBe(
      `<img srcset="X-A.JPG 1x, X-B.JPG 2x, other.jpg 640w">`,
    );
  });

  it("ignores escaped markup in text and code, comments, and strings in scripts and styles", () => {
    const html =
      `<pre><code>&lt;a href="x1"&gt;</code></pre><!-- <a href="x2"> -->` +
      `<script src="x3">var s = '<img src="x4">';</script><style>a[href="x5"]{}</style><a href=x6>`;
    expect(rewriteHtmlLinks(html, upper)).toBe(
      `<pre><code>&lt;a href="x1"&gt;</code></pre><!-- <a href="x2"> -->` +
        `<script src="X3">var s = '<img src="x4">';</script><style>a[href="x5"]{}</style><a href="X6">`,
    );
  });

  it("leaves a truncated tag at the end alone rather than guessing", () => {
    expect(rewriteHtmlLinks(`<a href="x1">ok</a> <a href="x2`, upper)).toBe(
      `<a href="X1">ok</a> <a href="x2`,
    );
  });

  it("tells the resolver whether a src is an image or a link", () => {
    const kinds: string[] = [];
    rewriteHtmlLinks(
      `<img src="a"><iframe src="b"></iframe><video poster="c" src="d"></video><a href="e">`,
      (u, k) => {
        kinds.push(`${u}:${k}`);
        return null;
      },
    );
    expect(kinds).toEqual(["a:image", "b:link", "c:image", "d:image", "e:link"]);
  });
});

describe("renderHtml (.html entries)", () => {
  it("resolves the same link forms as Markdown entries", () => {
    const site = fakeSite();
    const html = `<p>See <a href="42">this</a> and <a href='../other.md'>that</a>.</p>\n<img src="@pic.png" alt="">`;
    expect(renderHtml(html, { resolveLink: site.resolve })).toBe(
      `<p>See <a href="/blog/42-an-entry">this</a> and <a href="/notes/7-other">that</a>.</p>\n` +
        `<img src="/static/pic.png" alt="">`,
    );
  });

  it("makes URLs absolute in absolute mode", () => {
    const site = fakeSite();
    expect(
      renderHtml(`<a href="42">a</a><a href="rel.html">b</a><a href="//cdn.example/x">c</a>`, {
        resolveLink: site.resolve,
        absolute: true,
        baseUrl: "https://blog.example/blog/9-page",
      }),
    ).toBe(
      `<a href="https://blog.example/blog/42-an-entry">a</a><a href="https://blog.example/blog/rel.html">b</a>` +
        `<a href="https://cdn.example/x">c</a>`,
    );
  });
});
