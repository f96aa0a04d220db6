import { describe, it, expect, afterEach } from "vitest";
import { writeFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { watchContent, type ContentWatcher } from "../../src/content/watcher.js";
import { openIndex, refreshIndex, ContentIndex, type Db } from "../../src/db/index.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";

let watcher: ContentWatcher | undefined;
let db: Db | undefined;
let root: string | undefined;
afterEach(async () => {
  await watcher?.close();
  db?.close();
  if (root) removeSite(root);
  watcher = db = root = undefined;
});

/** A watched site whose index is refreshed on every burst; `until` polls the index for a condition. */
async function watchedSite(files: Record<string, string>) {
  root = makeSite(files);
  const contentDir = join(root, "content");
  db = openIndex({ path: ":memory:" }).db;
  const index = new ContentIndex(db);
  const d = db;
  refreshIndex({ db: d, contentDir, timeZone: "UTC" });
  let refreshes = 0;
  watcher = watchContent({
    paths: [contentDir],
    onChange: () => {
      refreshes++;
      refreshIndex({ db: d, contentDir, timeZone: "UTC" });
    },
  });
  await watcher.ready;
  // Polls until the index shows the change; the bound only catches a change never seen (a busy machine may
  // take seconds to deliver the file event, which is not what these tests are about).
  const until = async (check: () => boolean, limitMs = 60_000): Promise<void> => {
    const start = Date.now();
    while (!check()) {
      if (Date.now() - start > limitMs) throw new Error(`not reflected within ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { contentDir, index, until, refreshes: () => refreshes };
}

const entry = (title: string) => `Title: ${title}\nDate: 2024-01-01\n\nText.\n`;

describe("the watcher keeps the index in step with the files", () => {
  it("reflects create, edit, atomic-rename save, rename and delete", async () => {
    const { contentDir, index, until } = await watchedSite({ "content/a.md": entry("A") });
    writeFileSync(join(contentDir, "new.md"), entry("New"));
    await until(() => index.entryByFile("new.md") !== null);

    writeFileSync(join(contentDir, "a.md"), entry("A edited"));
    await until(() => index.entryByFile("a.md")?.title === "A edited");

    // Editors and `git checkout` write a temp file and rename it over the original.
    writeFileSync(join(contentDir, ".a.md.swp"), "swap");
    writeFileSync(join(contentDir, "a.md.tmp"), entry("A atomic"));
    renameSync(join(contentDir, "a.md.tmp"), join(contentDir, "a.md"));
    await until(() => index.entryByFile("a.md")?.title === "A atomic");

    renameSync(join(contentDir, "new.md"), join(contentDir, "renamed.md"));
    await until(() => index.entryByFile("renamed.md") !== null && index.entryByFile("new.md") === null);

    rmSync(join(contentDir, "renamed.md"));
    await until(() => index.entryByFile("renamed.md") === null);
    // The swap file was never indexed.
    expect(db!.prepare("SELECT count(*) AS n FROM files WHERE path LIKE '%swp%'").get()).toEqual({ n: 0 });
  });

  it("debounces a burst of writes into few refreshes", async () => {
    const { contentDir, index, until, refreshes } = await watchedSite({});
    for (let i = 0; i < 50; i++) writeFileSync(join(contentDir, `burst-${i}.md`), entry(`B${i}`));
    await until(() => db!.prepare("SELECT count(*) AS n FROM entries").get() !== undefined && (db!.prepare("SELECT count(*) AS n FROM entries").get() as { n: number }).n === 50);
    expect(index.entryByFile("burst-49.md")).not.toBeNull();
    expect(refreshes()).toBeLessThan(10);
  });
});
