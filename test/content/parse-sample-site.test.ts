// The sample site in content/ parses without a single problem and shows every feature it promises to.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCategoryFile } from "../../src/content/category-file.js";
import type { EntryRecord } from "../../src/content/entry-record.js";
import { parseEntry } from "../../src/content/parse-entry.js";

const root = fileURLToPath(new URL("../../content/", import.meta.url));
const files = readdirSync(root, { recursive: true, encoding: "utf8" })
  .map((f) => f.split("\\").join("/"))
  .sort();
const read = (file: string): Buffer => readFileSync(root + file);

const entryFiles = files.filter((f) => /\.(md|html?)$/.test(f));
const categoryFiles = files.filter((f) => /\.(cat|meta)$/.test(f));
const parsed = entryFiles.map((file) => parseEntry(read(file), { file, timeZone: "America/Los_Angeles" }));
const entries: EntryRecord[] = parsed.map((p) => p.record);

describe("the sample site", () => {
  it("parses every entry and category file with zero problems", () => {
    const problems = [
      ...parsed.flatMap((p) => p.problems),
      ...categoryFiles.flatMap((file) => parseCategoryFile(read(file), { file }).problems),
    ];
    expect(problems.map((p) => p.describe())).toEqual([]);
  });

  it("has what it promises: entries, categories, statuses, both styles, a cut, images", () => {
    const categories = new Set(entries.map((e) => e.category));
    expect(entries.length).toBeGreaterThanOrEqual(12);
    expect([...categories].sort()).toEqual(["", "blog", "blog/travel", "notes", "photos"]);
    expect(entries.some((e) => e.status === "DRAFT")).toBe(true);
    expect(entries.some((e) => e.status === "SCHEDULED" && (e.date ?? 0) >= Date.parse("2030-01-01"))).toBe(true);
    expect(entries.some((e) => e.pathAliases.length > 0)).toBe(true);
    expect(entries.some((e) => e.redirectTo !== null)).toBe(true);
    expect(entries.some((e) => e.more !== null)).toBe(true);
    expect(entries.some((e) => e.format === "html")).toBe(true);
    expect(new Set(entries.map((e) => e.headerStyle))).toEqual(new Set(["publ", "yaml"]));
    expect(categoryFiles.length).toBeGreaterThanOrEqual(1);
    expect(files.filter((f) => /\.(jpe?g|png)$/.test(f))).toEqual(["photos/mountain-dusk.jpg", "photos/tiles.png"]);
    expect(entries.some((e) => /!\[[^\]]*\]\([^)]*\|/.test(e.body))).toBe(true);
  });

  it("gives explicit IDs and UUIDs that are unique, and leaves a few to be derived", () => {
    const ids = entries.map((e) => e.entryId).filter((id) => id !== null);
    const uuids = entries.map((e) => e.uuid).filter((u) => u !== null);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(entries.filter((e) => e.entryId === null).map((e) => e.file)).toEqual([
      "blog/travel/notes-from-a-train.md",
      "notes/the-cut-in-one-minute.md",
    ]);
    for (const e of entries) expect(e.date, e.file).not.toBeNull();
  });
});
