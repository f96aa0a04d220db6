/**
 * Runs index refreshes on a worker thread (one at a time, coalesced), so the server answers requests while it
 * indexes; the thread can be stopped when idle and is started again by the next refresh.
 */
import { Worker } from "node:worker_threads";
import { QuireError, type ErrorCode } from "../errors.js";
import type { RefreshSummary } from "./refresh.js";
import { openIndex, refreshIndex, type Db } from "./index.js";
import type { SlugStyle } from "../content/slug.js";
// Straight from the module, not the folder index: the indexer need not load the template side of search.
import { syncSearch } from "../search/search-index.js";
import { refreshWithSearch } from "../search/search-build.js";

export interface IndexerOptions {
  indexPath: string;
  contentDir: string;
  timeZone: string;
  /** `[content] slug_style`. */
  slugStyle?: SlugStyle;
  /** Run on the calling thread instead of a worker (tests, tools). */
  inline?: boolean;
  /** Refresh this open database on the calling thread (an index in memory, which no thread can share). */
  db?: Db;
  /**
   * Stop the thread once it has been idle this long (its heap and SQLite cache are ~60 MB on a 10,000-entry
   * site, and a server that does not watch content/ refreshes rarely); undefined keeps it.
   */
  idleStopMs?: number;
  /**
   * Fill the search tables on an inline refresh (default true). A build that writes no static search index
   * leaves them: its index is complete without them, and the next refresh that keeps them (a server's) fills
   * them.
   */
  searchTables?: boolean;
}

type WireSummary = Omit<RefreshSummary, "problems"> & { problems: ReturnType<QuireError["toJSON"]>[] };

/** Refreshes the index file in the background; `refresh()` calls made while one runs share the next run. */
export class Indexer {
  private readonly options: IndexerOptions;
  private worker: Worker | undefined;
  private inlineDb: Db | undefined;
  private seq = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (s: RefreshSummary) => void; reject: (e: Error) => void }
  >();
  private current: Promise<RefreshSummary> | undefined;
  private queued: Promise<RefreshSummary> | undefined;
  private queuedWriteBack = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(options: IndexerOptions) {
    this.options = options;
  }

  /** Brings the index in step with content/; concurrent calls coalesce into at most one extra run. */
  refresh(writeBack = false): Promise<RefreshSummary> {
    if (!this.current) {
      this.current = this.run(writeBack).finally(() => {
        this.current = undefined;
      });
      return this.current;
    }
    this.queuedWriteBack ||= writeBack;
    this.queued ??= this.current
      .catch(() => undefined)
      .then(() => {
        const wb = this.queuedWriteBack;
        this.queued = undefined;
        this.queuedWriteBack = false;
        return this.refresh(wb);
      });
    return this.queued;
  }

  private run(writeBack: boolean): Promise<RefreshSummary> {
    if (this.options.inline || this.options.db) {
      const db = (this.inlineDb ??= this.options.db ?? openIndex({ path: this.options.indexPath }).db);
      return this.runInline(db, writeBack);
    }
    const worker = this.ensureWorker();
    clearTimeout(this.idleTimer);
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, writeBack });
    });
  }

  /**
   * A refresh on this thread. A first index of a large file-backed site (a cold `quire build`) fills its search
   * tables on another thread meanwhile, as `quire index` and the indexing thread do: the build's pages wait for
   * both, and on two cores they take the time of the longer instead of the sum.
   */
  private async runInline(db: Db, writeBack: boolean): Promise<RefreshSummary> {
    const { contentDir, timeZone, slugStyle } = this.options;
    const refresh = { db, contentDir, timeZone, slugStyle, writeBack };
    if (this.options.searchTables === false) return refreshIndex(refresh);
    // An index in memory (`options.db`) has no file for another thread to fill.
    if (this.options.db) {
      const summary = refreshIndex(refresh);
      syncSearch(db, contentDir, timeZone);
      return summary;
    }
    const { searchMs: _searchMs, ...summary } = await refreshWithSearch(this.options.indexPath, refresh);
    return summary;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const fromSource = import.meta.url.endsWith(".ts");
    // From TypeScript source (development, tests) a small JavaScript bootstrap registers tsx in the worker first.
    const url = new URL(fromSource ? "./ts-worker.mjs" : "./index-worker.js", import.meta.url);
    const worker = new Worker(url, {
      workerData: {
        indexPath: this.options.indexPath,
        contentDir: this.options.contentDir,
        timeZone: this.options.timeZone,
        slugStyle: this.options.slugStyle,
        __entry: new URL("./index-worker.ts", import.meta.url).href,
      },
    });
    worker.unref();
    worker.on(
      "message",
      (msg: { id: number; summary?: WireSummary; error?: { message: string }; idle?: number }) => {
        if (msg.idle !== undefined) {
          if (msg.idle === this.seq) this.stopWhenIdle(worker);
          return;
        }
        const waiter = this.waiting.get(msg.id);
        if (!waiter) return;
        this.waiting.delete(msg.id);
        if (msg.summary) waiter.resolve(fromWire(msg.summary));
        else
          waiter.reject(
            new QuireError("E_INDEX", `indexing failed: ${msg.error?.message ?? "unknown error"}`),
          );
      },
    );
    worker.on("error", (err) => {
      if (this.worker === worker) this.failAll(err);
    });
    worker.on("exit", (code) => {
      // A thread stopped for being idle has no waiters, and a new one may already run.
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (code !== 0) this.failAll(new QuireError("E_INDEX", `the indexing thread exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  /** After the last refresh posted has finished (search included), stops the thread if nothing comes first. */
  private stopWhenIdle(worker: Worker): void {
    const ms = this.options.idleStopMs;
    if (ms === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.current || this.queued) return;
      this.worker = undefined;
      // The thread closes its connection and ends; the next refresh starts a new one.
      worker.postMessage({ stop: true });
    }, ms);
    this.idleTimer.unref();
  }

  /** True while an indexing thread exists (for tests and memory checks). */
  get threadRunning(): boolean {
    return this.worker !== undefined;
  }

  private failAll(err: unknown): void {
    for (const w of this.waiting.values()) {
      w.reject(err instanceof Error ? err : new Error(String(err)));
    }
    this.waiting.clear();
  }

  /** Stops the indexing thread after the refresh in progress. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.current?.catch(() => undefined);
    await this.queued?.catch(() => undefined);
    await this.worker?.terminate();
    this.worker = undefined;
    // A database handed in belongs to the caller.
    if (!this.options.db) this.inlineDb?.close();
    this.inlineDb = undefined;
  }
}

function fromWire(s: WireSummary): RefreshSummary {
  return {
    ...s,
    problems: s.problems.map(
      (p) =>
        new QuireError(p.code as ErrorCode, String(p.message), {
          ...(p.file ? { file: String(p.file) } : {}),
          ...(p.line ? { line: Number(p.line) } : {}),
          ...(p.field ? { field: String(p.field) } : {}),
        }),
    ),
  };
}
