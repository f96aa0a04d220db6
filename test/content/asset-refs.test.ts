/** The files an entry's text may refer to, as the index records them for /_file/'s access check. */
import { describe, expect, it } from "vitest";
import { referencedAssets, MAX_REFERENCES } from "../../src/content/asset-refs.js";

describe("referencedAssets", () => {
  it("finds link, image, image-set, reference, HTML and bare targets, resolved as the renderer tries them", () => {
    const text = [
      "[a](a.pdf) ![b](b.jpg{320,200} | c.png \"t\") [d](<d e.txt>)",
      '<img src="f.gif"> <img srcset="g.jpg 1x, h.jpg 2x"> <div $data-bg="i.jpg{100}">',
      "[ref]: /other/j.txt",
      "Download k.zip.",
      "[abs](/_file/blog/l.txt) [web](https://example.org/m.jpg) [static](@n.css) [up](../o.txt)",
    ].join("\n");
    const found = referencedAssets("blog/2024/post.md", "blog", text);
    for (const name of ["a.pdf", "b.jpg", "c.png", "d e.txt", "f.gif", "g.jpg", "h.jpg", "i.jpg", "k.zip"]) {
      expect(found, name).toContain(`blog/2024/${name}`);
      expect(found, name).toContain(`blog/${name}`);
      expect(found, name).toContain(name);
    }
    expect(found).toContain("other/j.txt");
    expect(found).toContain("blog/l.txt");
    expect(found).toContain("blog/o.txt");
    expect(found.some((p) => p.includes("m.jpg") || p.includes("n.css"))).toBe(false);
    expect(found.some((p) => p.startsWith(".."))).toBe(false);
  });

  it("keeps at most MAX_REFERENCES paths, and reads a hostile line in linear time", () => {
    const many = Array.from({ length: 5000 }, (_, i) => `f${i}.jpg`).join(" ");
    expect(referencedAssets("a.md", "", many).length).toBe(MAX_REFERENCES);
    // A quadratic scan of these 600 KB would not finish within the test's time limit.
    const hostile = "](".repeat(300_000) + "\n" + '="'.repeat(300_000) + "\n" + "a".repeat(600_000);
    expect(referencedAssets("a.md", "", hostile).length).toBeLessThan(3);
  });
});
