/** A first index of a large site fills its search tables on a second thread while the index is built: the
 *  result answers every query as the one-thread build does, its FTS5 table passes FTS5's own integrity check,
 *  two builds are byte-identical, the server's indexing thread does the same at a cold start, and a file
 *  changed while the thread read it is searched as it is now. */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { openIndex, refreshIndex, type Db } from "../../src/db/index.js";
import { Indexer } from "../../src/db/indexer.js";
import { searchInStep, syncSearch } from "../../src/search/search-index.js";
import { serveSite } from "../helpers/http.js";
import { PARALLEL_MIN_FILES, startSearchBuild } from "../../src/search/search-build.js";
import { Searcher } from "../../src/search/searcher.js";
import { ANONYMOUS_ACCESS } from "../../src/auth/access-rule.js";

const NOW = Date.UTC(2026, 0, 1);
const WORDS = [
  "heron",
  "kettle",
  "harbour",
  "lantern",
  "bridge",
  "garden",
  "walking",
  "river",
  "quiet",
  "stone",
];
const ENTRIES = PARALLEL_MIN_FILES + 40;

/** A site of ENTRIES entries drawing on WORDS, with drafts, private, scheduled and tagged ones among them. */
function siteFiles(): Record<string, string> {
  const files: Record<string, string> = { "quire.toml": '[site]\ntitle = "Parallel"\n' };
  for (let i = 1; i <= ENTRIES; i++) {
    const pick = (k: number) => WORDS[(i * 7 + k * 3) % WORDS.length]!;
    const status = i % 23 === 0 ? "Status: DRAFT\n" : "";
    const auth = i % 17 === 0 ? "Auth: friends\n" : "";
    const date = i % 29 === 0 ? "2027-06-01" : `2024-${String((i % 12) + 1).padStart(2, "0")}-10`;
    const tag = i % 5 === 0 ? `Tag: ${pick(4)}\n` : "";
    files[`content/${i % 3 === 0 ? "travel" : "blog"}/e${i}.md`] =
      `Title: The ${pick(0)} ${i}\nEntry-ID: ${i}\nDate: ${date}\n${status}${auth}${tag}\n` +
      `A ${pick(1)} by the ${pick(2)}, then the ${pick(3)} walked. [A link](https://example.org/${pick(5)}) ` +
      `with *${pick(6)}* café words.\n\n.....\n\nMore of the ${pick(7)} ${pick(8)}.\n`;
  }
  return files;
}

const QUERIES = [
  "heron",
  "kettle harbour",
  '"the river"',
  "walk",
  "stone -bridge",
  "title:lantern",
  "tag:garden",
  "tag:quiet heron",
  "cafe",
  "heron OR stone",
  "zeppelin",
];

let root: string;
let data: string;

beforeAll(() => {
  root = makeSite(siteFiles(), "quire-parallel-");
  data = mkdtempSync(join(tmpdir(), "quire-parallel-data-"));
});
afterAll(() => {
  removeSite(root);
  rmSync(data, { recursive: true, force: true });
});

/** Builds an index at `name`, with the search thread or without; `meanwhile` runs just before the refresh. */
async function build(name: string, parallel: boolean, meanwhile?: () => void): Promise<Db> {
  const indexPath = join(data, name, "index.db");
  const { db } = openIndex({ path: indexPath });
  const contentDir = join(root, "content");
  const search = parallel ? startSearchBuild({ db, indexPath }) : null;
  if (parallel) expect(search).not.toBeNull();
  meanwhile?.();
  refreshIndex({ db, contentDir, timeZone: "UTC", ...search?.hooks });
  if (search) expect(await search.finish(db)).toBeGreaterThan(ENTRIES / 2);
  syncSearch(db, contentDir, "UTC");
  return db;
}

function answers(db: Db) {
  const searcher = new Searcher(db, { contentDir: join(root, "content"), timeZone: "UTC" });
  const admin = { signedIn: true, groups: new Set(["admin"]), isAdmin: true, accessKey: "rA" };
  return QUERIES.flatMap((q) =>
    [ANONYMOUS_ACCESS, admin].map((reader) => {
      const r = searcher.search(q, { now: NOW, count: 100, reader });
      return { q, total: r.total, unauthorized: r.hasUnauthorized, hits: r.hits };
    }),
  );
}

