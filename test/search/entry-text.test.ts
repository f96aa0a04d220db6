/** What search indexes of an entry body: the words a reader sees, not link targets, image sources or tags. */
import { describe, expect, it } from "vitest";
import { entryText } from "../../src/search/entry-text.js";
import { surfaceWords } from "../../src/search/static-index.js";

describe("entryText", () => {
  it("keeps link text and alt text, drops targets, image arguments, reference definitions and bare URLs", () => {
    const text = entryText(
      "markdown",
      'See [the heron](https://example.com/zzlink "title") and ![a grey egret](egret.jpg{320,240}).\n\n[ref]: https://example.com/zzref\n\nAt https://example.com/zzbare too.',
      null,
    );
    expect(text).toContain("the heron");
    expect(text).toContain("a grey egret");
    expect(text).not.toMatch(/zzlink|zzref|zzbare|320|egret\.jpg/);
  });

  it("drops HTML tags and comments but keeps their text, and decodes entities", () => {
    const text = entryText(
      "markdown",
      '<p class="zzclass">Caf&eacute; <em>open</em></p><!-- zzcomment -->',
      null,
    );
    expect(text).toContain("Café");
    expect(text).toContain("open");
    expect(text).not.toMatch(/zzclass|zzcomment/);
  });

  it("reads HTML entries as text, scripts and styles left out", () => {
    const text = entryText("html", "<h1>Kettle</h1><script>zzscript()</script><p>Tea &amp; toast</p>", null);
    expect(text).toBe("Kettle Tea & toast");
  });

  it("includes the text below the cut, and never a control character", () => {
    const text = entryText("markdown", "Above\u0002", "Below\u0003 \u0000");
    expect(text).toContain("Above");
    expect(text).toContain("Below");
    // eslint-disable-next-line no-control-regex -- the point of the test
    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });
});

describe("surfaceWords (the words the static search maps to their stems)", () => {
  it("splits and lowercases plain ASCII as the tokenizer does", () => {
    expect(surfaceWords("Walking_the HERON-2 at 10:45, (again)!")).toEqual([
      "walking",
      "the",
      "heron",
      "2",
      "at",
      "10",
      "45",
      "again",
    ]);
  });

  it("folds accents, keeps other scripts' letters and splits on their punctuation", () => {
    expect(surfaceWords("Crème brûlée — Ørsted’s café, 東京 Straße")).toEqual([
      "creme",
      "brulee",
      "ørsted",
      "s",
      "cafe",
      "東京",
      "straße",
    ]);
  });
});
