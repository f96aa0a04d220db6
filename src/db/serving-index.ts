/**
 * The index a running site serves from, kept current: opened (or held in memory when the data folder cannot),
 * refreshed from content/ by the indexing thread and the watcher, and rebuilt when its file is deleted, replaced
 * or corrupted under the server.
 */
import type { Logger } from "../log.js";
import type { ContentWatcher } from "../content/watcher.js";
import {
  openIndex,
  openIndexOrMemory,
  removeIndexFiles,
  isCorruption,
  getMeta,
  type Db,
} from "./open-index.js";
import type { RefreshSummary } from "./refresh.js";
import { ContentIndex } from "./content-index.js";
import { Indexer } from "./indexer.js";
import { indexFileProblem, inodeOf } from "./index-file.js";
import { indexMatchesSettings, type IndexSettings } from "./index-settings.js";

/** How long a boot with a ready index waits before checking it against content/. */
const BOOT_CHECK_DELAY_MS = 500;
/**
 * SQLite's page cache for the serving connection, in KiB: 4 MB instead of 16 (RSS 150 vs 165 MB after the http
 * bench, no CPU cost seen: the pages a request reads stay in the OS's file cache).
 */
const SERVING_CACHE_KB = 4_000;
/** How long the indexing thread of a server that does not watch content/ stays after its last refresh. */
const INDEXER_IDLE_STOP_MS = 5_000;
/** How often the index file is checked to be the one this process opened, and intact. */
const INDEX_CHECK_MS = 2000;

/** Folders watched beside content/ (templates, the extensions file) and what a change to them does. */
export interface AlsoWatched {
  paths: string[];
  /** Called first for every burst of changes; true when it touched these paths and pages changed. */
  changed(paths: string[]): Promise<boolean>;
}

export interface ServingIndexOptions {
  indexPath: string;
  contentDir: string;
  /** The time zone and slug style entries are indexed under. */
  settings: IndexSettings;
  logger: Logger;
  /** Write missing headers back into entry files on refresh. */
  writeBack: boolean;
  /** Watch content/ (and `alsoWatched`) once the first index is done. */
  watch: boolean;
  /** The watcher's safety-net rescan period; 0 turns it off. */
  rescanMs: number;
  /** Run indexing on this thread (tests, tools). */
  inlineIndexer: boolean;
  /** Fill the search tables (see IndexerOptions.searchTables). */
  searchTables: boolean;
  /** After each refresh: `changed` when indexed content changed or the index was rebuilt (forget what was read). */
  refreshed(changed: boolean): void;
  /** The content problems of the first index and of each change the watcher brings. */
  problems(summary: RefreshSummary): void;
  /** Asked when watching starts. */
  alsoWatched(): AlsoWatched;
}

/** The serving index and what keeps it current; `index` is the one to query at any moment. */
export class ServingIndex {
  private readonly options: ServingIndexOptions;
  private readonly logger: Logger;
  /** Where the index lives: the file, or ":memory:" when the data folder could not hold it. */
  readonly indexPath: string;
  private indexer: Indexer;
  private db: Db;
  private contentIndex: ContentIndex;
  private indexInode = 0;
  private recovering: Promise<void> | undefined;
  private indexCheckTimer: NodeJS.Timeout | undefined;
  /** The index, when it lives in memory because the data folder cannot hold it. */
  private memoryIndex: Db | undefined;
  private categorySet: ReadonlySet<string> = new Set([""]);
  private isReady = false;
  private watcher: ContentWatcher | undefined;
  private readonly listeners: (() => void)[] = [];
  private firstIndex: Promise<RefreshSummary> | undefined;
  private closing = false;

