/** The composition root: builds a site's index, templates, Markdown, renditions and page cache from config and environment. */
import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { Request, Response } from "express";
import { loadSite, seedReadOnlyData, type LoadedSite, type SitePaths } from "./config/site.js";
import type { QuireConfig } from "./config/schema.js";
import { resolveBaseUrl } from "./config/base-url.js";
import { infraFromEnv } from "./config/env.js";
import { createLogger, type Logger } from "./log.js";
import {
  openIndex,
  openIndexOrMemory,
  removeIndexFiles,
  isCorruption,
  ContentIndex,
  getMeta,
  type Db,
  type IndexedEntry,
  type RefreshSummary,
} from "./db/index.js";
import { Indexer } from "./db/indexer.js";
import { indexFileProblem, inodeOf } from "./db/index-file.js";
import { indexMatchesSettings, type IndexSettings } from "./db/index-settings.js";
import type { ContentWatcher } from "./content/watcher.js";
import { createMarkdown } from "./markdown/index.js";
import { TemplateEngine } from "./template/engine.js";
import { EntryContent } from "./template/entry-content.js";
import { TemplateRuntime } from "./template/runtime.js";
import { templateGlobals } from "./template/globals.js";
import { templateObject, templateReference } from "./template/page-objects.js";
import { PageContexts } from "./template/page-context.js";
import type { FoundTemplate } from "./template/loader.js";
import type { RouteContext } from "./http/route.js";
import type { Page, PageSite } from "./http/pages.js";
import { injectLiveReload } from "./http/live-reload.js";
import {
  createPageCache,
  renderSettingsDigest,
  SitePageCache,
  type PageCache,
  type CacheFastPath,
} from "./cache/index.js";
import { createImages, siteSecret, type SiteImages } from "./image/site-images.js";
import { PreviewLinks } from "./preview/preview-links.js";
import { formatErrorChain } from "./errors.js";
import { searchGlobal, searchInStep, SearchCacheGate, isSearchUrl } from "./search/index.js";
import { PageRenderer, type RenderAnswer, type RenderThreads } from "./render/index.js";
import { renderRoute } from "./http/pages.js";
import type { Route } from "./http/route.js";
// The parts of auth/ a static build needs too; sign-in (express, mail) is wired by the HTTP layer alone.
import { SiteAuth } from "./auth/site-auth.js";
import { isSignedIn, type Reader } from "./auth/reader.js";
import { ANONYMOUS_ACCESS, type ReaderAccess } from "./auth/access-rule.js";
import { referenceProblems } from "./references/check.js";
import { siteRoots } from "./content/site-roots.js";
import { ProblemLog } from "./content/problem-log.js";
import { scheduleRenditionCleanup } from "./store/rendition-cleanup.js";
import { acceptList } from "./template/negotiate.js";

export interface SiteOptions {
  /** The site folder (default: the current directory). */
  site?: string;
  /** Where Quire writes (default: QUIRE_DATA_DIR or `<site>/.quire`). */
  dataDir?: string;
  /** Development mode: watcher, write-back, live reload, no page cache, pretty logs. */
  dev?: boolean;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Overrides `cache.enabled`. */
  cache?: boolean;
  /** Overrides `cache.memory_mb`, in bytes; 0 keeps no page in this process, so every hit comes from memcached (benches). */
  cacheMemoryBytes?: number;
  /** How long a failing memcached is skipped before it is tried again (default 10 s; tests shorten it). */
  cacheCoolDownMs?: number;
  /** Overrides `content.watch`. */
  watch?: boolean;
  /** Serve DRAFT entries at their URLs (development previews only). */
  drafts?: boolean;
  /** Overrides `content.write_back`. */
  writeBack?: boolean;
  /** Run indexing on this thread (tests, tools). */
  inlineIndexer?: boolean;
  /** The clock (tests). */
  now?: () => number;
  /** Rendering threads for cache-miss pages, at most (0: render on this thread, the default; never in dev mode). */
  renderThreads?: number;
  /** Rendering threads kept even when idle (default 1); the others start when every thread is on a slow page. */
  renderThreadsMin?: number;
  /** How long one page may take to render on a thread before it is stopped and answered 503 (default 10 s). */
  renderTimeoutMs?: number;
  /** How long a page may render on the main thread before it goes to a rendering thread (default 250 ms; 0: no limit). */
  renderBudgetMs?: number;
  /** How long a rendering thread beyond those kept may stay idle before it is stopped (default 30 s; tests). */
  renderIdleMs?: number;
}

