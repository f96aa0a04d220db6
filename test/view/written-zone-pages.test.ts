// `?date=` pages by the date as its author wrote it (Publ's local_date), on the `date-based/` folder of Publ's
// test site: 100 entries written in offsets from -10:00 to +12:00, each titled with its own date.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openIndex, refreshIndex, ContentIndex, type Db } from "../../src/db/index.js";
import { makeSpec, runView } from "../../src/view/index.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/publ-date-based/content");
const NOW = Date.parse("2030-01-01T00:00:00Z");

for (const timeZone of ["UTC", "America/Los_Angeles", "Asia/Tokyo"]) {
  describe(`date pages on a site in ${timeZone}`, () => {
    let root: string;
    let db: Db;
    let index: ContentIndex;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), "quire-written-zone-"));
      cpSync(FIXTURE, join(root, "content"), { recursive: true });
      db = openIndex({ path: ":memory:" }).db;
      refreshIndex({ db, contentDir: join(root, "content"), timeZone });
      index = new ContentIndex(db);
    });
    afterAll(() => {
      db.close();
      rmSync(root, { recursive: true, force: true });
    });

    const page = (date: string) =>
      runView(index, makeSpec({ category: "date-based", date }), NOW, { timeZone });
    const titles = (date: string) => page(date).entries.map((e) => e.title);

    it("lists on each day exactly the entries written on that day, whatever their offset", () => {
      const all = runView(index, makeSpec({ category: "date-based" }), NOW, { timeZone }).entries;
      expect(all).toHaveLength(100);
      for (let day = 1; day <= 31; day++) {
        const key = `2012-01-${String(day).padStart(2, "0")}`;
        const expected = all.map((e) => e.title).filter((t) => t.startsWith(key));
        expect(titles(key).sort(), key).toEqual(expected.sort());
      }
    });

    it("walks the month's days by the dates as written, each entry on one page", () => {
      const seen: string[] = [];
      let spec = makeSpec({ category: "date-based", paging: "day", order: "oldest" });
      for (let i = 0; i < 40; i++) {
        const view = runView(index, spec, NOW, { timeZone });
        for (const e of view.entries) {
          expect(e.title.slice(0, 10), e.title).toBe(view.spec.date ?? e.title.slice(0, 10));
          seen.push(e.title);
        }
        if (!view.next) break;
        spec = view.next;
      }
      expect(new Set(seen).size).toBe(100);
      expect(seen).toHaveLength(100);
    });
  });
}
