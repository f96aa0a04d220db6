// Large and adversarial inputs inside the size limit: every path through the parser stays roughly linear.
import { describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import { parseEntry } from "../../src/content/parse-entry.js";

const MB = 1024 * 1024;
const cases: [string, string][] = [
  ["a 2 MB header line without a colon", "Title: x\n" + "a".repeat(2 * MB)],
  ["a 2 MB first line without a colon", "a".repeat(2 * MB) + "\n"],
  ["a header value of 2 MB of spaces", "Title:" + " ".repeat(2 * MB) + "x\n\n"],
  ["300,000 header lines", "X-A: b\n".repeat(300_000)],
  ["500,000 continuation lines", "X-A: b\n" + " c\n".repeat(500_000)],
  ["a YAML explicit key padded with 2 MB of spaces", "---\n? a" + " ".repeat(2 * MB) + "\n: v\n---\n"],
  ["a 2 MB line of dots", "T: x\n\n" + ".".repeat(2 * MB)],
  ["400,000 lines of four dots", "T: x\n\n" + "....\n".repeat(400_000)],
  ["a 2 MB YAML value", "---\na: " + "x".repeat(2 * MB) + "\n---\n"],
  ["YAML nested 10,000 deep", "---\na: " + "[".repeat(10_000) + "\n---\n"],
  ["a 2 MB Date", "Date: 2025-04-01 " + "1".repeat(2 * MB) + "\n\n"],
  ["a 2 MB Status", "Status: " + "x".repeat(2 * MB) + "\n\n"],
  ["a 2 MB UUID", "UUID: " + "a".repeat(2 * MB) + "\n\n"],
];

describe("hostile input within the size limit", () => {
  it.each(cases)("%s is handled in well under a second", (_name, text) => {
    const started = performance.now();
    try {
      parseEntry(Buffer.from(text), { file: "a.md", timeZone: "America/Los_Angeles" });
    } catch (err) {
      expect(err).toBeInstanceOf(QuireError);
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("messages about huge values", () => {
  it("quote an excerpt, not the whole value", () => {
    const { problems } = parseEntry(Buffer.from(`Status: ${"x".repeat(MB)}\nDate: ${"y".repeat(MB)}\n\n`), {
      file: "a.md",
    });
    expect(problems.map((p) => p.code)).toEqual(["E_ENTRY_DATE", "E_ENTRY_STATUS"]);
    for (const p of problems) expect(p.message.length).toBeLessThan(300);
    expect(problems[1]?.message).toMatch(/^Status "x{57}\.\.\." is not a status/);
  });
});
