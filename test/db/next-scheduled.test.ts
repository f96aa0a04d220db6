/** When the next scheduled entry goes live (what a cached page's lifetime is cut to): remembered between index
 *  changes, since every page stored in the cache asks, and right for every moment asked about. */
import { describe, it, expect, afterEach } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openIndex, refreshIndex, ContentIndex, type Db } from "../../src/db/index.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";

let root: string | undefined;
let db: Db | undefined;
afterEach(() => {
  db?.close();
  if (root) removeSite(root);
});

const at = (iso: string) => Date.parse(iso);
const entry = (title: string, date: string, status = "SCHEDULED") =>
  `Title: ${title}\nDate: ${date}\nStatus: ${status}\n\nBody of ${title}.\n`;

describe("the next scheduled entry", () => {
  it("is found for any moment, asked in any order, and follows the index as it changes", () => {
    root = makeSite({
      "content/a.md": entry("A", "2030-01-01 00:00:00+00:00"),
      "content/b.md": entry("B", "2040-01-01 00:00:00+00:00"),
      "content/c.md": entry("C", "2020-01-01 00:00:00+00:00", "PUBLISHED"),
    });
    db = openIndex({ path: ":memory:" }).db;
    const run = () =>
      refreshIndex({ db: db!, contentDir: join(root!, "content"), timeZone: "UTC", writeBack: false });
    run();
    const q = new ContentIndex(db);
    // Count the queries: the answer is asked for by every page stored in the page cache.
    const stmt = (q as unknown as { nextScheduled: { get: (...args: unknown[]) => unknown } }).nextScheduled;
    const get = stmt.get.bind(stmt);
    let queries = 0;
    stmt.get = (...args: unknown[]) => {
      queries++;
      return get(...args);
    };
    for (let i = 0; i < 100; i++)
      expect(q.nextScheduledAt(at("2025-01-01T00:00:00Z") + i * 1000)).toBe(at("2030-01-01T00:00:00Z"));
    expect(queries).toBe(1);
    expect(q.nextScheduledAt(at("2025-01-01T00:00:00Z"))).toBe(at("2030-01-01T00:00:00Z"));
    expect(q.nextScheduledAt(at("2029-12-31T23:59:59Z"))).toBe(at("2030-01-01T00:00:00Z"));
    // At and after the first one's moment, the next is the second.
    expect(q.nextScheduledAt(at("2030-01-01T00:00:00Z"))).toBe(at("2040-01-01T00:00:00Z"));
    expect(q.nextScheduledAt(at("2035-06-01T00:00:00Z"))).toBe(at("2040-01-01T00:00:00Z"));
    // An earlier moment asked after a later one.
    expect(q.nextScheduledAt(at("2026-01-01T00:00:00Z"))).toBe(at("2030-01-01T00:00:00Z"));
    expect(q.nextScheduledAt(at("2041-01-01T00:00:00Z"))).toBeNull();
    // A new scheduled entry, once the index has it, is seen.
    expect(q.nextScheduledAt(at("2026-01-01T00:00:00Z"))).toBe(at("2030-01-01T00:00:00Z"));
    writeFileSync(join(root, "content", "d.md"), entry("D", "2027-01-01 00:00:00+00:00"));
    run();
    q.invalidate();
    expect(q.nextScheduledAt(at("2026-01-01T00:00:00Z"))).toBe(at("2027-01-01T00:00:00Z"));
  });
});
