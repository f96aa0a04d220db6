// Markdown that Publ's dialect accepts and CommonMark does not: ==highlight==, spaced footnote labels,
// link targets with spaces, and links to entry files by their path from content/.
import { describe, it, expect, afterAll } from "vitest";
import { createMarkdown, renderMarkdown } from "../../src/markdown/index.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite } from "../helpers/http.js";
import { fakeSite } from "./fake-site.js";

const md = createMarkdown();
const render = (body: string) =>
  renderMarkdown(md, { body, more: null }, { resolveLink: fakeSite().resolve }).body;

describe("Publ's Markdown dialect", () => {
  it("makes ==text== a <mark>", () => {
    expect(render("Here is ==highlighted== text")).toBe("<p>Here is <mark>highlighted</mark> text</p>\n");
  });

  it("accepts footnote labels with spaces", () => {
    const html = render("Typing is [^motor memory] a habit.\n\n[^motor memory]: Hands remember.");
    expect(html).toMatch(/<sup class="footnote-ref"><a href="#fn1"/);
    expect(html).toContain("Hands remember.");
    expect(html).not.toContain("[^motor memory]");
  });

  it("accepts link targets with spaces, but leaves code and images alone", () => {
    expect(render("[my post](my post.md)")).toBe('<p><a href="/blog/8-my-post">my post</a></p>\n');
    expect(render("`[x](a b.md)`")).toBe("<p><code>[x](a b.md)</code></p>\n");
    expect(render("```\n[x](a b.md)\n```")).toBe("<pre><code>[x](a b.md)\n</code></pre>\n");
    expect(render("[x](a b.md 'Title')")).not.toContain("<a ");
  });

  it("accepts a path from the site's root with spaces, as Publ does for a Path-Alias", () => {
    expect(render("See [the alias](/alias/with space) here.")).toBe(
      '<p>See <a href="/alias/with%20space">the alias</a> here.</p>\n',
    );
    expect(render("[x](/a b 'Title')")).not.toContain("<a ");
    expect(render("[x](not a path)")).not.toContain("<a ");
  });
});

describe("links to entry files", () => {
  const root = makeSite({
    "content/tools/reblob.md": "Title: Reblob\nEntry-ID: 10\nDate: 2024-01-01\n\nA tool.\n",
    "content/images/exif orientations.md":
      "Title: EXIF orientations\nEntry-ID: 11\nDate: 2024-01-01\n\nPictures.\n",
    "content/notes/n.md":
      "Title: Links\nEntry-ID: 12\nDate: 2024-01-02\n\n[from the root](/tools/reblob.md), [with spaces](/images/exif orientations.md), [a page](/tools/)\n",
    "templates/entry.html": "{{ entry.body }}",
  });
  afterAll(() => removeSite(root));

  it("resolve a path from content/ to the entry's URL, as Publ does", async () => {
    const t = await serveSite(root);
    try {
      const html = await (await t.get("/notes/12-Links")).text();
      expect(html).toContain('<a href="/tools/10-Reblob">from the root</a>');
      expect(html).toContain('<a href="/images/11-EXIF-orientations">with spaces</a>');
      expect(html).toContain('<a href="/tools/">a page</a>');
    } finally {
      await t.stop();
    }
  });
});
