// Listings (every entry a view selects, in display order) are filtered in memory from the index's catalogue.
// Whatever the entries and the view's filters, the listing must hold exactly the rows its SQL filter selects.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeSpec, type ViewSpec } from "../../src/view/index.js";
import { listingOf, statusMode } from "../../src/view/count-paging.js";
import { filterWhere, orderBySql, selectRows } from "../../src/view/view-sql.js";
import type { EntryStatus } from "../../src/content/entry-record.js";
import { buildIndex, type Row } from "./view-fixture.js";

const DAY = 86_400_000;
const EPOCH = Date.UTC(2024, 0, 1);
const NOW = EPOCH + 30 * DAY;

const categories = ["", "blog", "blog/sub", "blog/sub/deep", "blog-old", "blog0", "blogs", "notes", "b"];
const tags = ["Cats", "cats", "Dogs", "tea", "Tea Time", "tea-time", "é", ""];
const types = ["note", "photo", "Note", "link"];

const rows = fc
  .array(
    fc.record({
      day: fc.integer({ min: 0, max: 60 }), // past and future, with ties
      status: fc.constantFrom<EntryStatus>("PUBLISHED", "PUBLISHED", "SCHEDULED", "DRAFT", "HIDDEN", "GONE"),
      category: fc.constantFrom(...categories),
      tags: fc.uniqueArray(fc.constantFrom(...tags.filter(Boolean)), {
        maxLength: 3,
        selector: (t) => t.toLowerCase().replace(/[\s_-]+/g, "-"),
      }),
      hidden: fc.boolean(),
      type: fc.option(fc.constantFrom(...types), { nil: null }),
    }),
    { minLength: 5, maxLength: 60 },
  )
  .map((rs) =>
    rs.map((r, i): Row => ({
      id: i + 1,
      date: EPOCH + r.day * DAY,
      status: r.status,
      category: r.category,
      ...(r.hidden ? { hiddenTags: r.tags } : { tags: r.tags }),
      entryType: r.type,
    })),
  );

// Mostly no type filter; sometimes one or two types, or none at all (which lists nothing).
const typeFilter = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...types), { minLength: 1, maxLength: 2 }) },
  { weight: 1, arbitrary: fc.constant([]) },
);

const specs = fc
  .record({
    category: fc.oneof(fc.constantFrom("", "blog"), fc.constantFrom(...categories)),
    recurse: fc.constantFrom(true, true, false),
    order: fc.constantFrom("newest" as const, "oldest" as const),
    future: fc.boolean(),
    tag: fc.oneof(fc.constant([]), fc.array(fc.constantFrom(...tags), { maxLength: 2 })),
    tagFilter: fc.constantFrom("ANY" as const, "ALL" as const, "NONE" as const),
    entryType: typeFilter,
    entryTypeNot: typeFilter,
  })
  .map((s): ViewSpec => makeSpec(s));

describe("in-memory listings", () => {
  it("hold exactly the rows the SQL filter selects, in the same order", () => {
    let nonEmpty = 0;
    let checked = 0;
    fc.assert(
      fc.property(rows, fc.array(specs, { minLength: 1, maxLength: 8 }), (entries, views) => {
        const { index } = buildIndex(entries);
        for (const spec of views) {
          const listing = listingOf({ index, now: NOW }, spec)!;
          const where = filterWhere(index, spec, NOW, statusMode(spec));
          const sql = selectRows<{ date: number; id: number }>(
            index.db,
            "e.date AS date, e.id AS id",
            where,
            orderBySql(spec.order),
            null,
          );
          expect([...listing.ids]).toEqual(sql.map((r) => r.id));
          expect([...listing.dates]).toEqual(sql.map((r) => r.date));
          checked++;
          if (sql.length > 0) nonEmpty++;
        }
      }),
      { numRuns: 400 },
    );
    // Many views must select something, or the comparison would prove little.
    expect(checked).toBeGreaterThan(400);
    expect(nonEmpty / checked).toBeGreaterThan(0.25);
  });

  it("see entries added after a refresh", () => {
    const { index, add } = buildIndex([{ id: 1, date: EPOCH, category: "blog", tags: ["tea"] }]);
    const spec = makeSpec({ tag: ["Tea"], recurse: true });
    expect([...listingOf({ index, now: NOW }, spec)!.ids]).toEqual([1]);
    add([{ id: 2, date: EPOCH + DAY, category: "notes", tags: ["tea"] }]);
    expect([...listingOf({ index, now: NOW }, spec)!.ids]).toEqual([2, 1]);
  });
});
