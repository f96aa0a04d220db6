// Issue 21, item 6: a 600 KB Markdown line of `*a_` made markdown-it build 400,000 tokens and took 3–15 s.
import { describe, expect, it } from "vitest";
import { createMarkdown, renderMarkdown } from "../../src/markdown/index.js";
import { MAX_EMPHASIS_DELIMITERS } from "../../src/markdown/delimiter-budget.js";

const md = createMarkdown();

/** Inline tokens markdown-it makes for a text (the work the delimiter budget bounds). */
function inlineTokens(text: string): number {
  return md.parse(text, {}).reduce((n, t) => n + (t.children?.length ?? 0), 0);
}

describe("a paragraph with more emphasis delimiters than the budget", () => {
  const hostile = "*a_".repeat(200_000);

  it("is parsed into a handful of tokens, not one per delimiter", () => {
    expect(inlineTokens(hostile)).toBeLessThan(10);
  });

  it("shows its delimiters as the text they are, with nothing lost", () => {
    const html = renderMarkdown(md, { body: hostile, more: null }).body;
    expect(html.startsWith("<p>*a_*a_")).toBe(true);
    expect(html).not.toContain("<em>");
    expect(html.trim().length).toBe("<p></p>".length + hostile.length);
  });

  it("leaves the other paragraphs of the entry alone", () => {
    const html = renderMarkdown(md, {
      body: `*before* and __bold__\n\n${hostile}\n\n~~gone~~ _after_`,
      more: null,
    }).body;
    expect(html).toContain("<em>before</em> and <strong>bold</strong>");
    expect(html).toContain("<del>gone</del> <em>after</em>");
  });
});

describe("a paragraph within the budget", () => {
  it("keeps all its emphasis", () => {
    const text = "*a* ".repeat(MAX_EMPHASIS_DELIMITERS / 2 - 1);
    const html = renderMarkdown(md, { body: text, more: null }).body;
    expect(html.match(/<em>a<\/em>/g)).toHaveLength(MAX_EMPHASIS_DELIMITERS / 2 - 1);
  });
});
