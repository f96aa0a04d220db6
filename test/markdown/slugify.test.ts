// Slugs for entry URLs and heading ids.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { slugify } from "../../src/markdown/index.js";

describe("slugify", () => {
  it.each([
    ["Café déjà vu!", "café-déjà-vu"],
    ["Hello, World", "hello-world"],
    ["  --Spaces   and---dashes--  ", "spaces-and-dashes"],
    ["Don't stop: it’s C++ & Rust (2024)", "dont-stop-its-c-rust-2024"],
    ["snake_case/and.dots", "snake-case-and-dots"],
    ["Привет, мир", "привет-мир"],
    ["東京の夏", "東京の夏"],
    ["Emoji 🎉 party", "emoji-party"],
    ["!!!", ""],
    ["", ""],
  ])("%j → %j", (input, slug) => {
    expect(slugify(input)).toBe(slug);
  });

  it("gives the same slug for composed and decomposed accents", () => {
    expect(slugify("Cafe\u0301")).toBe(slugify("Caf\u00e9"));
  });

  it("cuts a long title at a word boundary within 80 characters", () => {
    const title =
      "The quick brown fox jumps over the lazy dog while the cat watches from the windowsill nearby";
    const slug = slugify(title);
    expect(slug).toBe("the-quick-brown-fox-jumps-over-the-lazy-dog-while-the-cat-watches-from-the");
    expect(slug.length).toBeLessThanOrEqual(80);
  });

  it("cuts a single overlong word at the limit", () => {
    expect(slugify("a".repeat(100))).toBe("a".repeat(80));
  });

  it("gives ASCII text, which takes a shorter road, the slug the Unicode rules give", () => {
    // A trailing no-break space is a separator (dropped at the end) that sends text down the Unicode road.
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", maxLength: 120 }), (text) => {
        expect(slugify(text)).toBe(slugify(`${text}\u00a0`));
      }),
      { numRuns: 2000 },
    );
  });
});
