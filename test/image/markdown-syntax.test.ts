/** Publ's image syntax in markdown-it: sets, `|`, several lines, set arguments on the alt, titles, links and raw HTML. */
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import type { ArgMap } from "../../src/image/image-args.js";
import type { HtmlImage } from "../../src/image/html-images.js";
import type { ImageSet } from "../../src/image/image-set.js";
import { imageSyntaxPlugin, type ImageRenderer } from "../../src/image/markdown-plugin.js";

const md = new MarkdownIt({ html: true }).use(imageSyntaxPlugin);

/** A renderer that writes what it receives, so the tests can read the parse back. */
function recorder(): ImageRenderer & { sets: ImageSet[]; links: Array<[string, ArgMap]>; html: HtmlImage[] } {
  const r = {
    sets: [] as ImageSet[],
    links: [] as Array<[string, ArgMap]>,
    html: [] as HtmlImage[],
    renderImageSet(set: ImageSet) {
      r.sets.push(set);
      return `[set ${set.images.map((i) => i.path).join(",")}]`;
    },
    renderImageLink(path: string, args: ArgMap) {
      r.links.push([path, args]);
      return `/_img/${path}-rendition`;
    },
    renderHtmlImage(img: HtmlImage) {
      r.html.push(img);
      return `[html ${img.path}]`;
    },
  };
  return r;
}

function parse(markdown: string) {
  const quire = recorder();
  const html = md.render(markdown, { quire });
  return { html, quire, set: quire.sets[0]! };
}

describe("image sets", () => {
  it("a single image with positional size and a title", () => {
    const { set, html } = parse('![A cat](cat.jpg{320,240} "Sleepy")');
    expect(set).toEqual({
      alt: "A cat",
      args: {},
      images: [{ path: "cat.jpg", args: { width: 320, height: 240 }, title: "Sleepy" }],
    });
    expect(html).toBe("<p>[set cat.jpg]</p>\n");
  });

  it("a set separated by |, with per-image and set-wide arguments", () => {
    const { set } = parse(
      '![Holiday{gallery_id="trip", count=2}](a.jpg{320} "First" | b.png{width=640} | c.webp)',
    );
    expect(set.alt).toBe("Holiday");
    expect(set.args).toEqual({ gallery_id: "trip", count: 2 });
    expect(set.images).toEqual([
      { path: "a.jpg", args: { width: 320 }, title: "First" },
      { path: "b.png", args: { width: 640 }, title: null },
      { path: "c.webp", args: {}, title: null },
    ]);
  });

  it("spans lines", () => {
    const { set } = parse(
      'Before\n![{div_class="g"}](a.jpg\n  | b.jpg{crop=(0,0,10,10)}\n  | c.jpg "Third, with | a bar")\nafter',
    );
    expect(set.images.map((i) => [i.path, i.title])).toEqual([
      ["a.jpg", null],
      ["b.jpg", null],
      ["c.jpg", "Third, with | a bar"],
    ]);
    expect(set.images[1]!.args).toEqual({ crop: [0, 0, 10, 10] });
  });

  it("arguments may hold brackets, bars, parentheses and quotes", () => {
    const { set } = parse(`![x{caption="a ] b ) c | d"}](a.jpg{title='it\\'s (1)'})`);
    expect(set.args.caption).toBe("a ] b ) c | d");
    expect(set.images[0]!.args.title).toBe("it's (1)");
  });

  it("a bad argument list is carried as an error, not thrown; an unknown key is ignored", () => {
    expect(parse("![x](a.jpg{bogus=1} | b.jpg)").set.images[0]).toEqual({
      path: "a.jpg",
      args: {},
      title: null,
    });
    const { set } = parse("![x](a.jpg{1,2,3} | b.jpg)");
    expect(set.images[0]!.error).toMatch(/at most 2 positional/);
    expect(set.images[1]).toEqual({ path: "b.jpg", args: {}, title: null });
    expect(parse("![x{320,,}](a.jpg{1})").set.error).toMatch(/Image arguments \{320,,\}/);
  });

  it("plain images become one-image sets too", () => {
    const { set } = parse('![Plain](photo.jpg "T")');
    expect(set).toEqual({ alt: "Plain", args: {}, images: [{ path: "photo.jpg", args: {}, title: "T" }] });
    const ref = parse("![Ref][pic]\n\n[pic]: some%20photo.jpg");
    expect(ref.set.images[0]!.path).toBe("some photo.jpg");
  });

  it("the caption argument is rendered as inline Markdown", () => {
    const { set } = parse('![{caption="A *fine* day"}](a.jpg)');
    expect(set.captionHtml).toBe("A <em>fine</em> day");
  });

  it("a block-level set (figure, div) is not wrapped in a paragraph", () => {
    expect(parse("![{figure=True}](a.jpg | b.jpg)").html).toBe("[set a.jpg,b.jpg]\n");
    expect(parse("Text ![{figure=True}](a.jpg)").html).toBe("<p>Text [set a.jpg]</p>\n");
  });

  it("titles and alt text have their character references decoded", () => {
    const { set } = parse('![Tom &amp; Jerry{320}](a.jpg "R&amp;D &#x2014; 1" | b.jpg)');
    expect([set.alt, set.images[0]!.title]).toEqual(["Tom & Jerry", "R&D — 1"]);
  });

  it("a plain image is unwrapped too when the context's defaults make it a figure", () => {
    const quire = { ...recorder(), isBlockImageSet: () => true };
    expect(md.render("![x](a.jpg)", { quire })).toBe("[set a.jpg]\n");
  });

  it("code spans and escaped brackets are left alone", () => {
    const { quire, html } = parse("`![x](a.jpg{320})` and \\![x](b.jpg{1})");
    expect(quire.sets).toHaveLength(0);
    expect(html).toContain("<code>![x](a.jpg{320})</code>");
  });

  it("without a render context, falls back to plain <img> tags", () => {
    const html = md.render('![A "cat"{320}](cat.jpg{width=100} "T" | dog.jpg)');
    expect(html).toBe(
      '<p><img src="cat.jpg" alt="A &quot;cat&quot;" title="T"><img src="dog.jpg" alt="A &quot;cat&quot;"></p>\n',
    );
  });
});

