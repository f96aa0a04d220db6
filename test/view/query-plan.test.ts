import { describe, it, expect } from "vitest";
import { runView, neighbours, makeSpec, allPages, type ViewResult } from "../../src/view/index.js";
import type { ContentIndex } from "../../src/db/content-index.js";
import { buildIndex, at, type Row } from "./view-fixture.js";

const NOW = at("2030-01-01T00:00:00Z");
const rows: Row[] = Array.from({ length: 300 }, (_, i) => ({
  id: i + 1,
  date: at("2020-01-01T00:00:00Z") + i * 3_600_000 * 7,
  category: ["blog", "blog/travel", "photos", ""][i % 4],
  status: i % 9 === 0 ? "DRAFT" : i % 11 === 0 ? "GONE" : "PUBLISHED",
  tags: i % 3 === 0 ? ["a"] : ["b"],
}));

/** The query plans of every statement the views prepare while `use` runs, one list of plan lines each. */
function plansOf(use: (index: ContentIndex) => void): { sql: string; plan: string[] }[] {
  const { index } = buildIndex(rows);
  const db = index.db;
  const seen: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    seen.push(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  use(index);
  db.prepare = prepare;
  return seen.map((sql) => {
    const params = Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((m) => [m[1], 0]));
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map(
      (r) => r.detail,
    );
    return { sql, plan };
  });
}

/** The reads of every entry, tag and attachment link that in-memory listings are filtered from (see
 *  ContentIndex.catalogue). */
const isCatalogue = (sql: string): boolean =>
  / FROM entries ORDER BY local_date, id$| FROM entry_tags$|^SELECT a\.file AS parent/.test(sql);

/** The plans of the queries a view runs besides reading the catalogue. */
function queriesOf(use: (index: ContentIndex) => void): { sql: string; plan: string[] }[] {
  return plansOf(use).filter((p) => !isCatalogue(p.sql));
}

/** Touches every lazily computed part of a view result. */
function touch(view: ViewResult): void {
  void [view.previous, view.next, view.newer, view.older, view.deleted, view.range];
}

describe("view queries use the indexes", () => {
  it("walks entries_category_date for what a category's pages ask beyond its listing (tombstones, entries)", () => {
    const plans = queriesOf((index) => {
      const spec = makeSpec({ category: "blog", count: 10 });
      touch(runView(index, spec, NOW));
      touch(runView(index, { ...spec, id: 150 }, NOW));
      touch(runView(index, { ...spec, order: "oldest", id: 150 }, NOW));
    });
    expect(plans.length).toBeGreaterThan(0);
    for (const { sql, plan } of plans) {
      expect(
        plan.some((line) => line.startsWith("SEARCH e USING INDEX entries_category_date (category=?")),
        sql,
      ).toBe(true);
      expect(plan.join("\n"), sql).not.toMatch(/SCAN e|entries_status|TEMP B-TREE/);
    }
  });

  it("walks entries_category_date for date pages and for the jumps over empty periods", () => {
    const plans = queriesOf((index) => {
      touch(runView(index, makeSpec({ category: "blog", date: "2021-03" }), NOW));
      touch(runView(index, makeSpec({ category: "blog", paging: "month" }), NOW));
    });
    for (const { sql, plan } of plans) {
      expect(plan[0], sql).toMatch(/^SEARCH e USING INDEX entries_category_date \(category=\?/);
      expect(plan.join("\n"), sql).not.toMatch(/SCAN e|entries_status|TEMP B-TREE/);
    }
  });

  it("answers entry.next and entry.previous from one read of every entry, in date order from the index", () => {
    const plans = plansOf((index) => {
      const entry = index.entryById(150)!;
      neighbours(index, entry, { direction: "next", now: NOW });
      neighbours(index, entry, { direction: "previous", now: NOW });
      neighbours(index, index.entryById(151)!, { direction: "next", now: NOW });
      neighbours(index, index.entryById(152)!, { direction: "previous", now: NOW, category: "photos" });
    });
    // The entries and their tags are read once, in date order straight from the index; every listing after
    // that (each category's, in any direction) is filtered from them in memory.
    expect(plans.map((p) => p.plan).slice(0, 2)).toEqual([
      ["SCAN entries USING INDEX entries_date"],
      ["SCAN entry_tags USING COVERING INDEX entry_tags_key"],
    ]);
    // Then the attachment links, each half of the union a walk of entry_attach and a lookup by index.
    expect(plans).toHaveLength(3);
    expect(plans[2]!.plan.join("\n")).not.toMatch(/SCAN t\b/);
  });

  it("reads the whole site's pages in date order from entries_date, never through the status index", () => {
    const plans = queriesOf((index) => {
      const spec = makeSpec({ category: "", recurse: true, count: 10 });
      const first = runView(index, spec, NOW);
      touch(first);
      touch(runView(index, first.next!, NOW));
      allPages(index, spec, NOW);
    });
    for (const { sql, plan } of plans) {
      expect(plan.join("\n"), sql).toMatch(/USING INDEX entries_date/);
      expect(plan.join("\n"), sql).not.toMatch(/entries_status|TEMP B-TREE|SCAN e$/m);
    }
  });

  it("reads a category with its subcategories as one range of entries_category_date, not a walk of every entry", () => {
    const plans = queriesOf((index) => {
      const spec = makeSpec({ category: "blog", recurse: true, count: 10 });
      touch(runView(index, spec, NOW));
      allPages(index, spec, NOW);
      index.tagCounts("blog", true, NOW);
    });
    expect(plans.length).toBeGreaterThan(0);
    for (const { sql, plan } of plans) {
      expect(plan.join("\n"), sql).toMatch(
        /USING (COVERING )?INDEX entries_category_date \(category>\? AND category<\?\)/,
      );
      expect(plan.join("\n"), sql).not.toMatch(/SCAN e\b|entries_status/);
    }
  });

  it("reads the entries for listings once, however many views are listed, until the index changes", () => {
    const { index, add } = buildIndex(rows);
    const db = index.db;
    const prepare = db.prepare.bind(db);
    const reads: string[] = [];
    db.prepare = ((sql: string) => {
      if (isCatalogue(sql)) reads.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    for (const category of ["", "blog", "photos", "blog/travel"])
      for (const recurse of [false, true]) allPages(index, makeSpec({ category, recurse, count: 5 }), NOW);
    runView(index, makeSpec({ tag: ["a"], count: 5 }), NOW);
    expect(reads).toHaveLength(3);
    add([{ id: 1000, date: at("2021-06-01T00:00:00Z"), category: "blog" }]);
    expect(runView(index, makeSpec({ category: "blog", count: 1 }), NOW).entries.map((e) => e.id)).toEqual([
      1000,
    ]);
    expect(reads).toHaveLength(6);
    db.prepare = prepare;
  });

  it("prepares each distinct query once", () => {
    const plans = plansOf((index) => {
      for (let i = 0; i < 5; i++)
        touch(runView(index, makeSpec({ category: "blog", count: 10, id: 100 + i }), NOW));
    });
    const texts = plans.map((p) => p.sql);
    expect(new Set(texts).size).toBe(texts.length);
  });
});
