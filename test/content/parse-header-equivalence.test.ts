// The index reads entries with parseEntryHeader, which decodes only the header block and looks for the cut
// in the bytes. Whatever the input, it must say exactly what parseEntry says, apart from the body's text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseEntry, parseEntryHeader } from "../../src/content/parse-entry.js";

// Fragments that reach every branch of the shortcut: blank lines, cuts at line starts and mid-line, every
// line break JavaScript knows, CR, BOM, NUL, front matter in every shape, continuation lines and bad header
// lines.
const fragments = [
  "Title: ", "Date: 2025-04-01 10:00", "Entry-ID: 42", "Tag: a", "Tag: A", "Status: DRAFT", "Summary: x",
  "Category: c/d", "Path-Alias: /x", "UUID: 0f8fad5b-d9cb-469f-a165-70867728950e", "Date: nonsense",
  "\n", "\n\n", "\r\n", "\r", "\u2028", "\u2029", " ", "\t", ":", "x", ".....", "....", "......", ". ....",
  "\ufeff", "\u0000", "---\n", "----\n", "é", "\u00a0", "not a header", "# heading", "  folded",
  // Front matter: openers, closers (exact and not), YAML values and errors.
  "---", "----", "--", "---yaml\n", "---js\n", "--- \n", "---x", "title: Hi\n", "tags: [a, b]\n", "id: 42\n",
  "date: 2025-04-01\n", "key: [unclosed\n", "a: &x 1\nb: *x\n", "- item\n",
];
const text = fc.array(fc.constantFrom(...fragments), { maxLength: 30 }).map((parts) => parts.join(""));
const bytes = fc.oneof(
  text.map((t) => Buffer.from(t, "utf8")),
  fc.tuple(text, fc.uint8Array({ maxLength: 4 })).map(([t, raw]) => Buffer.concat([Buffer.from(t), raw])),
);
const file = fc.constantFrom("a.md", "blog/b.md", "notes/c.html");

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

function outcome(run: () => unknown): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (err) {
    return { ok: false, error: String(err) };
  }
}

describe("parseEntryHeader", () => {
  it("agrees with parseEntry on every field, problem and error", () => {
    fc.assert(
      fc.property(bytes, file, (input, name) => {
        const options = { file: name, category: "c", timeZone: "UTC" };
        const full = outcome(() => {
          const { record, problems } = parseEntry(input, options);
          const { body: _body, more, ...rest } = record;
          return { record: { ...rest, hasMore: more !== null }, problems: problems.map(String) };
        });
        const header = outcome(() => {
          const { record, problems } = parseEntryHeader(input, options);
          return { record, problems: problems.map(String) };
        });
        expect(header).toEqual(full);
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees on front matter look-alikes and fences that are not front matter", () => {
    const inputs = [
      "----: a\n---: b\nc: d\n\nbody\n.....\nmore\n",
      "--x: a\n---\nTitle: b\n\nbody\n",
      "---\ntitle: a\n---\n\n.....\n",
      "---\ntitle: a\n--- \nbody\n",
      "---\ntitle: a\n----\nbody\n",
      "\ufeff---\ntags: [a, b]\n---",
    ];
    for (const input of inputs) {
      const bytes = Buffer.from(input);
      const options = { file: "a.md", timeZone: "UTC" };
      const full = (() => {
        try {
          const { body: _body, more, ...rest } = parseEntry(bytes, options).record;
          return { ...rest, hasMore: more !== null };
        } catch (err) {
          return String(err);
        }
      })();
      const header = (() => {
        try {
          return parseEntryHeader(bytes, options).record;
        } catch (err) {
          return String(err);
        }
      })();
      expect(header, JSON.stringify(input)).toEqual(full);
    }
  });

  it("finds a cut after the header block, not in it", () => {
    const parse = (t: string) => parseEntryHeader(Buffer.from(t), { file: "a.md" }).record.hasMore;
    expect(parse("Title: a\n\nbody\n.....\nmore\n")).toBe(true);
    expect(parse("Title: a\n\nbody\n.....")).toBe(true);
    expect(parse("Title: a\n\nbody\n..... \t\r\nmore")).toBe(true);
    expect(parse("Title: a\n\n.....\n")).toBe(true);
    expect(parse("Title: .....\n\nbody\n")).toBe(false);
    expect(parse("Title: a\n\nbody .....\n")).toBe(false);
    expect(parse("Title: a\n\nbody\n......\n")).toBe(false);
  });
});
