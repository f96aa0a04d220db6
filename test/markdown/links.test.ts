// Link resolution in Markdown entries: entry ids, relative .md paths and @static paths, and absolute URLs for feeds.
import { describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import { createMarkdown, renderMarkdown } from "../../src/markdown/index.js";
import { fakeSite } from "./fake-site.js";

const md = createMarkdown();

describe("link resolution", () => {
  it("maps entry ids, .md paths and @paths, and leaves other links alone", () => {
    const site = fakeSite();
    const r = renderMarkdown(
      md,
      {
        body: "[by id](123), [by file](../other.md), [a PDF](@files/cv.pdf), [away](https://example.com/x?a=1&b=2), [here](#top)",
        more: null,
      },
      { resolveLink: site.resolve },
    );
    expect(r.body).toBe(
      '<p><a href="/blog/123-an-entry">by id</a>, <a href="/notes/7-other">by file</a>, ' +
        '<a href="/static/files/cv.pdf">a PDF</a>, <a href="https://example.com/x?a=1&amp;b=2">away</a>, ' +
        '<a href="#top">here</a></p>\n',
    );
  });

  it("resolves image sources as images and keeps alt and title", () => {
    const site = fakeSite();
    const r = renderMarkdown(
      md,
      { body: '![A "cat"](@img/cat.jpg "Tom")', more: null },
      { resolveLink: site.resolve },
    );
    expect(r.body).toBe('<p><img src="/static/img/cat.jpg" alt="A &quot;cat&quot;" title="Tom"></p>\n');
    expect(site.calls).toEqual([["@img/cat.jpg", "image"]]);
  });

  it("hands the resolver decoded URLs, so a file name with spaces can be found", () => {
    const site = fakeSite();
    const r = renderMarkdown(md, { body: "[post](<my post.md>)", more: null }, { resolveLink: site.resolve });
    expect(site.calls).toEqual([["my post.md", "link"]]);
    expect(r.body).toBe('<p><a href="/blog/8-my-post">post</a></p>\n');
  });

  it("resolves reference-style links, in body and more alike", () => {
    const site = fakeSite();
    const r = renderMarkdown(
      md,
      { body: "[first][e]", more: "[second][e]\n\n[e]: 5" },
      { resolveLink: site.resolve },
    );
    expect(r.body).toBe('<p><a href="/blog/5-an-entry">first</a></p>\n');
    expect(r.more).toBe('<p><a href="/blog/5-an-entry">second</a></p>\n');
  });

  it("resolves href and src in raw HTML blocks and inline HTML", () => {
    const site = fakeSite();
    const r = renderMarkdown(
      md,
      {
        body: '<figure><IMG SRC=@a.png alt=\'x\'><figcaption><a href="12">see</a></figcaption></figure>\n\nInline <a href="../other.md" class=x>link</a>.',
        more: null,
      },
      { resolveLink: site.resolve },
    );
    expect(r.body).toBe(
      '<figure><IMG src="/static/a.png" alt=\'x\'><figcaption><a href="/blog/12-an-entry">see</a></figcaption></figure>\n' +
        '<p>Inline <a href="/notes/7-other" class=x>link</a>.</p>\n',
    );
    expect(site.calls).toEqual([
      ["@a.png", "image"],
      ["12", "link"],
      ["../other.md", "link"],
    ]);
  });

  it("does not touch URLs shown as code", () => {
    const site = fakeSite();
    const r = renderMarkdown(
      md,
      { body: '`<a href="12">` and\n\n```html\n<img src="@x.png">\n```', more: null },
      { resolveLink: site.resolve },
    );
    expect(r.body).toContain("<code>&lt;a href=&quot;12&quot;&gt;</code>");
    expect(r.body).toContain("&quot;@x.png&quot;");
    expect(site.calls).toEqual([]);
  });
});

describe("absolute rendering (feeds)", () => {
  const ctx = {
    resolveLink: fakeSite().resolve,
    absolute: true,
    baseUrl: "https://blog.example/notes/7-other",
  };

  it("makes every relative URL absolute: links, images, raw HTML, footnotes and heading anchors", () => {
    const r = renderMarkdown(
      md,
      {
        body: '## Hi\n\n[e](3) ![i](@p.jpg) [rel](sub/page.html) [ext](https://x.org/) [mail](mailto:a@b.c)[^n]\n\n<img srcset="@s.jpg 1x, s2.jpg 2x">\n\n[^n]: Note.',
        more: null,
      },
      ctx,
    );
    expect(r.body).toBe(
      [
        '<h2 id="hi"><a class="heading-anchor" href="https://blog.example/notes/7-other#hi">Hi</a></h2>',
        '<p><a href="https://blog.example/blog/3-an-entry">e</a> <img src="https://blog.example/static/p.jpg" alt="i">' +
          ' <a href="https://blog.example/notes/sub/page.html">rel</a> <a href="https://x.org/">ext</a>' +
          ' <a href="mailto:a@b.c">mail</a><sup class="footnote-ref"><a href="https://blog.example/notes/7-other#fn1" id="fnref1">1</a></sup></p>',
        '<img srcset="https://blog.example/static/s.jpg 1x, https://blog.example/notes/s2.jpg 2x">',
        '<hr class="footnotes-sep">',
        '<section class="footnotes">',
        '<ol class="footnotes-list">',
        '<li id="fn1" class="footnote-item"><p>Note. <a href="https://blog.example/notes/7-other#fnref1" class="footnote-backref">↩︎</a></p>',
        "</li>",
        "</ol>",
        "</section>",
        "",
      ].join("\n"),
    );
  });

  it("applies to more, the body-only view and the summary too", () => {
    const r = renderMarkdown(md, { body: "[a](1)", more: "[b](2)" }, ctx);
    expect(r.bodyOnly).toBe('<p><a href="https://blog.example/blog/1-an-entry">a</a></p>\n');
    expect(r.more).toBe('<p><a href="https://blog.example/blog/2-an-entry">b</a></p>\n');
    expect(r.summary).toBe('<p><a href="https://blog.example/blog/1-an-entry">a</a></p>');
  });

  it("refuses absolute rendering without a usable baseUrl", () => {
    expect(() => renderMarkdown(md, { body: "x", more: null }, { absolute: true })).toThrow(QuireError);
    expect(() =>
      renderMarkdown(md, { body: "x", more: null }, { absolute: true, baseUrl: "/blog/" }),
    ).toThrow(/not an absolute URL/);
  });
});

describe("resolver contract", () => {
  it("keeps the original encoded URL when the resolver returns its input unchanged", () => {
    const r = renderMarkdown(
      md,
      { body: "[x](<a file.html>) <a href='b%20c.html'>y</a>", more: null },
      {
        resolveLink: (href) => href,
      },
    );
    expect(r.body).toBe("<p><a href=\"a%20file.html\">x</a> <a href='b%20c.html'>y</a></p>\n");
  });
});
