// Files that cannot be entries: each fails with a QuireError naming the file, and nothing in them runs.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import { MAX_ENTRY_BYTES, parseEntry } from "../../src/content/parse-entry.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/entries/${name}`, import.meta.url));

function failure(bytes: Uint8Array, file = "blog/bad.md"): QuireError {
  try {
    parseEntry(bytes, { file });
  } catch (err) {
    expect(err).toBeInstanceOf(QuireError);
    return err as QuireError;
  }
  throw new Error("expected parseEntry to throw");
}

describe("bad input", () => {
  it("invalid UTF-8 names the byte and its line", () => {
    const err = failure(fixture("invalid-utf8.md"));
    expect(err.code).toBe("E_ENTRY_ENCODING");
    expect(err.describe()).toBe(
      "content/blog/bad.md:2: File is not valid UTF-8 (byte 0xC3 at offset 19); save it as UTF-8 (E_ENTRY_ENCODING)",
    );
  });

  it("UTF-8 that is overlong or encodes a surrogate is invalid too", () => {
    expect(failure(Buffer.from([0x41, 0xc0, 0xaf])).message).toMatch(/byte 0xC0 at offset 1/);
    expect(failure(Buffer.from([0x41, 0xed, 0xa0, 0x80])).message).toMatch(/byte 0xED at offset 1/);
  });

  it("UTF-16 text gets a message that says so", () => {
    const err = failure(Buffer.from("\ufeffTitle: x\n", "utf16le"));
    expect(err).toMatchObject({ code: "E_ENTRY_ENCODING", message: expect.stringMatching(/UTF-16/) });
  });

  it("a binary file named .md", () => {
    const err = failure(fixture("binary.md"), "photos/holiday.md");
    expect(err.code).toBe("E_ENTRY_BINARY");
    expect(err.file).toBe("content/photos/holiday.md");
    expect(err.message).toMatch(/looks binary/);
  });

  it("unterminated front matter", () => {
    const err = failure(fixture("unterminated.md"));
    expect(err).toMatchObject({ code: "E_ENTRY_FRONT_MATTER", line: 1 });
    expect(err.message).toMatch(/never closed/);
  });

  it("front matter closed by something other than exactly ---", () => {
    const err = failure(Buffer.from("---\ntitle: t\n---js\nbody\n"));
    expect(err).toMatchObject({ code: "E_ENTRY_FRONT_MATTER", line: 3 });
  });

  it("---js front matter is refused and never evaluated", () => {
    const global = globalThis as { __quireFrontMatterRan?: string };
    delete global.__quireFrontMatterRan;
    const err = failure(fixture("js-front-matter.md"));
    expect(err).toMatchObject({ code: "E_ENTRY_FRONT_MATTER_ENGINE", line: 1 });
    expect(err.message).toMatch(/"js" is not allowed .*never runs code/);
    expect(global.__quireFrontMatterRan).toBeUndefined();
  });

  it.each(["javascript", "coffee", "json", "toml", "JS"])("---%s front matter is refused", (language) => {
    const err = failure(Buffer.from(`---${language}\n{"title": "x"}\n---\nBody\n`));
    expect(err.code).toBe("E_ENTRY_FRONT_MATTER_ENGINE");
  });

  it("YAML tags that would build code or objects are refused", () => {
    const err = failure(Buffer.from("---\ntitle: !!js/function 'function () { return 1 }'\n---\n"));
    expect(err).toMatchObject({ code: "E_ENTRY_YAML", line: 2 });
  });

  it("a YAML alias bomb is refused by its alias count, with bounded memory", () => {
    const before = process.memoryUsage().heapUsed;
    const err = failure(fixture("alias-bomb.md"));
    expect(err.code).toBe("E_ENTRY_YAML");
    // Refused by counting its aliases, before expanding them.
    expect(err.message).toMatch(/more than 16 YAML aliases/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it("aliases under the cap still cannot expand without bound", () => {
    // 4 levels × 4 aliases: within the alias cap, but each level multiplies the nodes reachable.
    const yaml = [
      "a: &a [" + Array(50).fill('"lol"').join(",") + "]",
      "b: &b [*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b]",
      "d: &d [*c,*c,*c,*c]",
      "e: [*d,*d,*d,*d]",
    ].join("\n");
    const err = failure(Buffer.from(`---\n${yaml}\n---\n`));
    expect(err).toMatchObject({ code: "E_ENTRY_YAML", line: 6 });
    expect(err.message).toMatch(/too large once expanded/);
  });

  it("a YAML syntax error gives the line", () => {
    const err = failure(fixture("yaml-syntax-error.md"));
    expect(err.code).toBe("E_ENTRY_YAML");
    expect(err.line).toBeGreaterThanOrEqual(3);
    expect(err.message).toMatch(/^Front matter is not valid YAML: /);
  });

  it("front matter that is not a mapping", () => {
    expect(failure(Buffer.from("---\n- a\n- b\n---\n")).code).toBe("E_ENTRY_YAML");
    expect(failure(Buffer.from("---\njust text\n---\n")).code).toBe("E_ENTRY_YAML");
  });

  it("an oversized file is refused before it is decoded", () => {
    const err = failure(Buffer.alloc(MAX_ENTRY_BYTES + 1, 0x61));
    expect(err.code).toBe("E_ENTRY_TOO_LARGE");
    expect(err.message).toBe("File is 8.0 MB, more than the 8 MB an entry may be");
    expect(() => parseEntry(Buffer.alloc(MAX_ENTRY_BYTES, 0x61), { file: "big.md" })).not.toThrow();
  });

  it("an 80 MB file is refused by its size, without being decoded", () => {
    // Its bytes would be refused as UTF-16, binary or not UTF-8 by any step that looked at them: only its size
    // may refuse it, before any of them.
    const huge = Buffer.alloc(80 * 1024 * 1024, 0xff);
    huge[1] = 0xfe;
    huge[2] = 0;
    expect(failure(huge).code).toBe("E_ENTRY_TOO_LARGE");
    // The same bytes under the limit are refused for what they hold.
    expect(failure(huge.subarray(0, 1024)).code).toBe("E_ENTRY_ENCODING");
  });
});
