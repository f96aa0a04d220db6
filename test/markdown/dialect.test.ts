// The Markdown dialect an author writes in: tables, strikethrough, typography, raw HTML, no linkify.
import { describe, expect, it } from "vitest";
import { createMarkdown, renderMarkdown } from "../../src/markdown/index.js";

const md = createMarkdown();
const body = (src: string): string => renderMarkdown(md, { body: src, more: null }).body;

describe("Markdown dialect", () => {
  it("renders pipe tables with alignment", () => {
    expect(body("| Name | Qty |\n|:-----|----:|\n| tea  | 2   |\n")).toBe(
      [
        "<table>",
        "<thead>",
        "<tr>",
        '<th style="text-align:left">Name</th>',
        '<th style="text-align:right">Qty</th>',
        "</tr>",
        "</thead>",
        "<tbody>",
        "<tr>",
        '<td style="text-align:left">tea</td>',
        '<td style="text-align:right">2</td>',
        "</tr>",
        "</tbody>",
        "</table>",
        "",
      ].join("\n"),
    );
  });

  it("renders ~~strikethrough~~ as <del>, as Publ does", () => {
    expect(body("It was ~~wrong~~ right.")).toBe("<p>It was <del>wrong</del> right.</p>\n");
  });

  it("curls quotes and apostrophes and makes dashes and ellipses, written as Publ's named entities", () => {
    expect(body(`"Don't," she said -- 1990--2000 --- 'quoted'...`)).toBe(
      "<p>&ldquo;Don&rsquo;t,&rdquo; she said &ndash; 1990&ndash;2000 &mdash; &lsquo;quoted&rsquo;&hellip;</p>\n",
    );
  });

  it("leaves code spans and code blocks untouched by typography", () => {
    expect(body('Run `echo "a -- b"` now.')).toBe("<p>Run <code>echo &quot;a -- b&quot;</code> now.</p>\n");
  });

  it("passes raw HTML blocks and inline HTML through, since authors are trusted", () => {
    expect(body('<div class="note">\n<b>Hi</b>\n</div>\n\nSome <kbd>Ctrl</kbd> here.')).toBe(
      '<div class="note">\n<b>Hi</b>\n</div>\n<p>Some <kbd>Ctrl</kbd> here.</p>\n',
    );
  });

  it("does not turn bare domains or file names into links (linkify is off)", () => {
    expect(body("See example.com and notes.md.")).toBe("<p>See example.com and notes.md.</p>\n");
  });

  it("links an explicit <https://…> autolink", () => {
    expect(body("<https://example.com/a>")).toBe(
      '<p><a href="https://example.com/a">https://example.com/a</a></p>\n',
    );
  });
});