describe("the search tables of a first index, filled on a second thread", () => {
  it("answer every query as a one-thread build does, and pass FTS5's integrity check", async () => {
    const one = await build("one-thread", false);
    const two = await build("two-threads", true);
    const expected = answers(one);
    expect(expected.find((a) => a.q === "heron")!.total).toBeGreaterThan(10);
    expect(answers(two)).toEqual(expected);
    const docs = (db: Db) =>
      db.prepare("SELECT file, hash, auth, status, category, date FROM search_docs ORDER BY file").all();
    expect(docs(two)).toEqual(docs(one));
    expect(() => two.exec("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")).not.toThrow();
    one.close();
    two.close();
  });

  it("are the same bytes on every build", async () => {
    const blocks = (db: Db) =>
      db.prepare("SELECT id, hex(block) FROM search_fts_data ORDER BY id").raw().all() as unknown[];
    const a = await build("again-a", true);
    const b = await build("again-b", true);
    expect(blocks(a).length).toBeGreaterThan(1);
    expect(blocks(b)).toEqual(blocks(a));
    a.close();
    b.close();
  });

  it("fill on the server's indexing thread at a cold start, with the same answers", async () => {
    const one = await build("server-reference", false);
    const expected = answers(one);
    one.close();
    const t = await serveSite(root, { inlineIndexer: false, now: () => NOW });
    try {
      // The site is ready once the entries are indexed; search catches up right after, on its own.
      await vi.waitFor(() => expect(searchInStep(t.site.index.db)).toBe(true), {
        timeout: 120_000,
        interval: 50,
      });
      expect(answers(t.site.index.db)).toEqual(expected);
      const page = await t.get("/search?q=heron");
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`${expected[0]!.total} entries match`);
    } finally {
      await t.stop();
    }
  }, 180_000);

  it("fill on a second thread in `quire build`'s own indexing, with the same answers", async () => {
    const one = await build("build-reference", false);
    const expected = answers(one);
    one.close();
    const indexPath = join(data, "inline", "index.db");
    const indexer = new Indexer({
      indexPath,
      contentDir: join(root, "content"),
      timeZone: "UTC",
      inline: true,
    });
    try {
      const summary = await indexer.refresh();
      expect(summary.problems).toEqual([]);
      const { db } = openIndex({ path: indexPath });
      // In step when the refresh resolves: the build renders its pages (and its static search) right after.
      expect(searchInStep(db)).toBe(true);
      expect(answers(db)).toEqual(expected);
      db.close();
      expect(existsSync(`${indexPath}.search-build`)).toBe(false);
    } finally {
      await indexer.close();
    }
  });

  it("take the stamped bytes of files the refresh wrote IDs into after handing them over", async () => {
    // Half the entries without an Entry-ID: the refresh writes one into each file after the thread has its
    // bytes, then indexes the stamped files again and hands them over a second time (the thread used to fail
    // on the repeated file, leaving the whole site to be read again on one thread).
    const files = siteFiles();
    for (const rel of Object.keys(files))
      if (/e\d*[02468]\.md$/.test(rel)) files[rel] = files[rel]!.replace(/^Entry-ID: \d+\n/m, "");
    const stampRoot = makeSite(files, "quire-parallel-stamp-");
    try {
      const contentDir = join(stampRoot, "content");
      const built = async (name: string, parallel: boolean) => {
        const indexPath = join(data, name, "index.db");
        const { db } = openIndex({ path: indexPath });
        const search = parallel ? startSearchBuild({ db, indexPath }) : null;
        refreshIndex({ db, contentDir, timeZone: "UTC", writeBack: true, ...search?.hooks });
        if (search) expect(await search.finish(db)).toBeGreaterThan(ENTRIES / 2);
        syncSearch(db, contentDir, "UTC");
        return db;
      };
      const two = await built("stamped-two", true);
      const stale = two
        .prepare("SELECT count(*) FROM search_docs d JOIN files f ON f.path = d.file WHERE f.hash != d.hash")
        .pluck()
        .get();
      expect(stale).toBe(0);
      // The files are stamped now: a one-thread build of them is the reference.
      const one = await built("stamped-one", false);
      const search = (db: Db) =>
        new Searcher(db, { contentDir, timeZone: "UTC" })
          .search("heron", { now: NOW, count: 100 })
          .hits.map((h) => h.file);
      expect(search(one).length).toBeGreaterThan(10);
      expect(search(two)).toEqual(search(one));
      expect(() => two.exec("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")).not.toThrow();
      one.close();
      two.close();
    } finally {
      removeSite(stampRoot);
    }
  });

  it("search a file changed while the thread was reading as it is now", async () => {
    const file = join(root, "content", "blog", "e1.md");
    const db = await build("changed", true, () =>
      writeFileSync(file, "Title: Xylophone\nEntry-ID: 1\nDate: 2024-01-10\n\nA xylophone solo.\n"),
    );
    const searcher = new Searcher(db, { contentDir: join(root, "content"), timeZone: "UTC" });
    const found = searcher.search("xylophone", { now: NOW });
    expect(found.hits.map((h) => h.file)).toEqual(["blog/e1.md"]);
    expect(found.hits[0]!.title).toBe("<mark>Xylophone</mark>");
    expect(searcher.search('"the heron 1"', { now: NOW }).hits.map((h) => h.file)).not.toContain(
      "blog/e1.md",
    );
    expect(() => db.exec("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")).not.toThrow();
    db.close();
  });
});
