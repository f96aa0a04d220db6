// Any bytes at all: parseEntry returns a record or throws a QuireError, never anything else, never hangs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import { parseEntry } from "../../src/content/parse-entry.js";
import { parseCategoryFile } from "../../src/content/category-file.js";

// Fragments that steer random text into the interesting paths: both header styles, folds, cuts, YAML.
const fragments = [
  "---\n", "---js\n", "---yaml\n", "----\n", "Title: ", "Date: ", "Status: ", "Entry-ID: ", "UUID: ", "Tag: ",
  "Category: ", "\n", "\n\n", " ", "\t", ":", ".....\n", "&a ", "*a", "[", "]", "{", "}", "- ", "'", '"', "#",
  "2025-04-01 10:00", "-07:00", "DRAFT", "\r\n", "\ufeff", "é", "\u0000", "!!js/function ", "<p>", "|\n  x\n",
];
const text = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.array(fc.constantFrom(...fragments), { maxLength: 40 }).map((parts) => parts.join("")),
  fc
    .tuple(fc.array(fc.constantFrom(...fragments), { maxLength: 20 }), fc.string({ maxLength: 40 }))
    .map(([parts, tail]) => parts.join("") + tail),
);
const bytes = fc.oneof(
  text.map((t) => Buffer.from(t, "utf8")),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
);
const file = fc.constantFrom("a.md", "blog/b.md", "notes/c.html", "x/y/z.htm");
const timeZone = fc.constantFrom("UTC", "America/Los_Angeles", "Asia/Kolkata");

function outcome(run: () => unknown): "ok" | "quire-error" {
  try {
    run();
    return "ok";
  } catch (err) {
    if (err instanceof QuireError) return "quire-error";
    throw err;
  }
}

describe("parseEntry on arbitrary input", () => {
  it("returns a record or throws a QuireError", () => {
    fc.assert(
      fc.property(bytes, file, timeZone, (input, name, zone) => {
        const started = process.cpuUsage();
        const result = outcome(() => {
          const { record, problems } = parseEntry(input, { file: name, timeZone: zone });
          expect(record.file).toBe(name);
          expect(typeof record.title).toBe("string");
          for (const p of problems) expect(p).toBeInstanceOf(QuireError);
        });
        expect(["ok", "quire-error"]).toContain(result);
        // A hang guard in CPU time (what the parse cost, however busy the machine): inputs are under 1 KB and
        // parse in well under a millisecond; catastrophic backtracking would take seconds.
        const used = process.cpuUsage(started);
        expect(used.user + used.system).toBeLessThan(500_000);
      }),
      { numRuns: 3000 },
    );
  });

  it("parseCategoryFile behaves the same way", () => {
    fc.assert(
      fc.property(bytes, (input) => {
        expect(["ok", "quire-error"]).toContain(outcome(() => parseCategoryFile(input, { file: "c/c.cat" })));
      }),
      { numRuns: 1000 },
    );
  });

  it("body, the cut line and more always add back up to the text after the headers", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "\n", ".....", "....", " ", "x"), { maxLength: 30 }), (parts) => {
        const body = parts.join("");
        const { record } = parseEntry(Buffer.from(`Title: t\n\n${body}`), { file: "a.md" });
        if (record.more === null) {
          expect(record.body).toBe(body);
          expect(body).not.toMatch(/^\.{5} *$/m);
        } else {
          expect(body.startsWith(record.body)).toBe(true);
          expect(body.endsWith(record.more)).toBe(true);
          expect(body.slice(record.body.length, body.length - record.more.length)).toMatch(/^\n?\.{5} *\n?$/);
        }
      }),
    );
  });
});
