// Large and adversarial inputs inside the size limit: every path through the parser stays roughly linear.
// Linear is checked by scaling, not by a clock allowance: one input costs about what eight of an eighth its
// size cost together, where a quadratic path would cost eight times as much. Both are CPU time measured in
// the same run, so the test holds however busy the machine is.
import { describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import { parseEntry } from "../../src/content/parse-entry.js";

const MB = 1024 * 1024;
/** Each case builds its input at a scale: `n` is 2 MB (or the case's count) at full size. */
const cases: [string, (n: number) => string, number][] = [
  ["a 2 MB header line without a colon", (n) => "Title: x\n" + "a".repeat(n), 2 * MB],
  ["a 2 MB first line without a colon", (n) => "a".repeat(n) + "\n", 2 * MB],
  ["a header value of 2 MB of spaces", (n) => "Title:" + " ".repeat(n) + "x\n\n", 2 * MB],
  ["300,000 header lines", (n) => "X-A: b\n".repeat(n), 300_000],
  ["500,000 continuation lines", (n) => "X-A: b\n" + " c\n".repeat(n), 500_000],
  ["a YAML explicit key padded with 2 MB of spaces", (n) => "---\n? a" + " ".repeat(n) + "\n: v\n---\n", 2 * MB],
  ["a 2 MB line of dots", (n) => "T: x\n\n" + ".".repeat(n), 2 * MB],
  ["400,000 lines of four dots", (n) => "T: x\n\n" + "....\n".repeat(n), 400_000],
  ["a 2 MB YAML value", (n) => "---\na: " + "x".repeat(n) + "\n---\n", 2 * MB],
  ["YAML nested 10,000 deep", (n) => "---\na: " + "[".repeat(n) + "\n---\n", 10_000],
  ["a 2 MB Date", (n) => "Date: 2025-04-01 " + "1".repeat(n) + "\n\n", 2 * MB],
  ["a 2 MB Status", (n) => "Status: " + "x".repeat(n) + "\n\n", 2 * MB],
  ["a 2 MB UUID", (n) => "UUID: " + "a".repeat(n) + "\n\n", 2 * MB],
];

/** Parses `bytes`, keeping what the parser returns so that the caller decides when it becomes garbage. */
function parse(bytes: Buffer): unknown {
  try {
    return parseEntry(bytes, { file: "a.md", timeZone: "America/Los_Angeles" });
  } catch (err) {
    expect(err).toBeInstanceOf(QuireError);
    return err;
  }
}

/** The least CPU time (µs) of three rounds, each parsing every input in turn and holding all the results,
 *  so that eight small inputs leave the garbage collector as much to do as one eight times as large. */
function cpuCost(inputs: Buffer[]): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    const kept = inputs.map(parse);
    const used = process.cpuUsage(start);
    expect(kept).toHaveLength(inputs.length);
    best = Math.min(best, used.user + used.system);
  }
  return best;
}

describe("hostile input within the size limit", () => {
  it.each(cases)("%s is parsed in time linear in its size", (_name, build, full) => {
    const large = Buffer.from(build(full));
    const small = Buffer.from(build(full / 8));
    parse(large); // warm the code paths before measuring either
    const ratio = cpuCost([large]) / cpuCost(Array.from({ length: 8 }, () => small));
    // Linear work costs about the same either way; quadratic work costs eight times as much in one piece.
    expect(ratio, `one input cost ${ratio.toFixed(1)}× as much as eight of an eighth its size`).toBeLessThan(3);
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