export const QUIRE_VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** How long a boot with a ready index waits before checking it against content/. */
const BOOT_CHECK_DELAY_MS = 500;
/**
 * SQLite's page cache for the serving connection, in KiB: 4 MB instead of 16 (RSS 150 vs 165 MB after the http
 * bench, no CPU cost seen: the pages a request reads stay in the OS's file cache).
 */
const SERVING_CACHE_KB = 4_000;
/** How long the indexing thread of a server that does not watch content/ stays after its last refresh. */
const INDEXER_IDLE_STOP_MS = 5_000;

/** A running site: what the HTTP layer and the commands use. */
export class Site implements PageSite {
  readonly loaded: LoadedSite;
  readonly paths: SitePaths;
  readonly config: QuireConfig;
  readonly logger: Logger;
  readonly dev: boolean;
  readonly baseUrl: string;
  readonly engine: TemplateEngine;
  readonly content: EntryContent;
  readonly images: SiteImages;
  /** Signed preview links for drafts and scheduled entries (same secret on every instance). */
  readonly previews: PreviewLinks;
  readonly pageCache: PageCache | null;
  /** Keys, fast path and storing for the page cache, when there is one. */
  private readonly cached: SitePageCache | null;
  /** Readers: who a request comes from, sessions, tokens (see auth/). */
  readonly auth: SiteAuth;
  /** The template variables of entry, category and error pages (template/page-context). */
  readonly entryContext: PageSite["entryContext"];
  readonly categoryContext: PageSite["categoryContext"];
  readonly errorContext: PageSite["errorContext"];
  /** The environment sign-in reads (SMTP settings, memcached for single-use links, NODE_ENV). */
  readonly loginEnv: NodeJS.ProcessEnv;
  readonly now: () => number;
  indexer: Indexer;
  private db: Db;
  private contentIndex: ContentIndex;
  private indexInode = 0;
  private recovering: Promise<void> | undefined;
  private indexCheckTimer: NodeJS.Timeout | undefined;
  private readonly inlineIndexer: boolean;
  /** The index, when it lives in memory because the data folder cannot hold it. */
  private memoryIndex: Db | undefined;
  private categorySet: ReadonlySet<string> = new Set([""]);
  private isReady = false;
  private watcher: ContentWatcher | undefined;
  private readonly listeners: (() => void)[] = [];
  private readonly writeBack: boolean;
  private readonly drafts: boolean;
  private readonly problemLog: ProblemLog;
  private readonly watch: boolean;
  private firstIndex: Promise<RefreshSummary> | undefined;
  private cleanupTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly pages: PageRenderer;
  /** Counts changes to the index and templates: a page rendered across one is not cached. */
  private changes = 0;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: SiteOptions = {}) {
    const env = options.env ?? process.env;
    this.env = env;
    const infra = infraFromEnv(env);
    this.dev = options.dev ?? false;
    this.logger = options.logger ?? createLogger({ pretty: this.dev, level: infra.logLevel });
    this.problemLog = new ProblemLog(this.logger);
    const threads = options.renderThreads ?? 0;
    // Live reload and the watcher's template changes are simplest on one thread: development renders here.
    this.pages = new PageRenderer({
      threads,
      threadsMin: Math.min(threads, options.renderThreadsMin ?? 1),
      budgetMs: options.renderBudgetMs ?? 250,
      timeoutMs: options.renderTimeoutMs ?? 10_000,
      idleMs: options.renderIdleMs,
      dev: this.dev,
      setup: () => ({
        site: this.paths.root,
        dataDir: this.paths.dataDir,
        env: { ...this.env },
        logLevel: this.logger.level,
      }),
      logger: this.logger,
    });
    this.loaded = loadSite({ site: options.site, dataDir: options.dataDir }, env);
    this.paths = this.loaded.paths;
    this.config = this.loaded.config;
    for (const p of [...this.loaded.configErrors, ...this.loaded.configUnknown])
      this.logger.warn(p.describe());
    const base = resolveBaseUrl(this.config.site.base_url, env, this.dev);
    this.baseUrl = base.url;
    if (base.warning) this.logger.warn({ field: "site.base_url" }, base.warning);
    // Pages embed the site settings and absolute URLs: processes that render them differently must not share pages.
    this.now = options.now ?? Date.now;
    // A read-only site is never written to: its data lives in a temporary folder and write-back is off.
    this.writeBack =
      !this.paths.readOnly && (options.writeBack ?? this.config.content.write_back ?? this.dev);
    this.watch = options.watch ?? this.config.content.watch ?? this.dev;
    this.drafts = this.dev && options.drafts === true;
    if (this.paths.readOnly) {
      seedReadOnlyData(this.paths);
      this.logger.warn(
        { site: this.paths.root, data: this.paths.dataDir },
        `the site folder cannot be written: the index and renditions go to ${this.paths.dataDir}, and missing headers are not written back (set QUIRE_DATA_DIR or --data to choose the folder)`,
      );
    }

    const opened = openIndexOrMemory({
      path: this.paths.indexPath,
      logger: this.logger,
      cacheKb: SERVING_CACHE_KB,
    });
    if (opened.problem) {
      // The data folder is full or read-only: serve from memory rather than not at all, and say why.
      this.logger.error({ index: this.paths.indexPath }, opened.problem);
      this.paths = { ...this.paths, indexPath: ":memory:" };
      this.memoryIndex = opened.db;
    }
    this.db = opened.db;
    this.contentIndex = new ContentIndex(this.db);
    this.indexInode = inodeOf(this.paths.indexPath);
    // An index built at deploy time (or by an earlier run) serves at once; a refresh checks it in the background.
    // One built under another time zone or slug style is not: its dates and URLs would be wrong until rebuilt.
    if (
      opened.reason === "opened" &&
      getMeta(this.db, "generation") !== undefined &&
      indexMatchesSettings(this.db, this.indexSettings())
    )
      this.markReady();
    this.inlineIndexer = options.inlineIndexer ?? false;
    this.indexer = this.createIndexer();

    this.engine = new TemplateEngine({ templatesDir: this.paths.templatesDir, siteRoot: this.paths.root });
    this.loginEnv = env;
    const secret = siteSecret(this.paths.dataDir, infra.secret, this.logger, this.dev);
    this.images = createImages({ site: this, env, secret });
    this.auth = new SiteAuth({
      config: this.config,
      siteRoot: this.paths.root,
      secret,
      logger: this.logger,
      now: this.now,
    });
    this.previews = new PreviewLinks(secret);
    const md = createMarkdown({ plugins: this.images.markdownPlugins });
    this.content = new EntryContent({
      contentDir: this.paths.contentDir,
      baseUrl: this.baseUrl,
      md,
      index: () => this.contentIndex,
      images: this.images.hooks,
      // A file gone from under the index (a deploy under way): catch up now rather than at the next rescan.
      onVanished: () => void this.refresh().catch((err) => this.logger.warn({ err }, "refresh failed")),
    });
    const contexts = new PageContexts({
      config: this.config,
      baseUrl: this.baseUrl,
      dev: this.dev,
      version: QUIRE_VERSION,
      contentDir: this.paths.contentDir,
      content: this.content,
      auth: this.auth,
      index: () => this.contentIndex,
      categories: () => this.categorySet,
      now: this.now,
      warn: (message, fields) => this.logger.warn(fields, message),
      image: (rt, category) => this.images.templateImage(rt, category),
    });
    this.entryContext = (...args) => contexts.entry(...args);
    this.categoryContext = (...args) => contexts.category(...args);
    this.errorContext = (...args) => contexts.error(...args);
    for (const [name, value] of Object.entries(templateGlobals(this, md))) this.engine.addGlobal(name, value);
    this.engine.addGlobal("search", searchGlobal());

    const cacheOn = options.cache ?? this.config.cache.enabled ?? !this.dev;
    this.pageCache = cacheOn
      ? createPageCache({
          env,
          memoryBytes: options.cacheMemoryBytes ?? this.config.cache.memory_mb * 1024 * 1024,
          timeoutMs: this.config.cache.memcached_timeout_ms,
          coolDownMs: options.cacheCoolDownMs,
          logger: this.logger,
        })
      : null;
    // Searches are cached only while the search index is in step with the content index, and only so many.
    const searches = new SearchCacheGate();
    this.cached = this.pageCache
      ? new SitePageCache({
          cache: this.pageCache,
          generation: () => this.contentIndex.generation,
          templates: () => this.engine.fingerprint(),
          renderSettings: renderSettingsDigest(
            [this.config.site, this.config.view, this.config.images, this.baseUrl],
            this.images.signingKeyId,
          ),
          version: QUIRE_VERSION,
          admit: (req, url, generation) => {
            const db = this.contentIndex.db;
            return !isSearchUrl(url) || searches.admit(req, url, generation, () => searchInStep(db));
          },
          nextScheduledAt: (renderedAt) => this.contentIndex.nextScheduledAt(renderedAt),
          ttlSeconds: this.config.cache.ttl_seconds,
          now: this.now,
          logger: this.logger,
        })
      : null;
  }

  /** True once the first index is complete (or a deploy-time index was found). */
  get ready(): boolean {
    return this.isReady;
  }

  get index(): ContentIndex {
    return this.contentIndex;
  }

  /** Starts indexing in the background and, if enabled, watching; resolves when the first index is done. */
  start(): Promise<RefreshSummary> {
    if (this.firstIndex) return this.firstIndex;
    // With an index from deploy time the site already serves; the check that it matches content/ can wait a
    // moment, so the first requests of a fresh dyno do not share its two cores with the indexing thread.
    const delay = this.isReady && !this.inlineIndexer ? BOOT_CHECK_DELAY_MS : 0;
    const first =
      delay > 0 ? new Promise<void>((r) => setTimeout(r, delay)).then(() => this.refresh()) : this.refresh();
    this.firstIndex = first.then(async (summary) => {
      this.logger.info(
        {
          entries: summary.entries,
          problems: summary.problems.length,
          ms: summary.ms,
          index: this.paths.indexPath,
        },
        `indexed ${summary.entries} ${summary.entries === 1 ? "entry" : "entries"} in ${summary.ms} ms`,
      );
      this.logNewProblems(summary);
      if (this.watch) await this.startWatching();
      this.cleanupTimer = scheduleRenditionCleanup(
        this.images.store,
        this.config.images.cache_age_days,
        this.logger,
      );
      this.watchIndexFile();
      return summary;
    });
    return this.firstIndex;
  }

  private createIndexer(): Indexer {
    return new Indexer({
      indexPath: this.paths.indexPath,
      contentDir: this.paths.contentDir,
      ...this.indexSettings(),
      inline: this.inlineIndexer,
      db: this.memoryIndex,
      // Without a watcher refreshes are rare (a deploy, a vanished file): the idle thread's memory is not kept.
      idleStopMs: this.watch ? undefined : INDEXER_IDLE_STOP_MS,
    });
  }

  private indexSettings(): IndexSettings {
    return { timeZone: this.config.site.timezone, slugStyle: this.config.content.slug_style };
  }

  /** Refreshes the index now; listeners hear about it when content changed. A lost or corrupt index is rebuilt. */
  async refresh(): Promise<RefreshSummary> {
    if (this.recovering) await this.recovering;
    const problem = this.indexFileProblem();
    if (problem) await this.recoverIndex(problem);
    let summary: RefreshSummary;
    try {
      summary = await this.indexer.refresh(this.writeBack);
    } catch (err) {
      if (!isCorruption(err)) throw err;
      await this.recoverIndex("the index file is corrupt");
      summary = await this.indexer.refresh(this.writeBack);
    }
    const first = !this.isReady;
    if (summary.changed || first) {
      this.contentIndex.invalidate();
      this.categorySet = new Set(this.contentIndex.categories());
      this.content.clear();
      this.changed();
    } else this.content.forgetVanished();
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
      this.logger.warn({ index: this.paths.indexPath, reason }, `${reason}; rebuilding it from content/`);
      this.isReady = false;
      await this.indexer.close().catch(() => undefined);
      try {
        this.db.close();
      } catch {
        // already unusable
      }
      removeIndexFiles(this.paths.indexPath);
      this.db = openIndex({ path: this.paths.indexPath, logger: this.logger, cacheKb: SERVING_CACHE_KB }).db;
      if (this.memoryIndex) this.memoryIndex = this.db;
      this.indexInode = inodeOf(this.paths.indexPath);
      this.contentIndex = new ContentIndex(this.db);
      this.content.clear();
      this.indexer = this.createIndexer();
      await this.indexer.refresh(false);
      this.contentIndex.invalidate();
      this.changed();
      this.markReady();
      this.logger.info({ index: this.paths.indexPath }, "index rebuilt");
    })().finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  /** Why the index file on disk is not the healthy one this process opened, or null. */
  private indexFileProblem(): string | null {
    return this.memoryIndex ? null : indexFileProblem(this.paths.indexPath, this.indexInode);
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
    }, 2000).unref();
  }

  private markReady(): void {
    if (this.isReady) return;
    this.categorySet = new Set(this.contentIndex.categories());
    this.isReady = true;
  }

  private async startWatching(): Promise<void> {
    // chokidar is loaded only by sites that watch (development, VPS), not on every dyno boot.
    const { watchContent, WATCH_LIMIT_MESSAGE } = await import("./content/watcher.js");
    if (this.closing) return;
    const extensions = this.engine.extensionsPath();
    this.watcher = watchContent({
      paths: [this.paths.contentDir, this.paths.templatesDir, ...(extensions ? [extensions] : [])],
      rescanMs: this.config.content.rescan_seconds * 1000,
      onChange: async (reason, paths) => {
        if (extensions && paths.includes(extensions))
          await this.engine
            .reloadExtensions()
            .catch((err) => this.logger.error({ error: formatErrorChain(err) }, "extensions not reloaded"));
        if (paths.some((p) => p.startsWith(this.paths.templatesDir) || p === extensions)) {
          this.engine.invalidate();
          this.changed();
          this.emitChange();
        }
        const summary = await this.refresh();
        if (summary.changed) {
          this.logger.info(
            {
              reason,
              added: summary.added,
              updated: summary.updated,
              removed: summary.removed,
              ms: summary.ms,
            },
            "content changed",
          );
          this.logNewProblems(summary);
        }
      },
      onError: (err) => this.logger.warn({ err }, "watcher error"),
      onPolling: (err) => this.logger.warn({ code: err.code }, WATCH_LIMIT_MESSAGE),
    });
    await this.watcher.ready;
    this.logger.info({ paths: [this.paths.contentDir, this.paths.templatesDir] }, "watching for changes");
  }

  /** Logs each content problem once, when it appears (at start, or when a saved file brings it). */
  private logNewProblems(summary: RefreshSummary): void {
    // In development, what entries point at is checked too, as `quire check` does (reads every entry file).
    const problems = this.dev ? [...summary.problems, ...this.referenceProblems()] : summary.problems;
    this.problemLog.report(problems);
  }

  private referenceProblems() {
    return referenceProblems({
      contentDir: this.paths.contentDir,
      roots: siteRoots(this.paths.contentDir),
      index: this.contentIndex,
      route: this.routeContext(ANONYMOUS_ACCESS),
    });
  }

  /** Registers a callback for content or template changes (live reload). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The index or the templates changed: rendering threads forget what they read (before any later page). */
  private changed(): void {
    this.changes++;
    this.pages.invalidate();
  }

  /**
   * Renders a routed request, here or on a rendering thread (see render/page-renderer.ts; a thread routes it
   * again, from the same index, as a signed-out reader). A signed-in reader's page is rendered here: it is
   * theirs alone, never cached, and the threads' failure memory is keyed by URL only. A page that overran its
   * time budget comes back as a plain 503.
   */
  async renderPage(
    route: Exclude<Route, { kind: "redirect" }>,
    path: string,
    search: string,
    renderedAt: number,
    reader: Reader,
    accept?: string,
  ): Promise<RenderAnswer> {
    const changes = this.changes;
    const answer = await this.pages.render(
      { path, search, now: renderedAt, accept, mayUseThread: !isSignedIn(reader) },
      () => renderRoute(this, route, new URLSearchParams(search), reader, path, acceptList(accept)),
    );
    if (answer === null) return { kind: "page", page: overranPage() };
    // Rendered from content that has changed since: right for this reader, not for the cache.
    if (answer.kind === "page" && changes !== this.changes) answer.page.cacheable = false;
    return answer;
  }

  /** The rendering threads, once one has been needed (tests, the bench). */
  get renderThreads(): RenderThreads | null {
    return this.pages.renderThreads;
  }

  /** Pages that overran the main thread's time budget and went to a rendering thread (tests, the bench). */
  get pagesHandedOver(): number {
    return this.pages.stats.handedOver;
  }

  /** Forgets what was read from the index and templates (a rendering thread, told the main thread's index changed). */
  reload(): void {
    this.contentIndex.invalidate();
    this.categorySet = new Set(this.contentIndex.categories());
    this.content.clear();
    this.engine.invalidate();
  }

  private emitChange(): void {
    for (const l of this.listeners) l();
  }

  /** What routing needs, for one reader. */
  routeContext(reader: ReaderAccess): RouteContext {
    const templates = this.engine;
    return {
      index: this.contentIndex,
      now: this.now(),
      reader,
      drafts: this.drafts,
      categories: this.categorySet,
      hasTemplate: (category, name) => templates.find(name, category) !== null,
      indexTemplate: (category) => this.contentIndex.categoryMeta(category)?.indexTemplate ?? "index",
      entryTemplate: (category) => this.contentIndex.categoryMeta(category)?.entryTemplate ?? null,
    };
  }

  // PageSite: what the page renderer asks of the site.

  findTemplate(name: string, category: string, accept?: readonly string[]): FoundTemplate | null {
    return this.engine.find(name, category, accept);
  }

  renderTemplate(template: FoundTemplate, context: Record<string, unknown>): string {
    const html = this.engine.render(template, {
      ...context,
      template: templateObject(
        template,
        this.config.site.timezone,
        (context._rt as TemplateRuntime | undefined)?.now,
      ),
    });
    return this.dev && template.mimeType.startsWith("text/html") ? injectLiveReload(html) : html;
  }

  /** `get_template(name, entry_or_category)` for templates. */
  templateValue(name: string, category: string): unknown {
    const found = this.engine.find(name, category);
    return found ? templateReference(found) : null;
  }

  vanishedEntries(): number {
    return this.content.vanishedCount;
  }

  isVanished(entry: IndexedEntry): boolean {
    return this.content.isVanished(entry);
  }

  logError(err: unknown, context: Record<string, unknown>): void {
    if (isCorruption(err)) {
      void this.recoverIndex("the index file is corrupt").catch((e) =>
        this.logger.error({ err: e }, "could not rebuild the index"),
      );
    }
    this.logger.error({ ...context, error: formatErrorChain(err) }, "page failed");
  }

  // The page cache.

  /** The cache key of a request, or null when it must not use the cache (or there is none). */
  cacheKey(req: IncomingMessage): string | null {
    return this.cached?.key(req) ?? null;
  }

  /** The fast path serving cache hits in front of express, or null when the cache is off; `headers` go on every hit. */
  cacheFastPath(headers?: Readonly<Record<string, string>>): CacheFastPath | null {
    return this.cached?.fastPath(headers) ?? null;
  }

  /** Stores a freshly rendered page (or notes that its URL is not worth a lookup); returns at once. */
  storePage(req: Request, page: Page | null, renderedAt: number = this.now()): void {
    this.cached?.store(req, page, renderedAt);
  }

  /** `image(path)` for templates, resolving relative paths from the page's category. */
  templateImage(rt: TemplateRuntime, category: string): (path: string) => unknown {
    return this.images.templateImage(rt, category);
  }

  /** Answers `/_img/…`. */
  serveRendition(req: Request, res: Response): Promise<void> {
    return this.images.serve(req, res);
  }

  /** Stops the watcher, the indexing thread, caches and stores. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    if (this.indexCheckTimer) clearInterval(this.indexCheckTimer);
    await this.recovering?.catch(() => undefined);
    await this.watcher?.close();
    await this.indexer.close();
    await this.pageCache?.close();
    await this.images.close();
    await this.pages.close();
    this.db.close();
  }
}

/** The answer for a page that overran its render budget lately: plain, so that it costs nothing to make. */
function overranPage(): Page {
  return {
    status: 503,
    body: '<!doctype html><meta charset="utf-8"><title>503</title><h1>503</h1><p>This page is taking too long to render; try again later.</p>',
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Retry-After": "30",
    },
    cacheable: false,
  };
}
