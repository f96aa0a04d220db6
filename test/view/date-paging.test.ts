import { describe, it, expect } from "vitest";
import { runView, allPages, makeSpec, specFromQuery, type ViewSpec } from "../../src/view/index.js";
import { buildIndex, ids, at } from "./view-fixture.js";

const NOW = at("2030-01-01T00:00:00Z");
// Months with entries: 2023-11, 2024-01, 2024-05, 2024-06; Dec and Feb–Apr are empty.
const rows = [
  { id: 1, date: "2023-11-15T10:00:00Z" },
  { id: 2, date: "2024-01-10T10:00:00Z" },
  { id: 3, date: "2024-01-20T10:00:00Z" },
  { id: 4, date: "2024-05-02T10:00:00Z" },
  { id: 5, date: "2024-05-30T10:00:00Z" },
  { id: 6, date: "2024-06-01T10:00:00Z" },
].map((r) => ({ ...r, category: "blog" }));
const blog = (extra: Partial<ViewSpec>): ViewSpec => makeSpec({ category: "blog", ...extra });

describe("date paging", () => {
  const { index } = buildIndex(rows);

  it("shows one month, and jumps over empty months to the nearest months with entries", () => {
    const may = runView(index, blog({ date: "2024-05" }), NOW);
    expect(ids(may.entries)).toEqual([5, 4]);
    expect(may.paging).toBe("month");
    expect(may.range).toBe("May 2024");
    expect(may.newer).toEqual(blog({ date: "2024-06" }));
    expect(may.older).toEqual(blog({ date: "2024-01" }));
    // Newest first: previous is the newer page, next the older one.
    expect(may.previous).toEqual(may.newer);
    expect(may.next).toEqual(may.older);
    const january = runView(index, may.older!, NOW);
    expect(ids(january.entries)).toEqual([3, 2]);
    expect(january.older).toEqual(blog({ date: "2023-11" }));
    expect(runView(index, blog({ date: "2023-11" }), NOW).older).toBeNull();
    expect(runView(index, blog({ date: "2024-06" }), NOW).newer).toBeNull();
  });

  it("gives an empty month no entries but working neighbours", () => {
    const march = runView(index, blog({ date: "2024-03" }), NOW);
    expect(march.entries).toEqual([]);
    expect(march.range).toBe("March 2024");
    expect(march.newer).toEqual(blog({ date: "2024-05" }));
    expect(march.older).toEqual(blog({ date: "2024-01" }));
  });

  it("pages by year, day and week", () => {
    const year = runView(index, blog({ date: "2024" }), NOW);
    expect(ids(year.entries)).toEqual([6, 5, 4, 3, 2]);
    expect(year.range).toBe("2024");
    expect(year.older).toEqual(blog({ date: "2023" }));

    const day = runView(index, blog({ date: "2024-05-02" }), NOW);
    expect(ids(day.entries)).toEqual([4]);
    expect(day.range).toBe("May 2, 2024");
    expect(day.older).toEqual(blog({ date: "2024-01-20" }));
    expect(day.newer).toEqual(blog({ date: "2024-05-30" }));

    // Publ's week form; weeks start on Monday (May 30, 2024 is a Thursday).
    const week = runView(
      index,
      specFromQuery(new URLSearchParams("date=20240530_w"), { category: "blog" }),
      NOW,
    );
    expect(week.spec.date).toBe("2024-05-27_w");
    expect(ids(week.entries)).toEqual([6, 5]);
    expect(week.range).toBe("Week of 2024-05-27");
    expect(week.older).toEqual(blog({ date: "2024-04-29_w" }));
  });

  it("lists a date page in the view's order, with previous and next following it", () => {
    const may = runView(index, blog({ date: "2024-05", order: "oldest" }), NOW);
    expect(ids(may.entries)).toEqual([4, 5]);
    expect(may.previous).toEqual(blog({ date: "2024-01", order: "oldest" }));
    expect(may.next).toEqual(blog({ date: "2024-06", order: "oldest" }));
  });

  it("ignores count on a date page, as Publ does", () => {
    expect(ids(runView(index, blog({ date: "2024-05", count: 1 }), NOW).entries)).toEqual([5, 4]);
  });

  it("starts template-asked month paging at the newest month, and walks back to that first page", () => {
    const first = blog({ paging: "month", count: 10 });
    const view = runView(index, first, NOW);
    expect(ids(view.entries)).toEqual([6]);
    expect(view.isCurrent).toBe(true);
    expect(view.range).toBe("June 2024");
    expect(view.next).toEqual({ ...first, date: "2024-05" });
    expect(runView(index, view.next!, NOW).previous).toEqual(first);
    expect(allPages(index, first, NOW)).toEqual([
      first,
      { ...first, date: "2024-05" },
      { ...first, date: "2024-01" },
      { ...first, date: "2023-11" },
    ]);
  });

  it("lands a ?id= link on the month of that entry when the template pages by month", () => {
    expect(ids(runView(index, blog({ paging: "month", id: 2 }), NOW).entries)).toEqual([3, 2]);
  });

  it("lists every dated page of a view paged by ?date=", () => {
    expect(allPages(index, blog({ date: "2024-01" }), NOW).map((s) => s.date)).toEqual([
      "2024-06",
      "2024-05",
      "2024-01",
      "2023-11",
    ]);
  });
});

