/** A word in most entries: title and tag matches first, then the rest newest first, counted and paged exactly. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { openIndex, refreshIndex, type Db } from "../../src/db/index.js";
import { syncSearch } from "../../src/search/search-index.js";
import { Searcher, TIERED_FROM } from "../../src/search/searcher.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";

const NOW = Date.parse("2025-01-01T00:00:00Z");
/** More entries holding the word than the point where only title and tag matches are scored. */
const ENTRIES = TIERED_FROM + 60;
const inTitle = (i: number) => i % 97 === 0;
const inTags = (i: number) => i % 89 === 0 && !inTitle(i);

describe("search for a word in most entries", () => {
  let root: string;
  let db: Db;
  let searcher: Searcher;

  beforeAll(() => {
    const files: Record<string, string> = {
      "content/blog/draft.md": "Title: Lantern draft\nStatus: DRAFT\nDate: 2024-06-01\n\nA lantern.\n",
      "content/blog/private.md": "Title: Lantern kept\nAuth: friends\nDate: 2024-06-01\n\nA lantern.\n",
    };
    for (let i = 1; i <= ENTRIES; i++) {
      const date = new Date(Date.UTC(2020, 0, 1) + i * 3_600_000)
        .toISOString()
        .replace("T", " ")
        .slice(0, 19);
      const title = inTitle(i) ? `Lantern ${i}` : `Evening ${i}`;
      const tags = inTags(i) ? "Tag: lanterns\nTag: light" : "Tag: light";
      files[`content/blog/e${i}.md`] =
        `Title: ${title}\nEntry-ID: ${i}\nDate: ${date}+00:00\n${tags}\n\nWe lit the lantern at dusk, evening ${i}.\n`;
    }
    files["content/blog/other.md"] = "Title: Other\nEntry-ID: 99999\nDate: 2019-01-01\n\nNothing lit.\n";
    root = makeSite(files);
    db = openIndex({ path: ":memory:" }).db;
    refreshIndex({ db, contentDir: join(root, "content"), timeZone: "UTC" });
    syncSearch(db, join(root, "content"), "UTC");
    searcher = new Searcher(db, { contentDir: join(root, "content"), timeZone: "UTC" });
  });
  afterAll(() => {
    db?.close();
    removeSite(root);
  });

  const entryNumber = (file: string) => Number(/e(\d+)\.md$/.exec(file)?.[1]);

  it("counts every match a reader may read, and pages through each exactly once", () => {
    const first = searcher.search("lantern", { now: NOW, count: 100 });
    expect(first.total).toBe(ENTRIES);
    expect(first.hasUnauthorized).toBe(true);
    const seen: string[] = [];
    for (let page = 1; page <= first.pages; page++)
      seen.push(...searcher.search("lantern", { now: NOW, count: 100, page }).hits.map((h) => h.file));
    expect(seen).toHaveLength(ENTRIES);
    expect(new Set(seen).size).toBe(ENTRIES);
    expect(seen.some((f) => /draft|private|other/.test(f))).toBe(false);
  });

  it("puts the entries with the word in their title or tags first, then the others newest first", () => {
    const heads = Array.from({ length: ENTRIES }, (_, k) => k + 1).filter((i) => inTitle(i) || inTags(i));
    // A page size that does not divide the heads, so one page holds both kinds.
    const order: number[] = [];
    for (let page = 1; order.length < heads.length + 30; page++)
      order.push(
        ...searcher.search("lanterns", { now: NOW, count: 7, page }).hits.map((h) => entryNumber(h.file)),
      );
    expect(new Set(order.slice(0, heads.length))).toEqual(new Set(heads));
    // Among them, a title match ranks above a tag match (the title weighs more).
    expect(inTitle(order[0]!)).toBe(true);
    const rest = order.slice(heads.length, heads.length + 30);
    expect(rest).toEqual([...rest].sort((a, b) => b - a));
    expect(rest[0]).toBe(
      Math.max(...Array.from({ length: ENTRIES }, (_, k) => k + 1).filter((i) => !heads.includes(i))),
    );
  });

  it("marks the word in the snippets of either kind", () => {
    const hits = searcher.search("lantern", { now: NOW, count: 100, page: 1 }).hits;
    expect(hits.every((h) => h.snippet.includes("<mark>lantern</mark>"))).toBe(true);
  });
});
