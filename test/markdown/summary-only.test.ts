// Pages that list entries ask only for their summaries, which renderSummary works out from the start of the
// text without rendering the rest. Whatever the entry, its answer must be exactly the summary of the whole
// render, or null (and the whole entry is rendered instead).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createMarkdown,
  renderMarkdown,
  renderSummary,
  type EntryMarkdown,
  type RenderContext,
} from "../../src/markdown/index.js";
import { imageSyntaxPlugin, type ImageRenderer } from "../../src/image/markdown-plugin.js";
import { fakeSite } from "./fake-site.js";

const md = createMarkdown({ plugins: [imageSyntaxPlugin] });

// Blocks an entry is made of: every kind of block, and those that could end, hide or open a first paragraph
// somewhere other than where it seems (raw HTML, comments, scripts, footnote and link definitions, images).
const blocks = [
  "A plain paragraph.",
  'A paragraph with *emphasis*, `code`, "quotes" -- and dashes...',
  "Two lines\nof one paragraph.",
  "A [link](12) and [another](../other.md) and [a ref][r] and [^1] a note.",
  "An inline note^[with *text*] here.",
  "[r]: https://example.com/ref",
  "[^1]: The note's text.",
  "[^2]: A note\n\n    with two paragraphs.",
  "# A heading",
  "## Heading with [link](12)",
  "Setext heading\n===",
  "> A quote\n> of two lines.",
  "> - a list in a quote",
  "- a tight\n- list",
  "- a loose\n\n- list",
  "1. one\n2. two",
  "```js\nconst a = 1;\n```",
  "```\nplain <fence>\n```",
  "    indented code",
  "---",
  "| a | b |\n|---|---|\n| 1 | 2 |",
  "<div>raw block</div>",
  "<div>\n<p>a raw paragraph</p>\n</div>",
  "<p>raw paragraph",
  '<p class="lead">raw lead</p>',
  "<!-- a comment <p>not this</p> -->",
  "<!-- an unclosed comment",
  "<script>var p = '<p>';</script>",
  "<script>\nunclosed script <p>",
  "Text with <b>inline html</b> and <p>inline p</p> inside.",
  "Text with </p> a stray close.",
  "![alt](photo.jpg)",
  "![alt{figure=true}](a.jpg | b.jpg)",
  "Some text ![alt](photo.jpg{320}) in a line.",
  '[a rendition link](photo.jpg{format="png"})',
  '<img src="photo.jpg{320}">',
  "Footnote ref [^missing] with no definition.",
  "",
  "   ",
  "\\",
  "*",
  "<",
];

const renderer: ImageRenderer = {
  renderImageSet: (set) =>
    set.images.length > 1
      ? `<figure>${set.images.map((i) => `<img src="/_img/${i.path}">`).join("")}</figure>`
      : `<img src="/_img/${set.images[0]?.path ?? "none"}" alt="${set.alt}">`,
  isBlockImageSet: (set) => set.images.length > 1,
  renderHtmlImage: (img) => `<img src="/_img/html-${img.path}">`,
};

const part = fc
  .array(fc.tuple(fc.constantFrom(...blocks), fc.constantFrom("\n\n", "\n", "\n\n\n")), { maxLength: 7 })
  .map((bs) => bs.map(([b, sep]) => b + sep).join(""));
const entry = fc.record({
  body: part,
  more: fc.option(part, { nil: null }),
  summary: fc.option(fc.constantFrom("", "  ", "A *short* summary", "About [that](12) <b>x</b>"), {
    nil: null,
  }),
});
const context = fc.record({
  absolute: fc.boolean(),
  images: fc.boolean(),
});

function ctxOf(c: { absolute: boolean; images: boolean }): RenderContext {
  return {
    resolveLink: fakeSite().resolve,
    absolute: c.absolute,
    baseUrl: "https://example.com/blog/5-entry",
    idPrefix: "e5-",
    ...(c.images ? renderer : {}),
  };
}

describe("renderSummary", () => {
  it("gives exactly the whole render's summary, or hands over to it", () => {
    let answered = 0;
    let handedOver = 0;
    fc.assert(
      fc.property(entry, context, (e: EntryMarkdown, c) => {
        const whole = renderMarkdown(md, e, ctxOf(c)).summary;
        const alone = renderSummary(md, e, ctxOf(c));
        if (alone === null) handedOver++;
        else {
          answered++;
          expect(alone).toBe(whole);
        }
      }),
      { numRuns: 5000 },
    );
    // Both outcomes must be reached, or the comparison above would prove little.
    expect(answered).toBeGreaterThan(2500);
    expect(handedOver).toBeGreaterThan(50);
  });

  it("answers from the first paragraph without rendering the code after it", () => {
    const highlighted: string[] = [];
    const spy = createMarkdown({
      plugins: [
        (m) => {
          const fence = m.renderer.rules.fence!;
          m.renderer.rules.fence = (...args) => {
            highlighted.push(args[0][args[1]]!.content);
            return fence(...args);
          };
        },
      ],
    });
    const e = { body: "The *first* paragraph[^1].\n\n```js\nlet x;\n```\n\n[^1]: Note.", more: "More." };
    expect(renderSummary(spy, e)).toBe("<p>The <em>first</em> paragraph.</p>");
    expect(highlighted).toEqual([]);
    expect(renderMarkdown(spy, e).summary).toBe("<p>The <em>first</em> paragraph.</p>");
    expect(highlighted).toEqual(["let x;\n"]);
  });

  it("uses a link definition from below the cut, as the whole render does", () => {
    const e = { body: "See [the docs][d].", more: "[d]: https://example.com/docs" };
    expect(renderSummary(md, e)).toBe('<p>See <a href="https://example.com/docs">the docs</a>.</p>');
  });

  it("hands over when no top-level paragraph settles the summary", () => {
    expect(renderSummary(md, { body: "- a list\n- only", more: null })).toBeNull();
    expect(renderSummary(md, { body: "<!-- open\n\nA paragraph.", more: null })).toBeNull();
    expect(renderSummary(md, { body: "x", more: null, summary: "From the *header*" })).toBe(
      "From the <em>header</em>",
    );
  });
});
