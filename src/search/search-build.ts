/**
 * Fills the search tables of a cold index on a second thread while the first builds the index: FTS5's insert
 * costs about as much as the rest of a first index, so doing both at once on two cores keeps `quire index`
 * close to its time without search. The thread writes into a scratch database; its tables are then copied
 * into the index and checked against what the refresh indexed, and `syncSearch` does whatever is left.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import Database from "better-sqlite3";
import { removeIndexFiles, type Db } from "../db/open-index.js";
import type { PreparedFile } from "../db/prepare-file.js";
import { refreshIndex, type RefreshOptions, type RefreshSummary } from "../db/refresh.js";
import { syncSearch } from "./search-index.js";

/** Below this many entry files a thread costs more to start than it saves. */
export const PARALLEL_MIN_FILES = 500;

/** A search build under way on another thread. */
export interface SearchBuild {
  /**
   * `refreshIndex`'s `onScan` and `onEntry`: the thread starts once the scan has counted enough entries, and
   * is handed each entry the refresh has read, bytes and header values, so it reads and parses no file itself.
   */
  hooks: { onScan: (entryFiles: number) => void; onEntry: (file: PreparedFile) => void };
  /**
   * Waits for the thread and moves its tables into the index (call after the refresh, outside a
   * transaction); returns how many entries it brought, 0 if it failed or never started (`syncSearch` then
   * does it all).
   */
  finish(db: Db): Promise<number>;
  /** Stops the thread and throws its work away (the index failed). */
  cancel(): Promise<void>;
}

/**
 * Prepares to fill the search tables of the index at `indexPath` on another thread, or returns null when that
 * cannot help: an index in memory, one core, or search tables already filled. The thread starts only for a
 * site of PARALLEL_MIN_FILES entries or more, as the refresh's scan finds (no scan of its own).
 */
