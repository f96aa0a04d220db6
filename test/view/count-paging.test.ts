import { describe, it, expect } from "vitest";
import { runView, allPages, makeSpec, type ViewSpec } from "../../src/view/index.js";
import { buildIndex, ids, type Row } from "./view-fixture.js";

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1, 12);
const NOW = Date.UTC(2030, 0, 1);
/** Entry n is dated n-1 days after Jan 1, 2024: higher IDs are newer. */
const daily = (from: number, to: number, extra: Partial<Row> = {}): Row[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    id: from + i,
    date: START + (from + i - 1) * DAY,
    category: "blog",
    ...extra,
  }));

function walk(index: Parameters<typeof runView>[0], spec: ViewSpec): { spec: ViewSpec; ids: number[] }[] {
  const pages = [];
  for (let s: ViewSpec | null = spec; s; s = runView(index, s, NOW).next)
    pages.push({ spec: s, ids: ids(runView(index, s, NOW).entries) });
  return pages;
}

describe("count paging", () => {
  const blog = makeSpec({ category: "blog", count: 5 });

  it("shows the newest entries on the first page, which has no anchor", () => {
    const { index } = buildIndex(daily(1, 23));
    const view = runView(index, blog, NOW);
    expect(ids(view.entries)).toEqual([23, 22, 21, 20, 19]);
    expect(view.count).toBe(5);
    expect(view.isCurrent).toBe(true);
    expect(view.previous).toBeNull();
    expect(view.next).toEqual({ ...blog, id: 18 });
    expect(view.older).toEqual(view.next);
    expect(view.newer).toBeNull();
    expect(view.first?.id).toBe(23);
    expect(view.last?.id).toBe(19);
    expect(view.range).toBe("January 23, 2024 – January 19, 2024");
  });

  it("covers every entry exactly once walking next, and previous undoes next", () => {
    const { index } = buildIndex(daily(1, 23));
    const pages = walk(index, blog);
    expect(pages.map((p) => p.ids)).toEqual([
      [23, 22, 21, 20, 19],
      [18, 17, 16, 15, 14],
      [13, 12, 11, 10, 9],
      [8, 7, 6, 5, 4],
      [3, 2, 1],
    ]);
    for (let i = 1; i < pages.length; i++)
      expect(runView(index, pages[i]!.spec, NOW).previous).toEqual(pages[i - 1]!.spec);
    expect(allPages(index, blog, NOW)).toEqual(pages.map((p) => p.spec));
  });

  it("keeps every existing ?id= page identical after five newer entries are added", () => {
    const { index, add } = buildIndex(daily(1, 23));
    const before = walk(index, blog);
    add(daily(24, 28));
    for (const page of before.filter((p) => p.spec.id !== null)) {
      expect(ids(runView(index, page.spec, NOW).entries)).toEqual(page.ids);
    }
    expect(ids(runView(index, blog, NOW).entries)).toEqual([28, 27, 26, 25, 24]);
    // Walking back from an old page now reaches the old top as an anchored page, then the new first page.
    const second = runView(index, { ...blog, id: 18 }, NOW);
    expect(second.previous).toEqual({ ...blog, id: 23 });
    expect(runView(index, second.previous!, NOW).previous).toEqual(blog);
  });

  it("lists oldest first with order=oldest, where next is newer", () => {
    const { index } = buildIndex(daily(1, 12));
    const spec = makeSpec({ category: "blog", count: 5, order: "oldest" });
    const view = runView(index, spec, NOW);
    expect(ids(view.entries)).toEqual([1, 2, 3, 4, 5]);
    expect(view.next).toEqual({ ...spec, id: 6 });
    expect(view.newer).toEqual(view.next);
    expect(view.older).toBeNull();
    expect(walk(index, spec).map((p) => p.ids)).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
      [11, 12],
    ]);
  });

  it("lists by sort title with order=title, ties broken by ID", () => {
    const titles = ["pear", "apple", "fig", "apple", "cherry", "banana"];
    const { index } = buildIndex(
      titles.map((t, i) => ({ id: i + 1, date: START + i * DAY, category: "blog", title: t })),
    );
    const spec = makeSpec({ category: "blog", count: 4, order: "title" });
    const view = runView(index, spec, NOW);
    expect(view.entries.map((e) => e.title)).toEqual(["apple", "apple", "banana", "cherry"]);
    expect(ids(view.entries)).toEqual([2, 4, 6, 5]);
    expect(view.newer).toBeNull();
    expect(view.older).toBeNull();
    const next = runView(index, view.next!, NOW);
    expect(next.entries.map((e) => e.title)).toEqual(["fig", "pear"]);
    expect(next.previous).toEqual(spec);
  });

  it("lands an old link to a deleted entry where that entry used to be", () => {
    const { index } = buildIndex([
      ...daily(1, 12),
      { id: 100, date: START + 9.5 * DAY, category: "blog", status: "GONE" },
    ]);
    const view = runView(index, { ...blog, id: 100 }, NOW);
    expect(ids(view.entries)).toEqual([10, 9, 8, 7, 6]);
    expect(view.previous).toEqual(blog);
  });

  it("lands a link anchored on an entry of another category by its date", () => {
    const { index } = buildIndex([...daily(1, 12), { id: 200, date: START + 4.5 * DAY, category: "photos" }]);
    expect(ids(runView(index, { ...blog, id: 200 }, NOW).entries)).toEqual([5, 4, 3, 2, 1]);
  });

  it("shows the first page for an ID the index has never seen, without failing", () => {
    const { index } = buildIndex(daily(1, 12));
    const view = runView(index, { ...blog, id: 987654 }, NOW);
    expect(ids(view.entries)).toEqual([12, 11, 10, 9, 8]);
    expect(view.previous).toBeNull();
  });

  it("lists everything on one page when count is not set", () => {
    const { index } = buildIndex(daily(1, 7));
    const view = runView(index, makeSpec({ category: "blog" }), NOW);
    expect(ids(view.entries)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(view.next).toBeNull();
    expect(view.previous).toBeNull();
    expect(view.paging).toBe("offset");
    expect(view.range).toBe("");
    expect(allPages(index, makeSpec({ category: "blog" }), NOW)).toEqual([makeSpec({ category: "blog" })]);
  });

  it("orders entries sharing a date by ID", () => {
    const { index } = buildIndex([1, 2, 3, 4, 5].map((id) => ({ id, date: START, category: "blog" })));
    const spec = makeSpec({ category: "blog", count: 2 });
    expect(walk(index, spec).map((p) => p.ids)).toEqual([[5, 4], [3, 2], [1]]);
  });

  it("reports an empty category as one empty page", () => {
    const { index } = buildIndex(daily(1, 3));
    const view = runView(index, makeSpec({ category: "nothing", count: 5 }), NOW);
    expect(view.entries).toEqual([]);
    expect([view.first, view.last, view.previous, view.next, view.newest, view.oldest]).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(view.range).toBe("");
  });
});