  constructor(options: ServingIndexOptions) {
    this.options = options;
    this.logger = options.logger;
    const opened = openIndexOrMemory({
      path: options.indexPath,
      logger: this.logger,
      cacheKb: SERVING_CACHE_KB,
    });
    if (opened.problem) {
      // The data folder is full or read-only: serve from memory rather than not at all, and say why.
      this.logger.error({ index: options.indexPath }, opened.problem);
      this.memoryIndex = opened.db;
    }
    this.indexPath = opened.problem ? ":memory:" : options.indexPath;
    this.db = opened.db;
    this.contentIndex = new ContentIndex(this.db);
    this.indexInode = inodeOf(this.indexPath);
    // An index built at deploy time (or by an earlier run) serves at once; a refresh checks it in the background.
    // One built under another time zone or slug style is not: its dates and URLs would be wrong until rebuilt.
    if (
      opened.reason === "opened" &&
      getMeta(this.db, "generation") !== undefined &&
      indexMatchesSettings(this.db, this.options.settings)
    )
      this.markReady();
    this.indexer = this.createIndexer();
  }

  /** True once the first index is complete (or a deploy-time index was found). */
  get ready(): boolean {
    return this.isReady;
  }

  get index(): ContentIndex {
    return this.contentIndex;
  }

  /** The categories of the index (read once per change). */
  get categories(): ReadonlySet<string> {
    return this.categorySet;
  }

  /** True when the index lives in memory because the data folder cannot hold it. */
  get inMemory(): boolean {
    return this.memoryIndex !== undefined;
  }

  /** Indexes in the background, then watches (if enabled) and checks the index file; resolves after the first index. */
  start(): Promise<RefreshSummary> {
    if (this.firstIndex) return this.firstIndex;
    // With an index from deploy time the site already serves; the check that it matches content/ can wait a
    // moment, so the first requests of a fresh dyno do not share its two cores with the indexing thread.
    const delay = this.isReady && !this.options.inlineIndexer ? BOOT_CHECK_DELAY_MS : 0;
    const first =
      delay > 0 ? new Promise<void>((r) => setTimeout(r, delay)).then(() => this.refresh()) : this.refresh();
    this.firstIndex = first.then(async (summary) => {
      this.logger.info(
        {
          entries: summary.entries,
          problems: summary.problems.length,
          ms: summary.ms,
          index: this.indexPath,
        },
        `indexed ${summary.entries} ${summary.entries === 1 ? "entry" : "entries"} in ${summary.ms} ms`,
      );
      this.options.problems(summary);
      if (this.options.watch) await this.startWatching();
      this.watchIndexFile();
      return summary;
    });
    return this.firstIndex;
  }

  private createIndexer(): Indexer {
    return new Indexer({
      indexPath: this.indexPath,
      contentDir: this.options.contentDir,
      ...this.options.settings,
      inline: this.options.inlineIndexer,
      searchTables: this.options.searchTables,
      db: this.memoryIndex,
      // Without a watcher refreshes are rare (a deploy, a vanished file): the idle thread's memory is not kept.
      idleStopMs: this.options.watch ? undefined : INDEXER_IDLE_STOP_MS,
    });
  }

  /** Refreshes the index now; listeners hear about it when content changed. A lost or corrupt index is rebuilt. */
  async refresh(): Promise<RefreshSummary> {
    if (this.recovering) await this.recovering;
    const problem = this.indexFileProblem();
    if (problem) await this.recoverIndex(problem);
    let summary: RefreshSummary;
    try {
      summary = await this.indexer.refresh(this.options.writeBack);
    } catch (err) {
      if (!isCorruption(err)) throw err;
      await this.recoverIndex("the index file is corrupt");
      summary = await this.indexer.refresh(this.options.writeBack);
    }
    const first = !this.isReady;
    if (summary.changed || first) {
      this.contentIndex.invalidate();
      this.categorySet = new Set(this.contentIndex.categories());
    }
    this.options.refreshed(summary.changed || first);
    this.markReady();
    if (summary.changed && !first) this.emitChange();
    return summary;
  }

