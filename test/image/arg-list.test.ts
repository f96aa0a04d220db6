/** The `{…}` argument parser: Publ's literal syntax, and nothing but values or QuireErrors for any input. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import { parseArgList } from "../../src/image/arg-list.js";
import { normalizeImageArgs, parseImageArgs } from "../../src/image/image-args.js";

describe("parseArgList", () => {
  it.each([
    ["", [], {}],
    ["320", [320], {}],
    ["320, 240", [320, 240], {}],
    [" 320 ,240 , ", [320, 240], {}],
    ["width=640", [], { width: 640 }],
    ["320, resize='fill'", [320], { resize: "fill" }],
    ['caption="He said \\"hi\\""', [], { caption: 'He said "hi"' }],
    ["caption='it\\'s \\u00e9t\\xe9\\n'", [], { caption: "it's été\n" }],
    ["crop=(1,2,3,4)", [], { crop: [1, 2, 3, 4] }],
    ["crop=[1, 2, 3, 4]", [], { crop: [1, 2, 3, 4] }],
    ["x=(5,)", [], { x: [5] }],
    ["x=(5)", [], { x: 5 }],
    ["x=()", [], { x: [] }],
    ["a=True, b=False, c=None, d=true, e=false", [], { a: true, b: false, c: null, d: true, e: false }],
    ["q=-1.5e2, r=.5, s=+3", [], { q: -150, r: 0.5, s: 3 }],
    [
      "nested=((1,2),(3,4))",
      [],
      {
        nested: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
    ["path='a{b}c|d'", [], { path: "a{b}c|d" }],
    ["unknown_escape='a\\qb'", [], { unknown_escape: "a\\qb" }],
  ])("%j", (text, positional, keywords) => {
    const parsed = parseArgList(text);
    expect(parsed.positional).toEqual(positional);
    expect({ ...parsed.keywords }).toEqual(keywords);
  });

  it.each([
    ["width=640, 320", /positional value follows a keyword/],
    ["width=1, width=2", /given twice/],
    ["resize=fill", /bare word fill/],
    ["caption='open", /unterminated string/],
    ["crop=(1,2", /missing \)|expected/],
    ["320 240", /expected ","/],
    ["width=", /value is missing/],
    ["=3", /unexpected/],
    ["x=((((((1))))))", /nested deeper/],
    ["x=1e999", /out of range/],
    ["a".repeat(5000), /longer than/],
  ])("refuses %j with E_IMAGE_SPEC", (text, message) => {
    let error: unknown;
    try {
      parseArgList(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(QuireError);
    expect((error as QuireError).code).toBe("E_IMAGE_SPEC");
    expect((error as QuireError).message).toMatch(message);
  });

  it("never throws anything but a QuireError, whatever the text", () => {
    const alphabet = fc.constantFrom(..."0123456789abcwidthTrueNone=,.()[]{}'\"\\ -+eux_|\n\t".split(""));
    const arbitraryText = fc.oneof(
      fc.string(),
      fc.string({ unit: alphabet, maxLength: 60 }),
      fc.string({ unit: "grapheme", maxLength: 30 }),
    );
    fc.assert(
      fc.property(arbitraryText, (text) => {
        for (const parse of [
          parseArgList,
          parseImageArgs,
          (t: string) => normalizeImageArgs(parseImageArgs(t)),
        ]) {
          try {
            parse(text);
          } catch (err) {
            if (!(err instanceof QuireError)) throw err;
            expect(["E_IMAGE_SPEC", "E_IMAGE_FORMAT"]).toContain(err.code);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps prototype names as plain keys", () => {
    expect(Object.keys(parseArgList("__proto__=1, constructor=2").keywords)).toEqual([
      "__proto__",
      "constructor",
    ]);
  });
});
