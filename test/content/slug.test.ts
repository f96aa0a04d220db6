import { describe, it, expect } from "vitest";
import { entrySlug, publSlug } from "../../src/content/slug.js";
import { slugify } from "../../src/markdown/slugify.js";
import { titleText, titleSlugText } from "../../src/markdown/plain-text.js";

// The slug of a plain title skips the Markdown pass; it must be exactly the slug that pass gives.
const viaMarkdown = (title: string) => slugify(titleText(title));
const viaMarkdownPubl = (title: string) => publSlug(titleSlugText(title));
const lower = (title: string, slugText: string | null = null) => entrySlug({ title, slugText }, "lowercase");

describe("entry slugs in Publ's style (the default)", () => {
  // Titles from Publ's test site and the slugs Publ v0.8.14 gave them.
  const PUBL: [string, string][] = [
    ["It's alive, it's alive!!!", "It-s-alive-it-s-alive"],
    ["Pushl v0.3.5", "Pushl-v0.3.5"],
    ["1.2.3. 4. 5. Such a weird title.", "1.2.3.-4.-5.-Such-a-weird-title"],
    ["Thiß îs a tést of µnicode slugs, お願いします", "Thiß-îs-a-tést-of-µnicode-slugs-お願いします"],
    ["Emoji paths 😀 éclair? Éclair!", "Emoji-paths-😀-éclair-Éclair"],
    ["Group friends but not good_friends", "Group-friends-but-not-good_friends"],
    ["2012-01-01 07:00:00+08:00", "2012-01-01-07-00-00-08-00"],
    ["Empty entry/card", "Empty-entry-card"],
    ["Ampersands & such", "Ampersands-such"],
    ["Fallback image (no entry image)", "Fallback-image-no-entry-image"],
    ['It has "double quotes"', "It-has-double-quotes"],
    ["Let's *emphasize* with **correct** markdown", "Let-s-emphasize-with-correct-markdown"],
    ["A ~~serious~~ comical mistake <s>is joke</s>", "A-comical-mistake"],
    ["I cannot <em>emphasize</em> how <strong>strong</strong> this", "I-cannot-emphasize-how-strong-this"],
    ["There is *markup* in this `<title>`, how **weird**", "There-is-markup-in-this-title-how-weird"],
    ["&lt;brackets&gt; are [fun]", "brackets-are-fun"],
    ["`Accept:` header support", "Accept-header-support"],
    ["* hello", "hello"],
  ];

  it("keep the title's case, dots, underscores and symbols, and turn punctuation into -", () => {
    for (const [title, slug] of PUBL) expect(entrySlug({ title, slugText: null }), title).toBe(slug);
  });

  it("are the same with and without the Markdown pass for plain titles", () => {
    for (const title of ["Bread are morning", "Ünïcödé  spaces, commas; colons: too", "Fish & chips", "R&D", ""]) {
      expect(entrySlug({ title, slugText: null }), title).toBe(viaMarkdownPubl(title));
    }
  });

  it("are empty for an empty Slug-Text or a missing Title, as Publ's are", () => {
    const header = (name: string, value: string) => ({ name, key: name.toLowerCase(), value, line: 1 });
    const emptySlugText = [header("Title", "Empty slug text"), header("Slug-Text", "")];
    expect(entrySlug({ title: "Empty slug text", slugText: null, headers: emptySlugText })).toBe("");
    expect(entrySlug({ title: "No Title", slugText: null, headers: [header("Date", "2020-07-16")] })).toBe("");
    expect(entrySlug({ title: "No Title", slugText: null, headers: [] }, "lowercase")).toBe("no-title");
  });

  it("come from Slug-Text when there is one, in the same style", () => {
    expect(entrySlug({ title: "Anything", slugText: "My Own Slug!" })).toBe("My-Own-Slug");
  });
});

describe("entry slugs in the lowercase style", () => {
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
      expect(lower(title), title).toBe(viaMarkdown(title));
    }
  });

  it("take Markdown, quotes and entities in titles through the Markdown pass", () => {
    expect(lower("*Emphasis* and `code`")).toBe("emphasis-and-code");
    expect(lower("Don't stop")).toBe("dont-stop");
    expect(lower("Fish &amp; chips")).toBe("fish-chips");
    expect(lower("Fish &#38; chips &copy;")).toBe(viaMarkdown("Fish &#38; chips &copy;"));
    expect(lower("AT&T")).toBe(viaMarkdown("AT&T"));
    expect(lower("<b>Bold</b> (c) 2024")).toBe(viaMarkdown("<b>Bold</b> (c) 2024"));
  });

  it("come from Slug-Text when there is one", () => {
    expect(lower("Anything", "My Own Slug!")).toBe("my-own-slug");
  });
});
