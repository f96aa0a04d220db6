import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseEntry, parseEntryBody } from "../../src/content/parse-entry.js";

const ROOT = join(import.meta.dirname, "..", "..");

function entryFiles(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, d.name);
    if (d.isDirectory()) out.push(...entryFiles(path));
    else if (/\.(md|markdown|html?)$/i.test(d.name)) out.push(path);
  }
  return out;
}

describe("the body rendering reads", () => {
  it("is the body and more that full parsing gives, for every entry of the sample site and the fixtures", () => {
    const files = [...entryFiles(join(ROOT, "content")), ...entryFiles(join(ROOT, "test", "fixtures"))];
    let compared = 0;
    for (const path of files) {
      const bytes = readFileSync(path);
      const file = relative(ROOT, path).split("\\").join("/");
      let full;
      try {
        full = parseEntry(bytes, { file }).record;
      } catch {
        continue; // not an entry the index would hold, so never rendered
      }
      const { format, body, more } = full;
      expect(parseEntryBody(bytes, file), file).toEqual({ format, body, more });
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
  });

  it("finds the body below YAML front matter and splits it at the cut", () => {
    const text = "---\ntitle: &a x\nlist: [*a, *a]\n---\nBody *here*.\n\n.....\n\nMore.\n";
    expect(parseEntryBody(Buffer.from(text), "blog/x.md")).toEqual({
      format: "markdown",
      body: "Body *here*.\n",
      more: "\nMore.\n",
    });
  });
});
