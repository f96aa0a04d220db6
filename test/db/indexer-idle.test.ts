// The indexing thread of a server that does not watch content/ ends once idle, and a later refresh starts it again.
import { describe, it, expect, afterEach } from "vitest";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { Indexer } from "../../src/db/indexer.js";
import { openIndex } from "../../src/db/index.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";

const sites: string[] = [];
const indexers: Indexer[] = [];
afterEach(async () => {
  for (const i of indexers.splice(0)) await i.close();
  for (const s of sites.splice(0)) removeSite(s);
});

const entry = (title: string) => `Title: ${title}\nDate: 2024-05-01 12:00:00+00:00\n\nBody of ${title}.\n`;

/** Resolves once `check` holds, looking again at every turn of the event loop (no time allowance). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

function titles(indexPath: string): string[] {
  const { db } = openIndex({ path: indexPath });
  try {
    return (db.prepare("SELECT title FROM entries ORDER BY title").all() as { title: string }[]).map(
      (r) => r.title,
    );
  } finally {
    db.close();
  }
}

describe("indexing thread", () => {
  it("ends when idle and starts again for the next refresh, which sees new files", async () => {
    const root = makeSite({ "content/a.md": entry("A") });
    sites.push(root);
    const indexPath = join(root, ".quire", "index.db");
    const indexer = new Indexer({
      indexPath,
      contentDir: join(root, "content"),
      timeZone: "UTC",
      idleStopMs: 1,
    });
    indexers.push(indexer);

    const first = await indexer.refresh();
    expect(first.entries).toBe(1);
    // The thread's heap and SQLite cache are given back once it has finished (search included).
    await until(() => !indexer.threadRunning);

    writeFileSync(join(root, "content", "b.md"), entry("B"));
    const second = await indexer.refresh();
    expect(second.entries).toBe(2);
    expect(titles(indexPath)).toEqual(["A", "B"]);
    await until(() => !indexer.threadRunning);
  });

  it("is kept when no idle stop is asked for (a server that watches content/)", async () => {
    const root = makeSite({ "content/a.md": entry("A") });
    sites.push(root);
    const indexer = new Indexer({
      indexPath: join(root, ".quire", "index.db"),
      contentDir: join(root, "content"),
      timeZone: "UTC",
    });
    indexers.push(indexer);
    await indexer.refresh();
    // A second refresh is answered by the same thread: it never stopped.
    await indexer.refresh();
    expect(indexer.threadRunning).toBe(true);
  });
});
