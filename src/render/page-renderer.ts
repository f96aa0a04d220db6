/**
 * Where a cache-miss page renders. By default on the main thread under a short time budget: a page that
 * overruns it is handed to a rendering thread (started when first needed, stopped when idle) that renders it
 * under the full render timeout, and its path is remembered as slow for a while so that later requests for it
 * go there at once. With `QUIRE_RENDER_THREADS` set, every signed-out page renders on the threads.
 */
import type { Logger } from "../log.js";
import type { Page } from "../http/pages.js";
import { devErrorPage } from "../http/dev-error.js";
import { isBudgetError, withBudget } from "../template/budget.js";
import { RenderThreads, type RenderJob } from "./render-threads.js";
import type { RenderAnswer, RenderThreadSetup } from "./protocol.js";

/** How long a path that overran the main thread's budget renders on a thread before it is tried here again. */
export const SLOW_PAGE_MEMORY_MS = 10 * 60_000;
/** How long a page that overran the full render timeout is answered 503 without rendering it again. */
export const FAILURE_TTL_MS = 30_000;
const MAX_REMEMBERED = 10_000;
/**
 * Failures whose cost is in failing: a template that includes itself unwinds 48 levels of the engine's error
 * wrapping, 5–20 ms of CPU each time. They come from a template's structure rather than from the request, so
 * the path answers the same 500 for a while (any query) without rendering, until the templates or index change.
 */
const REMEMBERED_FAILURES: ReadonlySet<string> = new Set(["E_TEMPLATE_DEPTH"]);

export interface PageRendererOptions {
  /** Rendering threads asked for (`QUIRE_RENDER_THREADS`); 0: pages render here, slow ones on one thread. */
  threads: number;
  /** Threads kept even when idle, when `threads` > 0. */
  threadsMin: number;
  /** The main thread's budget per page, ms (0: no budget, nothing goes to a thread unless `threads` > 0). */
  budgetMs: number;
  /** The full budget of a page on a thread (and of a page that must render here), ms. */
  timeoutMs: number;
  /** Threads above `threadsMin` idle this long are stopped (default 30 s). */
  idleMs?: number;
  /** Development: every page renders here, and an overrun shows the error page. */
  dev: boolean;
  /** What a rendering thread opens, asked for when the first one starts. */
  setup: () => RenderThreadSetup;
  logger: Logger;
}

/** One page to render, and whether it may go to a thread (a signed-in reader's page may not). */
export interface PageJob extends RenderJob {
  mayUseThread: boolean;
}

/** Renders pages here or on a thread; `null` stands for a page that overran its budget (answered 503). */
export class PageRenderer {
  private pool: RenderThreads | null = null;
  private readonly slow = new Map<string, { until: number; template: string | undefined }>();
  private readonly failed = new Map<string, { until: number; page: Page }>();
  /**
   * Pages that overran the main thread's budget and were handed to a thread; failures answered from memory
   * without rendering (tests, the bench).
   */
  readonly stats = { handedOver: 0, failuresReused: 0 };

  constructor(private readonly options: PageRendererOptions) {}

  /** Renders a page: `here` renders it on this thread; a thread routes and renders it again from `job`. */
  async render(job: PageJob, here: () => Page): Promise<RenderAnswer | null> {
    const { threads, budgetMs, timeoutMs, dev } = this.options;
    const url = job.path + job.search;
    if (dev || !job.mayUseThread) return this.renderHere(url, timeoutMs, here);
    if (threads > 0) return this.threads().render(job);
    const failed = this.failedPage(job.path);
    if (failed !== null) {
      this.stats.failuresReused++;
      return { kind: "page", page: { ...failed, headers: { ...failed.headers } } };
    }
    const slow = this.slowPage(job.path);
    if (slow === null) {
      try {
        const page = budgetMs <= 0 ? here() : withBudget(budgetMs, here, true);
        if (page.failure !== undefined && REMEMBERED_FAILURES.has(page.failure))
          this.rememberFailure(job.path, page);
        return { kind: "page", page };
      } catch (err) {
        if (!isBudgetError(err)) throw err;
        this.remember(job.path, err.file);
        this.stats.handedOver++;
        this.options.logger.warn(
          { url, template: err.file, budgetMs, code: err.code },
          `${url}: ${err.message}; it renders on a rendering thread for the next ${SLOW_PAGE_MEMORY_MS / 60_000} min`,
        );
        return this.threads().render({ ...job, template: err.file });
      }
    }
    return this.threads().render({ ...job, template: slow.template });
  }

  /** The rendering threads, once one has been needed (tests, the bench). */
  get renderThreads(): RenderThreads | null {
    return this.pool;
  }

  /** The index or templates changed: threads forget what they read, and slow pages are tried here again. */
  invalidate(): void {
    this.pool?.invalidate();
    this.slow.clear();
    this.failed.clear();
  }

  /** Stops the rendering threads. */
  async close(): Promise<void> {
    await this.pool?.close();
  }

  /** A page that can only render here (development, a signed-in reader): under the full timeout. */
  private renderHere(url: string, timeoutMs: number, here: () => Page): RenderAnswer | null {
    try {
      return { kind: "page", page: withBudget(timeoutMs, here) };
    } catch (err) {
      if (!isBudgetError(err)) throw err;
      this.options.logger.error(
        { url, template: err.file, budgetMs: timeoutMs, code: err.code },
        `${url}: ${err.file ?? "the page"} took more than ${timeoutMs} ms to render: stopped, answered 503`,
      );
      return this.options.dev ? { kind: "page", page: devErrorPage(err, `the page ${url}`) } : null;
    }
  }

  private slowPage(path: string): { template: string | undefined } | null {
    const known = this.slow.get(path);
    if (!known) return null;
    if (known.until > Date.now()) return known;
    this.slow.delete(path);
    return null;
  }

  private failedPage(path: string): Page | null {
    const known = this.failed.get(path);
    if (!known) return null;
    if (known.until > Date.now()) return known.page;
    this.failed.delete(path);
    return null;
  }

  private rememberFailure(path: string, page: Page): void {
    if (this.failed.size >= MAX_REMEMBERED) this.failed.clear();
    this.failed.set(path, { until: Date.now() + FAILURE_TTL_MS, page });
    this.options.logger.warn(
      { url: path, code: page.failure },
      `${path}: answered ${page.status} without rendering for the next ${FAILURE_TTL_MS / 1000} s, or until the templates or content change`,
    );
  }

  private remember(path: string, template: string | undefined): void {
    if (this.slow.size >= MAX_REMEMBERED) this.slow.clear();
    this.slow.set(path, { until: Date.now() + SLOW_PAGE_MEMORY_MS, template });
  }

  private threads(): RenderThreads {
    const { threads, threadsMin, timeoutMs, logger } = this.options;
    // Asked for: as configured. Otherwise one thread for the slow pages, stopped again after a spell idle.
    return (this.pool ??= new RenderThreads({
      // Threads that take only the pages over the main thread's budget must not slow the pages it serves.
      setup: { ...this.options.setup(), lowPriority: threads === 0 },
      min: threads > 0 ? threadsMin : 0,
      max: threads > 0 ? threads : 1,
      timeoutMs,
      failureTtlMs: FAILURE_TTL_MS,
      idleMs: this.options.idleMs,
      logger,
    }));
  }
}
