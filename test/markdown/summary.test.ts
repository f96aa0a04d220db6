// An entry's summary: the Summary header when given, else the first paragraph of the body.
import { describe, expect, it } from "vitest";
import {
  createMarkdown,
  firstParagraph,
  renderMarkdown,
  renderSummary,
  summarize,
} from "../../src/markdown/index.js";
import { fakeSite } from "./fake-site.js";

const md = createMarkdown();

describe("summary", () => {
  it("uses the Summary header, rendered as inline Markdown with links resolved", () => {
    const r = renderMarkdown(
      md,
      { body: "First paragraph.", more: null, summary: `A *short* "note" about [that](12).` },
      { resolveLink: fakeSite().resolve },
    );
    expect(r.summary).toBe('A <em>short</em> &ldquo;note&rdquo; about <a href="/blog/12-an-entry">that</a>.');
  });

  it("escapes raw HTML in the Summary header, like every header", () => {
    const r = renderMarkdown(md, { body: "x", more: null, summary: "Bold <b>claim</b><script>x()</script>" });
    expect(r.summary).toBe("Bold &lt;b&gt;claim&lt;/b&gt;&lt;script&gt;x()&lt;/script&gt;");
  });

  it("falls back to the body's first paragraph, as a <p> as in Publ, without footnote markers", () => {
    const r = renderMarkdown(md, {
      body: "## Heading\n\nThe *first* one[^1].\n\nThe second.\n\n[^1]: A note.",
      more: "Below the cut.",
      summary: null,
    });
    expect(r.summary).toBe("<p>The <em>first</em> one.</p>");
  });

  it("comes from the text below the cut when the entry opens with its cut, as in Publ", () => {
    const entry = { body: "", more: "Random *ID* 10\n\nSecond.", summary: null };
    expect(renderMarkdown(md, entry).summary).toBe("<p>Random <em>ID</em> 10</p>");
    // The listing shortcut defers to the whole render there.
    expect(renderSummary(md, entry)).toBeNull();
  });

  it("leaves images out, and takes the next paragraph when the first holds only images, as Publ does", () => {
    expect(renderMarkdown(md, { body: "Hello! ![rawr](rawr.jpg)\n\nNext.", more: null }).summary).toBe(
      "<p>Hello!</p>",
    );
    const imageFirst = { body: "[![a](a.jpg)](big.jpg)\n\nThis is *summary* text.", more: null };
    expect(renderMarkdown(md, imageFirst).summary).toBe("<p>This is <em>summary</em> text.</p>");
    expect(renderSummary(md, imageFirst)).toBeNull();
    expect(renderMarkdown(md, { body: "![only](a.jpg)", more: null }).summary).toBe("");
  });

  it("is empty when the body has no paragraph and there is no header", () => {
    expect(renderMarkdown(md, { body: "- a list\n- only", more: null }).summary).toBe("");
  });

  it("finds the first paragraph of an .html entry, skipping comments", () => {
    expect(
      summarize(md, {
        summary: null,
        html: `<!-- <p>no</p> --><div><p class="lead">Yes <b>this</b></p><p>not this`,
      }),
    ).toBe("<p>Yes <b>this</b></p>");
    expect(firstParagraph("<p>Unclosed<p>next")).toBe("Unclosed");
  });
});
