import { describe, it, expect } from "vitest";
import { runView, makeSpec, specFromQuery, viewCacheHorizon, type ViewSpec } from "../../src/view/index.js";
import { buildIndex, ids, at, type Row } from "./view-fixture.js";
import type { EntryStatus } from "../../src/content/entry-record.js";

const NOW = at("2025-01-01T00:00:00Z");
const day = (n: number): number => at("2024-01-01T12:00:00Z") + n * 86_400_000;
const list = (index: Parameters<typeof runView>[0], spec: Partial<ViewSpec>, now = NOW): number[] =>
  ids(runView(index, makeSpec(spec), now).entries);

describe("tag filters", () => {
  const { index } = buildIndex([
    { id: 1, date: day(1), tags: ["Travel", "Food"] },
    { id: 2, date: day(2), tags: ["travel"] },
    { id: 3, date: day(3), tags: ["FOOD"] },
    { id: 4, date: day(4), tags: ["Cats"] },
    { id: 5, date: day(5) },
    { id: 6, date: day(6), tags: ["New York"], hiddenTags: ["Secret"] },
  ]);

  it("matches any of the tags, whatever their case", () => {
    expect(list(index, { tag: ["TRAVEL", "food"] })).toEqual([3, 2, 1]);
  });

  it("matches all of the tags with tag_filter ALL", () => {
    expect(list(index, { tag: ["travel", "Food"], tagFilter: "ALL" })).toEqual([1]);
  });

  it("leaves the tagged entries out with tag_filter NONE", () => {
    expect(list(index, { tag: ["travel", "food"], tagFilter: "NONE" })).toEqual([6, 5, 4]);
  });

  it("folds case and spacing of tags from the URL the way the indexer does", () => {
    const spec = specFromQuery(new URLSearchParams("tag=new%20%20york"), {});
    expect(list(index, spec)).toEqual([6]);
  });

  it("finds entries by a hidden tag, which Publ keeps for filtering", () => {
    expect(list(index, { tag: ["secret"] })).toEqual([6]);
  });

  it("reports the active tag filter", () => {
    expect(runView(index, makeSpec({ tag: ["Travel"] }), NOW).tags).toEqual(["Travel"]);
  });
});

describe("categories", () => {
  const { index } = buildIndex([
    { id: 1, date: day(1), category: "" },
    { id: 2, date: day(2), category: "blog" },
    { id: 3, date: day(3), category: "blog/travel" },
    { id: 4, date: day(4), category: "blog/travel/japan" },
    { id: 5, date: day(5), category: "blog-old" },
    { id: 6, date: day(6), category: "blogs" },
    { id: 7, date: day(7), category: "blog.archive" },
  ]);

  it("lists only the category itself without recurse", () => {
    expect(list(index, { category: "blog" })).toEqual([2]);
    expect(list(index, { category: "" })).toEqual([1]);
  });

  it("includes every subcategory with recurse, but not siblings sharing the name's prefix", () => {
    expect(list(index, { category: "blog", recurse: true })).toEqual([4, 3, 2]);
    expect(list(index, { category: "blog/travel", recurse: true })).toEqual([4, 3]);
  });

  it("lists the whole site for the root with recurse", () => {
    expect(list(index, { category: "", recurse: true })).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });
});

describe("statuses and time", () => {
  const statuses: EntryStatus[] = [
    "DRAFT",
    "HIDDEN",
    "UNLISTED",
    "GONE",
    "DELETED",
    "ATTACHMENT",
    "ILLEGAL",
    "DMCA",
    "TEAPOT",
  ];
  const rows: Row[] = [
    { id: 1, date: day(1), status: "PUBLISHED" },
    { id: 2, date: day(2), status: "SCHEDULED" },
    { id: 3, date: at("2025-06-01T00:00:00Z"), status: "SCHEDULED" },
    { id: 4, date: at("2025-09-01T00:00:00Z"), status: "PUBLISHED" },
    ...statuses.map((status, i) => ({ id: 10 + i, date: day(10 + i), status })),
  ];
  const { index } = buildIndex(rows);

  it("lists PUBLISHED always and SCHEDULED once its date has passed, and nothing else", () => {
    expect(list(index, {})).toEqual([4, 2, 1]);
  });

  it("lists a scheduled entry as soon as now reaches its date, with no rebuild", () => {
    const goesLive = at("2025-06-01T00:00:00Z");
    expect(list(index, {}, goesLive - 1)).toEqual([4, 2, 1]);
    expect(list(index, {}, goesLive)).toEqual([4, 3, 2, 1]);
    expect(viewCacheHorizon(index, NOW)).toBe(goesLive);
    expect(viewCacheHorizon(index, goesLive)).toBeNull();
  });

  it("includes scheduled entries not yet live with future", () => {
    expect(list(index, { future: true })).toEqual([4, 3, 2, 1]);
  });

  it("lists GONE and DELETED entries as tombstones, newest first", () => {
    const view = runView(index, makeSpec({}), NOW);
    expect(ids(view.deleted)).toEqual([14, 13]);
    expect(view.deleted.map((e) => e.status)).toEqual(["DELETED", "GONE"]);
  });
});

describe("tombstones of count pages", () => {
  // Published entries on even days, GONE ones on odd days.
  const rows: Row[] = Array.from({ length: 12 }, (_, i) => ({
    id: i + 1,
    date: day(i + 1),
    status: (i + 1) % 2 === 0 ? "PUBLISHED" : "GONE",
  }));
  const { index } = buildIndex(rows);

  it("gives each page the tombstones between its start and the next page", () => {
    const spec = makeSpec({ count: 2 });
    const first = runView(index, spec, NOW);
    expect(ids(first.entries)).toEqual([12, 10]);
    expect(ids(first.deleted)).toEqual([11, 9]);
    const second = runView(index, first.next!, NOW);
    expect(ids(second.entries)).toEqual([8, 6]);
    expect(ids(second.deleted)).toEqual([7, 5]);
    const last = runView(index, second.next!, NOW);
    expect(ids(last.entries)).toEqual([4, 2]);
    expect(ids(last.deleted)).toEqual([3, 1]);
  });

  it("bounds the list", () => {
    expect(runView(index, makeSpec({}), NOW, { deletedLimit: 2 }).deleted).toHaveLength(2);
  });
});

describe("entry types", () => {
  const { index } = buildIndex([
    { id: 1, date: day(1), entryType: "note" },
    { id: 2, date: day(2), entryType: "photo" },
    { id: 3, date: day(3) },
  ]);

  it("keeps or leaves out entries by Entry-Type", () => {
    expect(list(index, { entryType: ["note", "photo"] })).toEqual([2, 1]);
    expect(list(index, { entryTypeNot: ["note"] })).toEqual([3, 2]);
  });
});