describe("date pages by the wall-clock date each entry was written with (Publ's local_date)", () => {
  // US clocks went forward on 2024-03-10 and back on 2024-11-03 (America/New_York); these were written there.
  const { index } = buildIndex(
    [
      { id: 1, date: "2024-03-10T04:30:00Z", localDate: "2024-03-09T23:30:00" },
      { id: 2, date: "2024-03-10T05:30:00Z", localDate: "2024-03-10T00:30:00" },
      { id: 3, date: "2024-03-11T03:30:00Z", localDate: "2024-03-10T23:30:00" },
      { id: 4, date: "2024-03-11T04:30:00Z", localDate: "2024-03-11T00:30:00" },
      { id: 5, date: "2024-11-01T03:30:00Z", localDate: "2024-10-31T23:30:00" },
      { id: 6, date: "2024-11-04T04:30:00Z", localDate: "2024-11-03T23:30:00" },
      // Written in Tokyo: the 11th there, the 10th in New York.
      { id: 7, date: "2024-03-11T14:30:00Z", localDate: "2024-03-11T23:30:00" },
    ].map((r) => ({ ...r, category: "blog" })),
  );
  const ny = { timeZone: "America/New_York" };

  it("puts the 23-hour day of the spring change on its written date, whatever the site's zone", () => {
    for (const zone of [ny, { timeZone: "UTC" }]) {
      const day = runView(index, blog({ date: "2024-03-10" }), NOW, zone);
      expect(ids(day.entries)).toEqual([3, 2]);
      expect(day.period).toMatchObject({
        start: at("2024-03-10T00:00:00Z"),
        end: at("2024-03-11T00:00:00Z"),
      });
      expect(day.older).toEqual(blog({ date: "2024-03-09" }));
      expect(day.newer).toEqual(blog({ date: "2024-03-11" }));
    }
  });

  it("puts months on written dates across the autumn change", () => {
    expect(ids(runView(index, blog({ date: "2024-10" }), NOW, ny).entries)).toEqual([5]);
    expect(ids(runView(index, blog({ date: "2024-11" }), NOW, ny).entries)).toEqual([6]);
  });

  it("puts an entry on the day it was written, not the day its instant falls on in the site's zone", () => {
    expect(ids(runView(index, blog({ date: "2024-03-11" }), NOW, ny).entries)).toEqual([7, 4]);
    expect(runView(index, blog({ date: "2024-03-11" }), NOW, ny).older).toEqual(blog({ date: "2024-03-10" }));
  });

  it("puts an entry written exactly at midnight in the day that starts then", () => {
    const { index: edge } = buildIndex([
      { id: 1, date: "2024-03-09T17:00:00Z", category: "blog" },
      { id: 2, date: "2024-03-11T04:00:00Z", localDate: "2024-03-11T00:00:00", category: "blog" },
    ]);
    expect(ids(runView(edge, blog({ date: "2024-03-11" }), NOW, ny).entries)).toEqual([2]);
    expect(runView(edge, blog({ date: "2024-03-09" }), NOW, ny).newer).toEqual(blog({ date: "2024-03-11" }));
  });

  it("labels count pages with local dates", () => {
    const view = runView(index, blog({ count: 2, id: 2 }), NOW, ny);
    expect(ids(view.entries)).toEqual([2, 1]);
    expect(view.range).toBe("March 10, 2024 – March 9, 2024");
  });
});