  /**
   * Rebuilds the index from content/ after it was deleted or corrupted under a running server: the content
   * folder is the truth, so nothing is lost; requests get 503 + Retry-After for the moment it takes.
   */
  recoverIndex(reason: string): Promise<void> {
    this.recovering ??= (async () => {
      this.logger.warn({ index: this.indexPath, reason }, `${reason}; rebuilding it from content/`);
      this.isReady = false;
      await this.indexer.close().catch(() => undefined);
      try {
        this.db.close();
      } catch {
        // already unusable
      }
      removeIndexFiles(this.indexPath);
      this.db = openIndex({ path: this.indexPath, logger: this.logger, cacheKb: SERVING_CACHE_KB }).db;
      if (this.memoryIndex) this.memoryIndex = this.db;
      this.indexInode = inodeOf(this.indexPath);
      this.contentIndex = new ContentIndex(this.db);
      this.indexer = this.createIndexer();
      await this.indexer.refresh(false);
      this.contentIndex.invalidate();
      this.options.refreshed(true);
      this.markReady();
      this.logger.info({ index: this.indexPath }, "index rebuilt");
    })().finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  /** Starts rebuilding the index when a page failed on a corrupt index file. */
  recoverIfCorrupt(err: unknown): void {
    if (!isCorruption(err)) return;
    void this.recoverIndex("the index file is corrupt").catch((e) =>
      this.logger.error({ err: e }, "could not rebuild the index"),
    );
  }

  /** Forgets what was read from the index (another connection changed it). */
  invalidate(): void {
    this.contentIndex.invalidate();
    this.categorySet = new Set(this.contentIndex.categories());
  }

  /** Why the index file on disk is not the healthy one this process opened, or null. */
  private indexFileProblem(): string | null {
    return this.memoryIndex ? null : indexFileProblem(this.indexPath, this.indexInode);
  }

  /** Checks every few seconds that the index file is still the one this process opened, and intact. */
  private watchIndexFile(): void {
    this.indexCheckTimer = setInterval(() => {
      const problem = this.recovering || !this.isReady ? null : this.indexFileProblem();
      if (problem) {
        void this.recoverIndex(problem).catch((err) =>
          this.logger.error({ err }, "could not rebuild the index"),
        );
      }
    }, INDEX_CHECK_MS).unref();
  }

  private markReady(): void {
    if (this.isReady) return;
    this.categorySet = new Set(this.contentIndex.categories());
    this.isReady = true;
  }

  private async startWatching(): Promise<void> {
    // chokidar is loaded only by sites that watch (development, VPS), not on every dyno boot.
    const { watchContent, WATCH_LIMIT_MESSAGE } = await import("../content/watcher.js");
    if (this.closing) return;
    const also = this.options.alsoWatched();
    this.watcher = watchContent({
      paths: [this.options.contentDir, ...also.paths],
      rescanMs: this.options.rescanMs,
      onChange: async (reason, paths) => {
        if (await also.changed(paths)) this.emitChange();
        const summary = await this.refresh();
        if (summary.changed) {
          const { added, updated, removed, ms } = summary;
          this.logger.info({ reason, added, updated, removed, ms }, "content changed");
          this.options.problems(summary);
        }
      },
      onError: (err) => this.logger.warn({ err }, "watcher error"),
      onPolling: (err) => this.logger.warn({ code: err.code }, WATCH_LIMIT_MESSAGE),
    });
    await this.watcher.ready;
    this.logger.info({ paths: [this.options.contentDir, ...also.paths] }, "watching for changes");
  }

  /** Registers a callback for content or template changes (live reload). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private emitChange(): void {
    for (const l of this.listeners) l();
  }

  /** Stops the watcher, the file check and the indexing thread; the index stays open for `close`. */
  async stop(): Promise<void> {
    this.closing = true;
    if (this.indexCheckTimer) clearInterval(this.indexCheckTimer);
    await this.recovering?.catch(() => undefined);
    await this.watcher?.close();
    await this.indexer.close();
  }

  /** Closes the serving connection. */
  close(): void {
    this.db.close();
  }
}