describe("links to renditions", () => {
  it('[text](photo.jpg{format="jpg"}) links to a rendition, the text parsed as usual', () => {
    const { html, quire } = parse('See [the *big* one](photo.png{format="jpg", width = 2000} "Big").');
    expect(quire.links).toEqual([["photo.png", { format: "jpg", width: 2000 }]]);
    expect(html).toBe(
      '<p>See <a href="/_img/photo.png-rendition" title="Big">the <em>big</em> one</a>.</p>\n',
    );
  });

  it("ordinary links are untouched", () => {
    const { html, quire } = parse("[x](page.html) and [y](https://example.com/a{b})");
    expect(quire.links).toHaveLength(0);
    expect(html).toContain('<a href="page.html">x</a>');
  });
});

describe("raw HTML images", () => {
  it('<img src="photo.jpg{320}"> in raw HTML goes to the renderer with its attributes', () => {
    const { html, quire } = parse(
      '<div><img class="x" src="photo.jpg{320}" width="99" alt=\'A &amp; B\'></div>\n\nInline <img src="a.png{width=10}"/> too',
    );
    expect(html).toContain("<div>[html photo.jpg]</div>");
    expect(html).toContain("Inline [html a.png] too");
    expect(quire.html[0]).toMatchObject({
      path: "photo.jpg",
      args: { width: 320 },
      attrs: [
        ["class", "x"],
        ["width", "99"],
        ["alt", "A & B"],
      ],
      hasArgs: true,
    });
  });

  it("without a render context, the {…} is stripped from the src", () => {
    expect(md.render('<img src="photo.jpg{320}" alt="x">')).toBe('<img src="photo.jpg" alt="x">');
    expect(md.render('<img src="plain.jpg" alt="x">')).toBe('<img src="plain.jpg" alt="x">');
  });
});
