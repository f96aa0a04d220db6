// The index records the time zone and slug style it was built under, and rebuilds when either changes.
import { describe, it, expect, afterEach } from "vitest";
import { join } from "node:path";
import { openIndex, refreshIndex, type Db } from "../../src/db/index.js";
import type { SlugStyle } from "../../src/content/slug.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";

const sites: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const s of sites.splice(0)) removeSite(s);
});

const HOUR = 3600_000;

function setup() {
  const root = makeSite({
    "content/a.md": "Title: Naive Time\nEntry-ID: 1\nDate: 2024-05-01 12:00:00\n\nA.\n",
    "content/b.md": "Title: With an Offset\nEntry-ID: 2\nDate: 2024-05-01 12:00:00+02:00\n\nB.\n",
  });
  sites.push(root);
  const { db } = openIndex({ path: join(root, ".quire", "index.db") });
  dbs.push(db);
  const run = (timeZone: string, slugStyle: SlugStyle = "publ") =>
    refreshIndex({ db, contentDir: join(root, "content"), timeZone, slugStyle });
  const rows = () =>
    Object.fromEntries(
      (
        db.prepare("SELECT id, date, slug FROM entries").all() as { id: number; date: number; slug: string }[]
      ).map((r) => [r.id, r]),
    );
  return { run, rows };
}

describe("index settings", () => {
  it("re-dates entries without an offset when the time zone changes, and moves the generation", () => {
    const { run, rows } = setup();
    const first = run("UTC");
    const utc = rows();
    expect(utc[1]!.date).toBe(Date.UTC(2024, 4, 1, 12));
    const again = run("UTC");
    expect(again.changed).toBe(false);
    const moved = run("America/New_York");
    expect(moved.changed).toBe(true);
    expect(moved.generation).not.toBe(first.generation);
    const ny = rows();
    expect(ny[1]!.date).toBe(Date.UTC(2024, 4, 1, 12) + 4 * HOUR);
    // A date written with its offset is the same instant whatever the site's zone.
    expect(ny[2]!.date).toBe(utc[2]!.date);
    // Back again: the same files under the same settings give the first generation.
    expect(run("UTC").generation).toBe(first.generation);
  });

  it("re-slugs every entry when the slug style changes", () => {
    const { run, rows } = setup();
    run("UTC");
    expect(rows()[1]!.slug).toBe("Naive-Time");
    expect(run("UTC", "lowercase").changed).toBe(true);
    expect(rows()[1]!.slug).toBe("naive-time");
    expect(rows()[2]!.slug).toBe("with-an-offset");
  });
});
