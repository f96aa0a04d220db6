import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  runView,
  allPages,
  pageAnchors,
  makeSpec,
  type ViewSpec,
  type ViewOrder,
  type DatePaging,
} from "../../src/view/index.js";
import type { EntryStatus } from "../../src/content/entry-record.js";
import { buildIndex, ids, type Row } from "./view-fixture.js";

const DAY = 86_400_000;
const EPOCH = Date.UTC(2024, 0, 1);
const NOW = EPOCH + 40 * DAY;

const rowArb = fc.record({
  day: fc.integer({ min: 0, max: 60 }), // past and future dates, with many ties
  hour: fc.constantFrom(0, 12),
  status: fc.constantFrom<EntryStatus>("PUBLISHED", "SCHEDULED", "SCHEDULED", "DRAFT", "GONE"),
  category: fc.constantFrom("blog", "blog/sub", "blog-old", ""),
  title: fc.constantFrom("alpha", "beta", "gamma", "delta"),
});
const setArb = fc.array(rowArb, { maxLength: 50 }).map((rs) =>
  rs.map((r, i): Row => ({
    id: i + 1,
    date: EPOCH + r.day * DAY + r.hour * 3_600_000,
    status: r.status,
    category: r.category,
    title: r.title,
  })),
);

/** What a reader should see: listed entries of blog (and below, with recurse), in display order. */
function expected(rows: Row[], order: ViewOrder, recurse: boolean): number[] {
  const listed = rows.filter((r) => {
    const inCategory = r.category === "blog" || (recurse && r.category!.startsWith("blog/"));
    const live = r.status === "PUBLISHED" || (r.status === "SCHEDULED" && (r.date as number) <= NOW);
    return inCategory && live;
  });
  const key = (r: Row): [number | string, number] => [
    order === "title" ? r.title! : (r.date as number),
    r.id,
  ];
  const sign = order === "newest" ? -1 : 1;
  listed.sort((a, b) => {
    const [ka, ia] = key(a);
    const [kb, ib] = key(b);
    return sign * (ka < kb ? -1 : ka > kb ? 1 : ia - ib);
  });
  return listed.map((r) => r.id);
}

function walk(index: Parameters<typeof runView>[0], first: ViewSpec): { spec: ViewSpec; ids: number[] }[] {
  const pages = [];
  for (let s: ViewSpec | null = first; s && pages.length < 200; s = runView(index, s, NOW).next) {
    pages.push({ spec: s, ids: ids(runView(index, s, NOW).entries) });
  }
  return pages;
}

describe("walking a view page by page", () => {
  it("visits every listed entry exactly once, in order, for any entries and page size", () => {
    fc.assert(
      fc.property(
        setArb,
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom<ViewOrder>("newest", "oldest", "title"),
        fc.boolean(),
        (rows, count, order, recurse) => {
          const { index } = buildIndex(rows);
          const first = makeSpec({ category: "blog", recurse, count, order });
          const pages = walk(index, first);
          expect(pages.flatMap((p) => p.ids)).toEqual(expected(rows, order, recurse));
          for (const page of pages) expect(page.ids.length).toBeLessThanOrEqual(count);
          for (let i = 1; i < pages.length; i++) {
            expect(pages[i]!.ids.length).toBeGreaterThan(0);
            expect(runView(index, pages[i]!.spec, NOW).previous).toEqual(pages[i - 1]!.spec);
          }
          expect(allPages(index, first, NOW)).toEqual(pages.map((p) => p.spec));
          // Title order has no in-memory listing: both paths are walked.
          const anchors = pageAnchors(index, first, NOW);
          expect(anchors.ids).toEqual(pages.slice(1).map((p) => p.spec.id));
          expect(anchors.dates).toEqual(anchors.ids.map((id) => index.entryById(id)!.date));
          index.db.close();
        },
      ),
      { numRuns: 150 },
    );
  });

  it("visits every listed entry exactly once by date pages, skipping empty periods", () => {
    fc.assert(
      fc.property(
        setArb,
        fc.constantFrom<DatePaging>("day", "week", "month", "year"),
        fc.boolean(),
        fc.boolean(),
        (rows, paging, oldest, recurse) => {
          const { index } = buildIndex(rows);
          const order: ViewOrder = oldest ? "oldest" : "newest";
          const first = makeSpec({ category: "blog", recurse, paging, order });
          const pages = walk(index, first);
          expect(pages.flatMap((p) => p.ids)).toEqual(expected(rows, order, recurse));
          for (const page of pages.slice(1)) expect(page.ids.length).toBeGreaterThan(0);
          for (let i = 1; i < pages.length; i++) {
            expect(runView(index, pages[i]!.spec, NOW).previous).toEqual(pages[i - 1]!.spec);
          }
          expect(allPages(index, first, NOW)).toEqual(pages.map((p) => p.spec));
          index.db.close();
        },
      ),
      { numRuns: 400 },
    );
  });
});
