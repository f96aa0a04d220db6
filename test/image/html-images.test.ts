/** Finding `<img>` tags in HTML: quoted `>` inside attributes, comments, entities, tags without a src. */
import { describe, expect, it } from "vitest";
import { findHtmlImages, rewriteHtmlImages } from "../../src/image/html-images.js";

describe("findHtmlImages", () => {
  it("reads the src's {…} and the width/height attributes (the src's arguments win)", () => {
    const [img] = findHtmlImages(
      '<p><IMG SRC="a.jpg{height=50}" width=100 height="20" data-x=\'1 > 0\' hidden></p>',
    );
    expect(img).toMatchObject({ path: "a.jpg", args: { width: 100, height: 50 }, hasArgs: true });
    expect(img!.attrs).toEqual([
      ["width", "100"],
      ["height", "20"],
      ["data-x", "1 > 0"],
      ["hidden", true],
    ]);
  });

  it("skips comments and tags without a src, and decodes entities", () => {
    const found = findHtmlImages(
      '<!-- <img src="old.jpg"> --><img alt="x"><img src="a&amp;b.jpg" alt="&lt;&#39;&#x41;&gt;">',
    );
    expect(found.map((i) => i.path)).toEqual(["a&b.jpg"]);
    expect(found[0]!.attrs).toEqual([["alt", "<'A>"]]);
  });

  it("carries a parse error instead of throwing", () => {
    expect(findHtmlImages('<img src="a.jpg{320,,}">')[0]!.error).toMatch(/Image arguments/);
    // An unknown argument is ignored, as Publ ignores it.
    expect(findHtmlImages('<img src="a.jpg{nope=1}">')[0]!.error).toBeUndefined();
  });
});

describe("rewriteHtmlImages", () => {
  it("replaces only what the renderer answers for, leaving everything else byte for byte", () => {
    const html = '<p>One <img src="a.jpg"> two <img src="b.jpg{1}"/></p>\n<!-- <img src="c.jpg{2}"> -->';
    const out = rewriteHtmlImages(html, (img) => (img.hasArgs ? `[${img.path}]` : null));
    expect(out).toBe('<p>One <img src="a.jpg"> two [b.jpg]</p>\n<!-- <img src="c.jpg{2}"> -->');
  });
});
