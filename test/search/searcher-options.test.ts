/** Publ's keyword arguments of search(): category and recurse, count and page, future. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openIndex, refreshIndex, type Db } from "../../src/db/index.js";
import { syncSearch } from "../../src/search/search-index.js";
import { Searcher } from "../../src/search/searcher.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { join } from "node:path";

const NOW = Date.parse("2025-01-01T00:00:00Z");

describe("search() options", () => {
  let root: string;
  let db: Db;
  let searcher: Searcher;

  beforeAll(() => {
    const files: Record<string, string> = {
      "content/blog/future.md":
        "Title: Future heron\nEntry-ID: 900\nDate: 2026-01-01 10:00:00+00:00\n\nA heron from next year.\n",
    };
    for (let i = 1; i <= 12; i++) {
      const folder = i <= 4 ? "blog" : i <= 8 ? "blog/birds" : "travel";
      files[`content/${folder}/e${i}.md`] =
        `Title: Entry ${i}\nEntry-ID: ${i}\nDate: 2024-01-${String(i).padStart(2, "0")} 10:00:00+00:00\n\nA heron, number ${i}.\n`;
    }
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

  const files = (q: string, o: Parameters<Searcher["search"]>[1]) =>
    searcher.search(q, o).hits.map((h) => h.file);

  it("searches the whole site by default, a category alone, or with its subcategories", () => {
    expect(searcher.search("heron", { now: NOW, count: 100 }).total).toBe(12);
    expect(
      files("heron", { now: NOW, category: "blog", count: 100 }).every((f) => /^blog\/e\d+\.md$/.test(f)),
    ).toBe(true);
    expect(searcher.search("heron", { now: NOW, category: "blog" }).total).toBe(4);
    expect(searcher.search("heron", { now: NOW, category: "blog", recurse: true }).total).toBe(8);
    expect(searcher.search("heron", { now: NOW, category: "" }).total).toBe(0);
    expect(searcher.search("heron", { now: NOW, category: "", recurse: true }).total).toBe(12);
  });

  it("pages by count, each entry once over all pages", () => {
    const first = searcher.search("heron", { now: NOW, count: 5, page: 1 });
    expect(first.pages).toBe(3);
    const all = [1, 2, 3].flatMap((page) => files("heron", { now: NOW, count: 5, page }));
    expect(all).toHaveLength(12);
    expect(new Set(all).size).toBe(12);
    expect(searcher.search("heron", { now: NOW, count: 5, page: 4 }).hits).toEqual([]);
  });

  it("includes scheduled entries before their date only with future", () => {
    expect(files("future", { now: NOW })).toEqual([]);
    expect(files("future", { now: NOW, future: true })).toEqual(["blog/future.md"]);
  });

  it("finds every entry whose title matches, and puts the only full match first with its words marked", () => {
    const hits = files("entry", { now: NOW, count: 100 });
    expect(hits).toHaveLength(12);
    const ranked = searcher.search("number 3", { now: NOW });
    expect(ranked.hits[0]?.file).toBe("blog/e3.md");
    expect(ranked.hits[0]?.snippet).toContain("<mark>");
  });
});
