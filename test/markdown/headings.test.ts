// Heading ids, self-links and the table of contents.
import { describe, expect, it } from "vitest";
import { createMarkdown, renderMarkdown, renderToc } from "../../src/markdown/index.js";

const md = createMarkdown();

describe("heading ids and self-links", () => {
  it("gives each heading a slug id and wraps its text in a link to itself", () => {
    const r = renderMarkdown(md, { body: "## Getting *started*", more: null });
    expect(r.body).toBe(
      '<h2 id="getting-started"><a class="heading-anchor" href="#getting-started">Getting <em>started</em></a></h2>\n',
    );
  });

  it("keeps ids unique across body and more", () => {
    const r = renderMarkdown(md, { body: "## Notes\n\n## Notes", more: "## Notes\n\n### Notes-1" });
    expect(r.body).toBe(
      '<h2 id="notes"><a class="heading-anchor" href="#notes">Notes</a></h2>\n' +
        '<h2 id="notes-1"><a class="heading-anchor" href="#notes-1">Notes</a></h2>\n',
    );
    expect(r.more).toBe(
      '<h2 id="notes-2"><a class="heading-anchor" href="#notes-2">Notes</a></h2>\n' +
        '<h3 id="notes-1-1"><a class="heading-anchor" href="#notes-1-1">Notes-1</a></h3>\n',
    );
  });

  it("keeps Unicode letters and drops punctuation in ids", () => {
    const r = renderMarkdown(md, { body: "# Ça va? Привет, мир!", more: null });
    expect(r.body).toContain('<h1 id="ça-va-привет-мир"><a class="heading-anchor" href="#ça-va-привет-мир">');
  });

  it("does not nest a self-link around a heading that already has a link", () => {
    const r = renderMarkdown(md, { body: "## See [the docs](https://example.com)", more: null });
    expect(r.body).toBe('<h2 id="see-the-docs">See <a href="https://example.com">the docs</a></h2>\n');
  });

  it("leaves an empty heading without an id or an empty link", () => {
    expect(renderMarkdown(md, { body: "##", more: null }).body).toBe("<h2></h2>\n");
  });
});

describe("table of contents", () => {
  const r = renderMarkdown(md, {
    body: "# Intro\n\n## Setup\n\n### On *Linux*\n\n### On macOS",
    more: "## Use\n\n#### Deep\n\n# Appendix",
  });

  it("nests headings by level across body and more, with plain text", () => {
    expect(r.toc).toEqual([
      {
        level: 1,
        id: "intro",
        text: "Intro",
        children: [
          {
            level: 2,
            id: "setup",
            text: "Setup",
            children: [
              { level: 3, id: "on-linux", text: "On Linux", children: [] },
              { level: 3, id: "on-macos", text: "On macOS", children: [] },
            ],
          },
          {
            level: 2,
            id: "use",
            text: "Use",
            children: [{ level: 4, id: "deep", text: "Deep", children: [] }],
          },
        ],
      },
      { level: 1, id: "appendix", text: "Appendix", children: [] },
    ]);
  });

  it("renders as nested ordered lists of links", () => {
    expect(renderToc(r.toc, { maxDepth: 2 })).toBe(
      '<ol><li><a href="#intro">Intro</a>' +
        '<ol><li><a href="#setup">Setup</a></li><li><a href="#use">Use</a></li></ol></li>' +
        '<li><a href="#appendix">Appendix</a></li></ol>',
    );
  });

  it("can render as <ul>, link to another page, and escapes heading text", () => {
    const toc = renderMarkdown(md, { body: "## Fish & `<chips>`", more: null }).toc;
    expect(renderToc(toc, { ordered: false, linkBase: "/blog/3-food" })).toBe(
      '<ul><li><a href="/blog/3-food#fish-chips">Fish &amp; &lt;chips&gt;</a></li></ul>',
    );
  });

  it("is empty for an entry without headings", () => {
    expect(renderToc(renderMarkdown(md, { body: "text", more: null }).toc)).toBe("");
  });
});
