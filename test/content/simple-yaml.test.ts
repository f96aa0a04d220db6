// Plain front matter is read without js-yaml. Whatever the block, what that reader accepts must be exactly
// what gray-matter and js-yaml (core schema, as Quire calls them) make of it; everything else it must hand over.
import fc from "fast-check";
import { inspect, isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { readSimpleYaml } from "../../src/content/simple-yaml.js";
import { frontMatterBody, loadData, parseFrontMatter } from "../../src/content/front-matter.js";

// Keys: plain, odd, duplicated (the pool is small), quoted, special to YAML or to JavaScript.
const keys = [
  "title", "date", "id", "tags", "Title", "a", "b-c", "d_e", "x1", "true", "null", "on", "constructor",
  "toString", "__proto__", "<<", "\"q\"", "'q'", "1", "my key", "é", "-x", "?x", "k ", "hasOwnProperty",
];
// Values: every form the reader takes, its near misses, and what only js-yaml knows.
const values = [
  "", " ", "hello", "Hello world", "a, b", "a,b", "x: y", "x:y", "http://example.com/a?b=c", "trailing:",
  "C#", "a #comment", "a#b", "\"quoted\"", "\"with \\\"escape\\\"\"", "\"a\\nb\"", "\"it's\"", "'single'",
  "'it''s'", "\"\"", "''", "\"unclosed", "'unclosed", "\"a\" trailing", "\"a\" # c", "[a, b]", "[\"a\", 'b']",
  "[\"a, b\"]", "[a,]", "[]", "[ ]", "[a, [b]]", "[a: b]", "[1, 2]", "[true, ~]", "[x y, z]", "[a", "[x:y]", "[a'b]", "[a\"b]", "[a}b]", "[a{b]", "[a]b]", "[ab:]", "[a :b]", "[a #b]", "{a: b}",
  "{}", "|", ">", "|-", "&anchor x", "*alias", "!tag x", "!!str 5", "%x", "@x", "`x`", "-x", "- x", "? x",
  ":x", "~", "null", "Null", "NULL", "nUll", "true", "True", "TRUE", "tRue", "false", "FALSE", "yes", "No",
  "on", "OFF", "y", "0", "-0", "+0", "7", "42", "-5", "+5", "007", "08", "1.5", ".5", "5.", "1e3", "1E+3",
  "0x1F", "0o17", "0b101", "1_000", "1:30", "12345678901234567890", "123456789012345", "1234567890123456",
  ".inf", "-.inf", ".NaN", ".nan", "2020-01-01", "2020-01-01 10:00:00+02:00", "2020-01-01T10:00:00Z",
  "7ed46c91-3118-4542-b030-927f176b8152", "1st place", "3 apples", "5 - 3", "1.2.3", "é", "a\u00a0",
  "\u00a0a", "a\u2028b", "a\ufeffb", "a\u0001b", "a\u0085b", "a\ttab", "a\t", "\t", "a \t", "\ud800", "😀", "a\r",
];
const separators = [": ", ":", ":  ", " : ", ":\t", ": ", "::"];
const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...separators), fc.constantFrom(...values)).map((p) => p.join("")) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("", "   ", "# comment", " # indented comment", "  continued", "- item", "...", "--", "\t", "key"),
  },
  // Plain values made of ordinary characters, so that each accepted form also meets random text.
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("title", "summary"), fc.string({ unit: fc.constantFrom("a", "1", " ", ":", "-", ".", "#", ",", "[", "]", "'", "\"", "e", "x", "+"), maxLength: 8 })).map(([k, v]) => `${k}: ${v}`) },
);
const block = fc.array(line, { maxLength: 8 });

type Outcome = { ok: true; value: unknown } | { ok: false };

/** What the block's lines give through gray-matter and js-yaml, the way every block went before. */
function jsYaml(lines: string[]): Outcome {
  try {
    return { ok: true, value: loadData(["---", ...lines, "---"].join("\n"), "a.md") };
  } catch {
    return { ok: false };
  }
}

