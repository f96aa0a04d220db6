import { describe, it, expect } from "vitest";
import { entrySlug } from "../../src/content/slug.js";
import { slugify } from "../../src/markdown/slugify.js";
import { titleText } from "../../src/markdown/plain-text.js";

// The slug of a plain title skips the Markdown pass; it must be exactly the slug that pass gives.
const viaMarkdown = (title: string) => slugify(titleText(title));

describe("entry slugs", () => {
  it("are the same with and without the Markdown pass for plain titles", () => {
    const titles = [
      "Bread are morning",
      "Café déjà vu",
      "Ünïcödé  spaces   and, commas; colons: too",
      "Is it done? Yes! Wait...",
      "Well -- maybe --- not",
      "Two.dots..three...four....",
      "Łódź 2024 – żółć",
      "日本語のタイトル",
      "e\u0301cole NFD",
      "",
      "   padded   ",
      "?!.,;:-",
      "Fish & chips",
      "Rock &roll & more &",
      "&",
      "R&D",
      "A long title that runs on and on, well past the eighty characters a slug may have, to the end",
    ];
    for (const title of titles) {
      expect(entrySlug({ title, slugText: null }), title).toBe(viaMarkdown(title));
    }
  });

  it("take Markdown, quotes and entities in titles through the Markdown pass", () => {
    expect(entrySlug({ title: "*Emphasis* and `code`", slugText: null })).toBe("emphasis-and-code");
    expect(entrySlug({ title: "Don't stop", slugText: null })).toBe("dont-stop");
    expect(entrySlug({ title: "Fish &amp; chips", slugText: null })).toBe("fish-chips");
    expect(entrySlug({ title: "Fish &#38; chips &copy;", slugText: null })).toBe(viaMarkdown("Fish &#38; chips &copy;"));
    expect(entrySlug({ title: "AT&T", slugText: null })).toBe(viaMarkdown("AT&T"));
    expect(entrySlug({ title: "<b>Bold</b> (c) 2024", slugText: null })).toBe(viaMarkdown("<b>Bold</b> (c) 2024"));
  });

  it("come from Slug-Text when there is one", () => {
    expect(entrySlug({ title: "Anything", slugText: "My Own Slug!" })).toBe("my-own-slug");
  });
});
