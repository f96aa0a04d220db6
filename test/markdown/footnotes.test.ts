// Footnotes numbered across body and more; the list placed where a reader looks for it on each kind of page.
import { describe, expect, it } from "vitest";
import { createMarkdown, renderMarkdown } from "../../src/markdown/index.js";

const md = createMarkdown();

const list = (...items: string[]): string =>
  '<hr class="footnotes-sep">\n<section class="footnotes">\n<ol class="footnotes-list">\n' +
  items.join("") +
  "</ol>\n</section>\n";
const ref = (n: number, sub = 0): string =>
  `<sup class="footnote-ref"><a href="#fn${n}" id="fnref${n}${sub ? `:${sub}` : ""}">${n}</a></sup>`;
const back = (n: number, sub = 0): string =>
  ` <a href="#fnref${n}${sub ? `:${sub}` : ""}" class="footnote-backref">\u21a9\uFE0E</a>`;
const item = (n: number, text: string, backs = [0]): string =>
  `<li id="fn${n}" class="footnote-item"><p>${text}${backs.map((s) => back(n, s)).join("")}</p>\n</li>\n`;

describe("footnotes", () => {
  it("lists the notes at the end of the body when there is no more part", () => {
    const r = renderMarkdown(md, { body: "Tea[^t] is good.\n\n[^t]: Green, mostly.", more: null });
    expect(r.body).toBe(`<p>Tea${ref(1)} is good.</p>\n` + list(item(1, "Green, mostly.")));
    expect(r.bodyOnly).toBe(r.body);
    expect(r.more).toBeNull();
    expect(r.footnotes).toMatchObject({ count: 1, bodyCount: 1 });
  });

  it("continues the numbering in more and lists every note once, at the end of more", () => {
    const r = renderMarkdown(md, {
      body: "Body cites A[^a] and B[^b].\n\n[^b]: Note B.",
      more: "More cites C[^c] and A again[^a].\n\n[^a]: Note A.\n[^c]: Note C.",
    });
    expect(r.body).toBe(`<p>Body cites A${ref(1)} and B${ref(2)}.</p>\n`);
    // Written out in full once, as a reader's browser receives it.
    expect(r.more).toBe(
      [
        '<p>More cites C<sup class="footnote-ref"><a href="#fn3" id="fnref3">3</a></sup>' +
          ' and A again<sup class="footnote-ref"><a href="#fn1" id="fnref1:1">1</a></sup>.</p>',
        '<hr class="footnotes-sep">',
        '<section class="footnotes">',
        '<ol class="footnotes-list">',
        '<li id="fn1" class="footnote-item"><p>Note A. <a href="#fnref1" class="footnote-backref">↩︎</a>' +
          ' <a href="#fnref1:1" class="footnote-backref">↩︎</a></p>',
        "</li>",
        '<li id="fn2" class="footnote-item"><p>Note B. <a href="#fnref2" class="footnote-backref">↩︎</a></p>',
        "</li>",
        '<li id="fn3" class="footnote-item"><p>Note C. <a href="#fnref3" class="footnote-backref">↩︎</a></p>',
        "</li>",
        "</ol>",
        "</section>",
        "",
      ].join("\n"),
    );
    expect(r.footnotes).toMatchObject({ count: 3, bodyCount: 2 });
  });

  it("gives a body-only page the notes its body refers to, with back-links only to references on that page", () => {
    const r = renderMarkdown(md, {
      body: "Body cites A[^a] and B[^b].",
      more: "More cites C[^c] and A again[^a].\n\n[^a]: Note A.\n[^b]: Note B.\n[^c]: Note C.",
    });
    expect(r.bodyOnly).toBe(
      `<p>Body cites A${ref(1)} and B${ref(2)}.</p>\n` + list(item(1, "Note A."), item(2, "Note B.")),
    );
  });

  it("leaves the body-only page without a list when only more has notes", () => {
    const r = renderMarkdown(md, { body: "Plain body.", more: "Noted[^n].\n\n[^n]: In more." });
    expect(r.bodyOnly).toBe("<p>Plain body.</p>\n");
    expect(r.more).toBe(`<p>Noted${ref(1)}.</p>\n` + list(item(1, "In more.")));
  });

  it("numbers inline ^[notes] in reading order with the others", () => {
    const r = renderMarkdown(md, { body: "One^[*inline* note] here.", more: "Two[^x].\n\n[^x]: Defined." });
    expect(r.more).toBe(
      `<p>Two${ref(2)}.</p>\n` + list(item(1, "<em>inline</em> note"), item(2, "Defined.")),
    );
    expect(r.bodyOnly).toContain(list(item(1, "<em>inline</em> note")));
  });

  it("applies typography and link resolution inside notes", () => {
    const r = renderMarkdown(
      md,
      { body: 'See[^s].\n\n[^s]: "Quoted" -- [entry](12).', more: null },
      { resolveLink: (href) => (href === "12" ? "/blog/12-x" : null) },
    );
    expect(r.footnotes.html).toContain('<p>&ldquo;Quoted&rdquo; &ndash; <a href="/blog/12-x">entry</a>.');
  });

  it("prefixes anchors with idPrefix so two entries on one page keep their own notes", () => {
    const r = renderMarkdown(md, { body: "X[^1].\n\n[^1]: Y.", more: null }, { idPrefix: "42" });
    expect(r.body).toContain('<a href="#fn-42-1" id="fnref-42-1">1</a>');
    expect(r.body).toContain('<li id="fn-42-1" class="footnote-item">');
  });

  it("still appends the list when the instance is used directly", () => {
    expect(md.render("A[^1]\n\n[^1]: B")).toBe(`<p>A${ref(1)}</p>\n` + list(item(1, "B")));
  });
});