export function startSearchBuild(options: { db: Db; indexPath: string }): SearchBuild | null {
  const { db, indexPath } = options;
  if (indexPath === ":memory:" || availableParallelism() < 2) return null;
  if (db.prepare("SELECT 1 FROM search_docs LIMIT 1").get() !== undefined) return null;
  const scratch = `${indexPath}.search-build`;
  let thread: { worker: Worker; done: Promise<number> } | null = null;
  const start = () => {
    removeIndexFiles(scratch);
    const fromSource = import.meta.url.endsWith(".ts");
    // From TypeScript source (development, tests) a small JavaScript bootstrap registers tsx in the thread.
    const url = new URL(fromSource ? "../db/ts-worker.mjs" : "./search-build-worker.js", import.meta.url);
    const worker = new Worker(url, {
      workerData: {
        scratch,
        __entry: new URL("./search-build-worker.ts", import.meta.url).href,
      },
    });
    const done = new Promise<number>((resolve, reject) => {
      worker.once("message", (msg: { docs: number }) => resolve(msg.docs));
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the search thread exited with code ${code}`)));
    });
    thread = { worker, done };
  };
  // Entries go over in batches, their bytes moved rather than copied.
  let batch: SearchDoc[] = [];
  const send = () => {
    thread!.worker.postMessage(
      { docs: batch },
      batch.map((d) => d.bytes.buffer as ArrayBuffer),
    );
    batch = [];
  };
  return {
    hooks: {
      onScan(entryFiles: number): void {
        if (entryFiles >= PARALLEL_MIN_FILES && !thread) start();
      },
      onEntry(file: PreparedFile): void {
        const entry = file.entry;
        if (!thread || !entry || !file.bytes) return;
        const [, , title, , , date, , , , , category, status, , , , , , , auth] = entry;
        const tags = (file.tags ?? []).filter((t) => t[2] === 0).map((t) => t[1]);
        batch.push({
          file: file.rel,
          hash: file.hash,
          bytes: file.bytes,
          title,
          tags,
          auth: auth ?? "",
          status,
          category,
          date,
        });
        if (batch.length >= BATCH) send();
      },
    },
    async finish(target: Db): Promise<number> {
      const running = thread;
      if (!running) return 0;
      try {
        send();
        running.worker.postMessage({ end: true });
        const docs = await running.done;
        copyTables(indexPath, scratch);
        reconcile(target);
        return docs;
      } catch {
        // Nothing is lost: the search tables are empty or consistent, and syncSearch fills them.
        return 0;
      } finally {
        await running.worker.terminate();
        removeIndexFiles(scratch);
      }
    },
    async cancel(): Promise<void> {
      const running = thread;
      if (!running) return;
      running.done.catch(() => undefined);
      await running.worker.terminate();
      removeIndexFiles(scratch);
    },
  };
}

/**
 * A refresh of the index at `indexPath`, then its search tables brought in step: a first index of a large site
 * fills them on another thread while the refresh runs (see startSearchBuild). `refreshed` hears the refresh's
 * summary before search is done (the server serves from then on); `searchMs` is what search took after it.
 */
export async function refreshWithSearch(
  indexPath: string,
  options: Omit<RefreshOptions, "onEntry" | "onScan">,
  refreshed?: (summary: RefreshSummary) => void,
): Promise<RefreshSummary & { searchMs: number }> {
  const { db, contentDir, timeZone } = options;
  const build = startSearchBuild({ db, indexPath });
  let summary: RefreshSummary;
  try {
    summary = refreshIndex({ ...options, ...build?.hooks });
  } catch (err) {
    await build?.cancel();
    throw err;
  }
  refreshed?.(summary);
  const started = performance.now();
  await build?.finish(db);
  syncSearch(db, contentDir, timeZone);
  return { ...summary, searchMs: Math.round(performance.now() - started) };
}

/** What the thread is given of one entry (see search-build-worker.ts). */
export interface SearchDoc {
  file: string;
  hash: string;
  bytes: Uint8Array;
  title: string;
  /** Its visible tags as written. */
  tags: string[];
  auth: string;
  status: string;
  category: string;
  date: number;
}

/** Entries per message to the thread. */
const BATCH = 200;

/** Copies the scratch tables into the index in one transaction, on a connection of its own. */
function copyTables(indexPath: string, scratch: string): void {
  const conn = new Database(indexPath);
  try {
    conn.pragma("synchronous = NORMAL");
    // FTS5's storage tables are read-only to SQL unless the connection says it knows what it is doing:
    // copying them whole between two tables made with the same definition is what they allow.
    conn.unsafeMode(true);
    conn.prepare("ATTACH DATABASE ? AS scratch").run(scratch);
    // Read through a memory map: the copy of FTS5's blocks took half the time reading them page by page.
    conn.pragma("scratch.mmap_size = 1073741824");
    // The docs and FTS5's own storage (its config rows are the same in both: the same definition made them).
    const tables = [
      "search_docs",
      ...(conn
        .prepare(
          "SELECT name FROM scratch.sqlite_master WHERE type = 'table' AND name LIKE 'search\\_fts\\_%' ESCAPE '\\' AND name != 'search_fts_config' ORDER BY name",
        )
        .pluck()
        .all() as string[]),
    ];
    conn.transaction(() => {
      for (const table of tables) {
        conn.exec(`DELETE FROM main.${table}`);
        conn.exec(`INSERT INTO main.${table} SELECT * FROM scratch.${table}`);
      }
    })();
    conn.exec("DETACH DATABASE scratch");
  } finally {
    conn.close();
  }
}

/**
 * Keeps only what agrees with the index: a doc read from other bytes than the refresh indexed (the file
 * changed meanwhile) or with another status is dropped, for `syncSearch` to read again; category and date
 * come from `entries`, which settles them.
 */
function reconcile(db: Db): void {
  const stale = db
    .prepare(
      `SELECT d.docid FROM search_docs d WHERE NOT EXISTS (
        SELECT 1 FROM entries e JOIN files f ON f.path = e.file
        WHERE e.file = d.file AND f.hash = d.hash AND e.status = d.status)`,
    )
    .pluck()
    .all() as number[];
  const deleteText = db.prepare("DELETE FROM search_fts WHERE rowid = ?");
  const deleteDoc = db.prepare("DELETE FROM search_docs WHERE docid = ?");
  db.transaction(() => {
    for (const docid of stale) {
      deleteText.run(docid);
      deleteDoc.run(docid);
    }
    db.exec(
      `UPDATE search_docs SET category = e.category, date = e.date FROM entries e
       WHERE e.file = search_docs.file AND (search_docs.category IS NOT e.category OR search_docs.date IS NOT e.date)`,
    );
  })();
}