describe("readSimpleYaml", () => {
  it("gives exactly what js-yaml gives for every block it accepts, and hands over the rest", () => {
    let accepted = 0;
    let declined = 0;
    fc.assert(
      fc.property(block, (lines) => {
        const fast = readSimpleYaml(lines, 0, lines.length);
        if (fast === null) {
          declined++;
          return;
        }
        accepted++;
        // Node's strict deep equality: -0 is not 0, and a key named "constructor" is only a key.
        const reference = jsYaml(lines);
        if (!isDeepStrictEqual(reference, { ok: true, value: fast })) {
          expect.fail(`${JSON.stringify(lines)}: js-yaml ${inspect(reference)}, fast ${inspect(fast)}`);
        }
      }),
      { numRuns: 20_000 },
    );
    // Both ways are exercised, or the property says little.
    expect(accepted).toBeGreaterThan(2_000);
    expect(declined).toBeGreaterThan(2_000);
  });

  it("reads the front matter of a typical entry, numbers and lists included", () => {
    const lines = [
      'title: "Bread, and \'butter\'"',
      "date: 2020-10-30 18:19:10+09:00",
      "id: 7912",
      "uuid: 7ed46c91-3118-4542-b030-927f176b8152",
      'tags: ["Gardens", Kyoto]',
      "draft: false",
      "summary:",
    ];
    expect(readSimpleYaml(lines, 0, lines.length)).toStrictEqual({
      title: "Bread, and 'butter'",
      date: "2020-10-30 18:19:10+09:00",
      id: 7912,
      uuid: "7ed46c91-3118-4542-b030-927f176b8152",
      tags: ["Gardens", "Kyoto"],
      draft: false,
      summary: null,
    });
  });

  it("leaves nested values, block lists, anchors and repeated keys to js-yaml", () => {
    for (const lines of [
      ["tags:", "  - a"],
      ["tags:", "- a"],
      ["a: &x 1", "b: *x"],
      ["title: a", "title: b"],
      ["title: >", "  folded"],
      ['title: "a\\tb"'],
    ]) {
      expect(readSimpleYaml(lines, 0, lines.length)).toBeNull();
    }
  });
});

describe("parseFrontMatter", () => {
  it("reads plain front matter into the same headers, with lines, as js-yaml's reading gives", () => {
    const text = '---\ntitle: "Hi"\n\n# note\ntags: [a, B]\nid: 42\n---\nBody\n';
    // The same block with a YAML comment after a value, which only js-yaml reads.
    const viaYaml = '---\ntitle: "Hi" # c\n\n# note\ntags: [a, B]\nid: 42\n---\nBody\n';
    expect(parseFrontMatter(text, "a.md")).toStrictEqual(parseFrontMatter(viaYaml, "a.md"));
    expect(parseFrontMatter(text, "a.md").headers).toEqual([
      { name: "title", key: "title", value: "Hi", line: 2 },
      { name: "tags", key: "tag", value: "a", line: 5 },
      { name: "tags", key: "tag", value: "B", line: 5 },
      { name: "id", key: "entry-id", value: "42", line: 6 },
    ]);
  });
});

describe("the body below front matter", () => {
  // What the body always was: every line after the closing fence, joined again.
  const splitAndJoin = (text: string): string => {
    const lines = text.split("\n");
    const close = lines.findIndex((line, i) => i > 0 && line.startsWith("---"));
    return lines.slice(close + 1).join("\n");
  };
  const piece = fc.constantFrom("---", "--- ", "----", "---yaml", "title: x", "", " ", "body", "\n", "a\nb", "- x", "--");

  it("is the text after the closing line, however the file ends", () => {
    let read = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const text = ["---", ...pieces].join("\n");
        let body: string;
        try {
          body = frontMatterBody(text, "a.md");
        } catch {
          // Unclosed, or closed by something other than exactly ---: no body, for either reader.
          expect(() => parseFrontMatter(text, "a.md")).toThrow();
          return;
        }
        read++;
        expect(body).toBe(splitAndJoin(text));
        let parsed: { body: string; bodyLine: number };
        try {
          parsed = parseFrontMatter(text, "a.md");
        } catch {
          return; // YAML that does not read (a list at the top); the fences were fine
        }
        expect(parsed.body).toBe(body);
        expect(text.split("\n").slice(parsed.bodyLine - 1).join("\n")).toBe(body);
      }),
      { numRuns: 3000 },
    );
    expect(read).toBeGreaterThan(600);
  });
});
