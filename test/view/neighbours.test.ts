import { describe, it, expect } from "vitest";
import { neighbours } from "../../src/view/index.js";
import { buildIndex, at } from "./view-fixture.js";

const NOW = at("2025-01-01T00:00:00Z");
const day = (n: number): number => at("2024-01-01T12:00:00Z") + n * 86_400_000;

describe("entry.next and entry.previous", () => {
  const { index } = buildIndex([
    { id: 1, date: day(1), category: "blog" },
    { id: 2, date: day(2), category: "photos" },
    { id: 3, date: day(3), category: "blog" },
    { id: 4, date: day(4), category: "blog", status: "DRAFT" },
    { id: 5, date: day(5), category: "blog/travel" },
    { id: 6, date: day(6), category: "blog" },
    { id: 7, date: day(6), category: "blog" }, // same date as 6: ordered by ID
    { id: 8, date: at("2025-03-01T00:00:00Z"), category: "blog", status: "SCHEDULED" },
  ]);
  const entry = (id: number) => index.entryById(id)!;
  const next = (id: number, opts: object = {}) =>
    neighbours(index, entry(id), { direction: "next", now: NOW, ...opts })?.id ?? null;
  const previous = (id: number, opts: object = {}) =>
    neighbours(index, entry(id), { direction: "previous", now: NOW, ...opts })?.id ?? null;

  it("gives the next newer and previous older listed entry in the same category, as Publ does", () => {
    expect(next(3)).toBe(6);
    expect(previous(6)).toBe(3);
    expect(next(6)).toBe(7);
    expect(previous(7)).toBe(6);
  });

  it("is null at both ends of the category", () => {
    expect(previous(1)).toBeNull();
    expect(next(7)).toBeNull();
  });

  it("skips drafts and scheduled entries that are not live yet", () => {
    expect(next(3)).not.toBe(4);
    expect(next(7)).toBeNull();
    expect(next(7, { now: at("2025-03-01T00:00:00Z") })).toBe(8);
    expect(next(7, { future: true })).toBe(8);
  });

  it("looks in another category when asked, including its subcategories by default", () => {
    expect(next(1, { category: "photos" })).toBe(2);
    expect(next(3, { category: "blog" })).toBe(5);
    expect(next(3, { category: "blog", recurse: false })).toBe(6);
    expect(previous(5, { category: "" })).toBe(3);
  });

  it("works for an entry that is not listed itself", () => {
    expect(next(4)).toBe(6);
    expect(previous(4)).toBe(3);
  });
});
