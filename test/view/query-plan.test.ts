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

/** Touches every lazily computed part of a view result. */
function touch(view: ViewResult): void {
  void [view.previous, view.next, view.newer, view.older, view.deleted, view.range];
}

describe("view queries use the indexes", () => {
  it("walks entries_category_date for a category's count pages, neighbours and tombstones", () => {
    const plans = plansOf((index) => {
      const spec = makeSpec({ category: "blog", count: 10 });
      touch(runView(index, spec, NOW));
      touch(runView(index, { ...spec, id: 150 }, NOW));
      touch(runView(index, { ...spec, order: "oldest", id: 150 }, NOW));
    });
    expect(plans.length).toBeGreaterThan(3);
    for (const { sql, plan } of plans) {
      expect(
        plan.some((line) => line.startsWith("SEARCH e USING INDEX entries_category_date (category=?")),
        sql,
      ).toBe(true);
      expect(plan.join("\n"), sql).not.toMatch(/SCAN e|entries_status|TEMP B-TREE/);
    }
  });

  it("walks entries_category_date for date pages and for the jumps over empty periods", () => {
    const plans = plansOf((index) => {
      touch(runView(index, makeSpec({ category: "blog", date: "2021-03" }), NOW));
      touch(runView(index, makeSpec({ category: "blog", paging: "month" }), NOW));
    });
    for (const { sql, plan } of plans) {
      expect(plan[0], sql).toMatch(/^SEARCH e USING INDEX entries_category_date \(category=\?/);
      expect(plan.join("\n"), sql).not.toMatch(/SCAN e|entries_status|TEMP B-TREE/);
    }
  });

  it("answers entry.next and entry.previous from one walk of the category's date index", () => {
    const plans = plansOf((index) => {
      const entry = index.entryById(150)!;
      neighbours(index, entry, { direction: "next", now: NOW });
      neighbours(index, entry, { direction: "previous", now: NOW });
      neighbours(index, index.entryById(151)!, { direction: "next", now: NOW });
    });
    // The category's listing is read once, in date order straight from the index; later lookups reuse it.
    expect(plans).toHaveLength(1);
    expect(plans[0]!.plan).toEqual(["SEARCH e USING INDEX entries_category_date (category=?)"]);
  });

  it("reads the whole-site listing in date order from entries_date, never through the status index", () => {
    const plans = plansOf((index) => {
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
    const plans = plansOf((index) => {
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

  it("prepares each distinct query once", () => {
    const plans = plansOf((index) => {
      for (let i = 0; i < 5; i++)
        touch(runView(index, makeSpec({ category: "blog", count: 10, id: 100 + i }), NOW));
    });
    const texts = plans.map((p) => p.sql);
    expect(new Set(texts).size).toBe(texts.length);
  });
});
