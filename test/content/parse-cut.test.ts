// The `.....` cut: body only, more only, both, none at all, and lines that only look like a cut.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseEntry } from "../../src/content/parse-entry.js";
import { splitAtCut } from "../../src/content/parse-text.js";

const entry = (name: string) =>
  parseEntry(readFileSync(new URL(`../fixtures/entries/${name}`, import.meta.url)), { file: name }).record;

describe("the ..... cut", () => {
  it("body only: no cut, more is null", () => {
    expect(entry("cut-body-only.md")).toMatchObject({ body: "Just a body, no cut.\n", more: null });
  });

  it("more only: a cut on the first body line leaves the body empty", () => {
    expect(entry("cut-more-only.md")).toMatchObject({ body: "", more: "Everything is below the cut.\n" });
  });

  it("both: text above is the body, text below is more", () => {
    expect(entry("cut-both.md")).toMatchObject({ body: "Above the cut.", more: "Below the cut.\n" });
  });

  it("empty file: empty body, no more", () => {
    expect(entry("empty.md")).toMatchObject({ headerStyle: "none", headers: [], body: "", more: null, bodyLine: 1 });
  });

  it("allows trailing whitespace on the cut line", () => {
    expect(entry("cut-trailing-space.md")).toMatchObject({ body: "Above.", more: "Below.\n" });
  });

  it("splits at the first cut only", () => {
    expect(entry("cut-twice.md")).toMatchObject({ body: "One.", more: "Two.\n.....\nThree.\n" });
  });

  it("works in files without headers and in front matter files", () => {
    expect(parseEntry(Buffer.from(".....\nAll more"), { file: "a.md" }).record).toMatchObject({
      headerStyle: "none",
      body: "",
      more: "All more",
    });
    expect(parseEntry(Buffer.from("---\ntitle: t\n---\nIntro\n.....\n"), { file: "a.md" }).record).toMatchObject({
      body: "Intro",
      more: "",
    });
  });

  it("needs exactly five dots alone on a line", () => {
    for (const text of ["A\n....\nB", "A\n......\nB", "A\n .....\nB", "A ..... B", "A\n.....x\nB"]) {
      expect(splitAtCut(text)).toEqual({ body: text, more: null });
    }
  });
});
