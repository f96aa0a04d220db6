// The serving index on its own (no templates, no HTTP): what it tells the site after each refresh, and how it
// rebuilds a lost index file from content/.
import { describe, it, expect, afterEach } from "vitest";
import { join } from "node:path";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { ServingIndex, type ServingIndexOptions } from "../../src/db/serving-index.js";
import type { RefreshSummary } from "../../src/db/index.js";
import { createLogger } from "../../src/log.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";

const sites: string[] = [];
const served: ServingIndex[] = [];
afterEach(async () => {
  for (const s of served.splice(0)) {
    await s.stop();
    s.close();
  }
  for (const s of sites.splice(0)) removeSite(s);
});

const entry = (title: string, category = "") =>
  `Title: ${title}\nDate: 2024-05-01 12:00:00+00:00${category ? `\nCategory: ${category}` : ""}\n\n${title}.\n`;

/** A serving index over `root` that records what it reports. */
function serve(root: string) {
  const heard = { refreshed: [] as boolean[], problems: [] as RefreshSummary[], changes: 0 };
  const options: ServingIndexOptions = {
    indexPath: join(root, ".quire", "index.db"),
    contentDir: join(root, "content"),
    settings: { timeZone: "UTC", slugStyle: "publ" },
    logger: createLogger({ level: "silent" }),
    writeBack: false,
    watch: false,
    rescanMs: 0,
    inlineIndexer: true,
    searchTables: true,
    refreshed: (changed) => heard.refreshed.push(changed),
    problems: (summary) => heard.problems.push(summary),
    alsoWatched: () => ({ paths: [], changed: () => Promise.resolve(false) }),
  };
  const s = new ServingIndex(options);
  served.push(s);
  s.onChange(() => heard.changes++);
  return { s, heard };
}

function titles(s: ServingIndex): string[] {
  return (s.index.db.prepare("SELECT title FROM entries ORDER BY title").all() as { title: string }[]).map(
    (r) => r.title,
  );
}

describe("the serving index", () => {
  it("is ready only after its first index, and then tells listeners of content changes alone", async () => {
    const root = makeSite({ "content/a.md": entry("A") });
    sites.push(root);
    const { s, heard } = serve(root);
    expect(s.ready).toBe(false);

    const first = await s.start();
    expect(first.entries).toBe(1);
    expect(s.ready).toBe(true);
    expect(heard.problems).toHaveLength(1);
    // The first index is news to the site's caches, not to live-reload listeners.
    expect(heard.refreshed).toEqual([true]);
    expect(heard.changes).toBe(0);

    await s.refresh();
    expect(heard.refreshed).toEqual([true, false]);
    expect(heard.changes).toBe(0);

    writeFileSync(join(root, "content", "b.md"), entry("B", "notes"));
    await s.refresh();
    expect(heard.refreshed).toEqual([true, false, true]);
    expect(heard.changes).toBe(1);
    expect(titles(s)).toEqual(["A", "B"]);
    expect([...s.categories].sort()).toEqual(["", "notes"]);
  });

  it("serves an index left by an earlier run at once", async () => {
    const root = makeSite({ "content/a.md": entry("A") });
    sites.push(root);
    const earlier = serve(root).s;
    await earlier.start();
    await earlier.stop();
    earlier.close();
    served.splice(served.indexOf(earlier), 1);

    const { s } = serve(root);
    expect(s.ready).toBe(true);
    expect(titles(s)).toEqual(["A"]);
  });

  it("rebuilds a deleted index file from content/ at the next refresh", async () => {
    const root = makeSite({ "content/a.md": entry("A"), "content/b.md": entry("B") });
    sites.push(root);
    const { s, heard } = serve(root);
    await s.start();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(s.indexPath + suffix, { force: true });

    await s.refresh();
    expect(existsSync(s.indexPath)).toBe(true);
    expect(s.ready).toBe(true);
    expect(titles(s)).toEqual(["A", "B"]);
    // The rebuild made the site forget what it had read from the old file; the refresh after it found nothing new.
    expect(heard.refreshed).toEqual([true, true, false]);
  });
});
