/** The composition root: builds a site's index, templates, Markdown, renditions and page cache from config and environment. */
import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { Request, Response } from "express";
import { loadSite, seedReadOnlyData, type LoadedSite, type SitePaths } from "./config/site.js";
import type { QuireConfig } from "./config/schema.js";
import { resolveBaseUrl } from "./config/base-url.js";
import { infraFromEnv } from "./config/env.js";
import { createLogger, type Logger } from "./log.js";
import type { ContentIndex, IndexedEntry, RefreshSummary } from "./db/index.js";
import { ServingIndex, type AlsoWatched } from "./db/serving-index.js";
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
  /** A `quire build`: its index fills the search tables only when `[export] search_index` wants them. */
  exporting?: boolean;
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
  /** The index, kept current with content/ (db/serving-index.ts). */
  private readonly served: ServingIndex;
  private readonly drafts: boolean;
  private readonly problemLog: ProblemLog;
  private firstIndex: Promise<RefreshSummary> | undefined;
  private cleanupTimer: NodeJS.Timeout | undefined;
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
    this.drafts = this.dev && options.drafts === true;
    if (this.paths.readOnly) {
      seedReadOnlyData(this.paths);
      this.logger.warn(
        { site: this.paths.root, data: this.paths.dataDir },
        `the site folder cannot be written: the index and renditions go to ${this.paths.dataDir}, and missing headers are not written back (set QUIRE_DATA_DIR or --data to choose the folder)`,
      );
    }

    this.served = new ServingIndex({
      indexPath: this.paths.indexPath,
      contentDir: this.paths.contentDir,
      settings: { timeZone: this.config.site.timezone, slugStyle: this.config.content.slug_style },
      logger: this.logger,
      // A read-only site is never written to: its data lives in a temporary folder and write-back is off.
      writeBack: !this.paths.readOnly && (options.writeBack ?? this.config.content.write_back ?? this.dev),
      watch: options.watch ?? this.config.content.watch ?? this.dev,
      rescanMs: this.config.content.rescan_seconds * 1000,
      inlineIndexer: options.inlineIndexer ?? false,
      searchTables: !options.exporting || this.config.export.search_index,
      refreshed: (changed) => {
        if (!changed) return this.content.forgetVanished();
        this.content.clear();
        this.changed();
      },
      problems: (summary) => this.logNewProblems(summary),
      alsoWatched: () => this.watchedTemplates(),
    });
    if (this.served.inMemory) this.paths = { ...this.paths, indexPath: this.served.indexPath };

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
      index: () => this.served.index,
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
      index: () => this.served.index,
      categories: () => this.served.categories,
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
          generation: () => this.served.index.generation,
          templates: () => this.engine.fingerprint(),
          renderSettings: renderSettingsDigest(
            [this.config.site, this.config.view, this.config.images, this.baseUrl],
            this.images.signingKeyId,
          ),
          version: QUIRE_VERSION,
          admit: (req, url, generation) => {
            const db = this.served.index.db;
            return !isSearchUrl(url) || searches.admit(req, url, generation, () => searchInStep(db));
          },
          nextScheduledAt: (renderedAt) => this.served.index.nextScheduledAt(renderedAt),
          ttlSeconds: this.config.cache.ttl_seconds,
          now: this.now,
          logger: this.logger,
        })
      : null;
  }

  /** True once the first index is complete (or a deploy-time index was found). */
  get ready(): boolean {
    return this.served.ready;
  }

  get index(): ContentIndex {
    return this.served.index;
  }

  /** Starts indexing in the background and, if enabled, watching; resolves when the first index is done. */
  start(): Promise<RefreshSummary> {
    this.firstIndex ??= this.served.start().then((summary) => {
      this.cleanupTimer = scheduleRenditionCleanup(
        this.images.store,
        this.config.images.cache_age_days,
        this.logger,
      );
      return summary;
    });
    return this.firstIndex;
  }

  /** Refreshes the index now; listeners hear about it when content changed. A lost or corrupt index is rebuilt. */
  refresh(): Promise<RefreshSummary> {
    return this.served.refresh();
  }

  /** Rebuilds the index from content/ (it was deleted or corrupted under the server). */
  recoverIndex(reason: string): Promise<void> {
    return this.served.recoverIndex(reason);
  }

  /** What the watcher watches beside content/: templates and extensions, which change pages but not the index. */
  private watchedTemplates(): AlsoWatched {
    const extensions = this.engine.extensionsPath();
    return {
      paths: [this.paths.templatesDir, ...(extensions ? [extensions] : [])],
      changed: async (paths) => {
        if (extensions && paths.includes(extensions))
          await this.engine
            .reloadExtensions()
            .catch((err) => this.logger.error({ error: formatErrorChain(err) }, "extensions not reloaded"));
        if (!paths.some((p) => p.startsWith(this.paths.templatesDir) || p === extensions)) return false;
        this.engine.invalidate();
        this.changed();
        return true;
      },
    };
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
      index: this.served.index,
      route: this.routeContext(ANONYMOUS_ACCESS),
    });
  }

  /** Registers a callback for content or template changes (live reload). */
  onChange(listener: () => void): void {
    this.served.onChange(listener);
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
    this.served.invalidate();
    this.content.clear();
    this.engine.invalidate();
  }

  /** What routing needs, for one reader. */
  routeContext(reader: ReaderAccess): RouteContext {
    const templates = this.engine;
    return {
      index: this.served.index,
      now: this.now(),
      reader,
      drafts: this.drafts,
      categories: this.served.categories,
      hasTemplate: (category, name) => templates.find(name, category) !== null,
      indexTemplate: (category) => this.served.index.categoryMeta(category)?.indexTemplate ?? "index",
      entryTemplate: (category) => this.served.index.categoryMeta(category)?.entryTemplate ?? null,
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
    this.served.recoverIfCorrupt(err);
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
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    await this.served.stop();
    await this.pageCache?.close();
    await this.images.close();
    await this.pages.close();
    this.served.close();
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
