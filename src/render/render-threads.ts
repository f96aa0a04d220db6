/**
 * The rendering threads of `quire serve`: pages sent here (see page-renderer.ts) render off the main thread,
 * each under a time budget. Pages wait in one queue and a thread takes the next when it is free, so no page waits behind a slow
 * one while a thread is idle. When every thread has been on its page for a while and pages are waiting, a
 * spare thread starts (up to `max`; it stops again after a spell idle). A page that overruns the budget has its
 * thread stopped (the only way to end a synchronous render) and replaced; it gets a 503, remembered for a while
 * so that asking again costs nothing.
 */
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { Logger } from "../log.js";
import type { RenderAnswer, RenderThreadReply, RenderThreadRequest, RenderThreadSetup } from "./protocol.js";

/** A page on a thread is stopped after this many times its budget in wall time, whatever CPU time it spent. */
export const WALL_LIMIT = 6;

export interface RenderThreadsOptions {
  setup: RenderThreadSetup;
  /** Threads kept even when idle (started at once). */
  min: number;
  /** Threads at most: one per core is plenty. */
  max: number;
  /** How much CPU time one page may take to render before its thread is stopped (wall time where unknown). */
  timeoutMs: number;
  /** How long a page that overran is answered 503 without rendering it again. */
  failureTtlMs: number;
  /** A page rendering this long makes a spare thread start if pages are waiting (default 250 ms). */
  slowMs?: number;
  /** Threads above `min` idle this long are stopped (default 30 s). */
  idleMs?: number;
  logger: Logger;
}

/** One page to render: the request's path and query string (with its `?`), and the moment it arrived. */
export interface RenderJob {
  path: string;
  search: string;
  now: number;
  /** The request's Accept header (it chooses among a template's variants). */
  accept?: string | undefined;
  /** The page's template, when known (named in the log line of a page that overran). */
  template?: string | undefined;
}

interface Pending {
  id: number;
  job: RenderJob;
  resolve: (answer: RenderAnswer | null) => void;
  reject: (err: Error) => void;
}

class RenderThread {
  readonly worker: Worker;
  /** The page this thread renders now. */
  current: Pending | null = null;
  startedAt = 0;
  idleSince = Date.now();
  stopped = false;
  /** False while the thread loads its code and opens the site: it takes no page until then. */
  ready = false;
  /** The thread's id in the OS, once started (Linux; null elsewhere). */
  tid: number | null = null;
  readonly started: Promise<void>;
  private onStarted: () => void = () => undefined;
  private budget: NodeJS.Timeout | undefined;
  /** The thread's CPU time when it took its page, ms (null where unknown). */
  private cpuAtStart: number | null = null;
  private slow: NodeJS.Timeout | undefined;

  constructor(
    setup: RenderThreadSetup,
    private readonly pool: RenderThreads,
  ) {
    const fromSource = import.meta.url.endsWith(".ts");
    // From TypeScript source (development, tests) a small JavaScript bootstrap registers tsx in the thread first.
    const url = new URL(fromSource ? "../db/ts-worker.mjs" : "./render-thread.js", import.meta.url);
    this.worker = new Worker(url, {
      workerData: { __entry: new URL("./render-thread.ts", import.meta.url).href },
    });
    this.started = new Promise((resolve) => (this.onStarted = resolve));
    this.worker.unref();
    this.worker.on("message", (msg: RenderThreadReply) => this.onReply(msg));
    this.worker.on("error", (err) => this.pool.lost(this, err));
    this.worker.on("exit", (code) => {
      this.pool.stats.threadsExited++;
      if (!this.stopped) this.pool.lost(this, new Error(`a rendering thread exited with code ${code}`));
    });
    this.send({ type: "init", setup });
  }

  send(msg: RenderThreadRequest): void {
    this.worker.postMessage(msg);
  }

  take(pending: Pending, timeoutMs: number, slowMs: number): void {
    this.current = pending;
    this.startedAt = Date.now();
    this.send({ type: "render", id: pending.id, ...pending.job });
    this.cpuAtStart = this.cpuMs();
    this.budget = setTimeout(() => this.judge(pending, timeoutMs), timeoutMs);
    this.slow = setTimeout(() => this.pool.pump(), slowMs);
  }

  /**
   * The page's time is up by the clock: judged by the CPU time the thread spent on it where the system reports a
   * thread's own (Linux). A thread at the lowest priority may wait long for a core on a busy machine, and waiting
   * costs nothing; but a page is never kept past `WALL_LIMIT` times its budget.
   */
  private judge(pending: Pending, timeoutMs: number): void {
    if (this.current !== pending) return;
    const now = this.cpuMs();
    const spent = now === null || this.cpuAtStart === null ? timeoutMs : now - this.cpuAtStart;
    if (spent < timeoutMs && Date.now() - this.startedAt < timeoutMs * WALL_LIMIT) {
      this.budget = setTimeout(() => this.judge(pending, timeoutMs), Math.max(timeoutMs - spent, 10));
      return;
    }
    this.pool.overran(this, pending);
  }

  /** CPU time the thread has used, ms, or null where the system does not say (not Linux). */
  private cpuMs(): number | null {
    if (this.tid === null) return null;
    try {
      return parseInt(readFileSync(`/proc/self/task/${this.tid}/schedstat`, "latin1"), 10) / 1e6;
    } catch {
      return null;
    }
  }

  private onReply(msg: RenderThreadReply): void {
    if (!("id" in msg)) {
      this.ready = true;
      this.tid = msg.tid;
      this.onStarted();
      this.pool.pump();
      return;
    }
    const pending = this.current;
    if (!pending || pending.id !== msg.id) return;
    this.settle();
    if ("answer" in msg) pending.resolve(msg.answer);
    else pending.reject(new Error(msg.error));
    this.pool.pump();
  }

  private settle(): void {
    clearTimeout(this.budget);
    clearTimeout(this.slow);
    this.current = null;
    this.idleSince = Date.now();
  }

  /** Stops the thread; returns the page it was rendering, if any. */
  stop(): Pending | null {
    const current = this.current;
    this.settle();
    this.stopped = true;
    void this.worker.terminate().catch(() => undefined);
    return current;
  }
}

/** A pool of rendering threads with a time budget per page. */
export class RenderThreads {
  private readonly options: RenderThreadsOptions;
  private threads: RenderThread[] = [];
  private readonly queue: Pending[] = [];
  private readonly failures = new Map<string, number>();
  private seq = 0;
  private closed = false;
  private readonly idleTimer: NodeJS.Timeout;
  /** Renders under way, by what they render: a request for the same page joins the one under way. */
  private readonly inFlight = new Map<string, Promise<RenderAnswer | null>>();
  /**
   * Pages sent to the threads, requests that joined a render under way, pages stopped for overrunning, threads
   * started and exited, looks for idle threads (for tests and the bench).
   */
  readonly stats = { rendered: 0, joined: 0, overran: 0, threadsStarted: 0, threadsExited: 0, idleChecks: 0 };

  constructor(options: RenderThreadsOptions) {
    this.options = options;
    for (let i = 0; i < options.min; i++) this.spawn();
    this.idleTimer = setInterval(() => this.retireIdle(), Math.min(options.idleMs ?? 30_000, 30_000));
    this.idleTimer.unref();
  }

  /** Renders a page on a thread; a page that overran its budget (now or lately) comes back as null. */
  render(job: RenderJob): Promise<RenderAnswer | null> {
    const key = job.path + job.search;
    const failedUntil = this.failures.get(key);
    if (failedUntil !== undefined) {
      if (failedUntil > Date.now()) return Promise.resolve(null);
      this.failures.delete(key);
    }
    if (this.closed) return Promise.reject(new Error("the server is stopping"));
    // A slow page asked for by many readers at once renders once for all of them. Otherwise, while content keeps
    // changing, no answer can be cached (each was rendered across a change) and the requests pile up behind one
    // thread.
    const shareKey = `${key}\0${job.accept ?? ""}\0${job.template ?? ""}`;
    const underWay = this.inFlight.get(shareKey);
    if (underWay) {
      this.stats.joined++;
      return underWay;
    }
    this.stats.rendered++;
    const answer = new Promise<RenderAnswer | null>((resolve, reject) => {
      this.queue.push({ id: ++this.seq, job, resolve, reject });
      this.pump();
    });
    this.inFlight.set(shareKey, answer);
    const forget = () => {
      if (this.inFlight.get(shareKey) === answer) this.inFlight.delete(shareKey);
    };
    answer.then(forget, forget);
    return answer;
  }

  /** Tells every thread that the index or templates changed; pages sent after this see the change. */
  invalidate(): void {
    // A request from now on must see the change: it does not join a render that began before it.
    this.inFlight.clear();
    for (const t of this.threads) t.send({ type: "invalidate" });
  }

  /** Stops every thread; pages still waiting or rendering fail. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.idleTimer);
    const threads = this.threads;
    this.threads = [];
    const stopping = new Error("the server is stopping");
    for (const t of threads) t.stop()?.reject(stopping);
    for (const p of this.queue.splice(0)) p.reject(stopping);
    await Promise.all(threads.map((t) => t.worker.terminate().catch(() => undefined)));
  }

  /** How many threads are running now. */
  get size(): number {
    return this.threads.length;
  }

  /** The OS ids of the threads running now that have started, where the system gives them (tests). */
  get threadIds(): number[] {
    return this.threads.flatMap((t) => (t.tid === null ? [] : [t.tid]));
  }

  /** Resolves once every thread running now has opened the site. */
  async started(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.started));
  }

  /** Hands waiting pages to free threads, and starts a spare one when every thread is stuck on a slow page. */
  pump(): void {
    if (this.closed) return;
    for (const t of this.threads) {
      if (this.queue.length === 0) return;
      if (t.ready && !t.current)
        t.take(this.queue.shift()!, this.options.timeoutMs, this.options.slowMs ?? 250);
    }
    if (this.queue.length === 0 || this.threads.length >= this.options.max) return;
    const slowMs = this.options.slowMs ?? 250;
    const now = Date.now();
    // A thread still starting will take the pages soon; a thread on a slow page may not for a long while.
    if (this.threads.every((t) => t.ready && t.current !== null && now - t.startedAt >= slowMs)) this.spawn();
  }

  /** Called by a thread whose page ran past the budget. */
  overran(thread: RenderThread, pending: Pending): void {
    this.stats.overran++;
    const { path, search, template } = pending.job;
    this.failures.set(path + search, Date.now() + this.options.failureTtlMs);
    if (this.failures.size > 10_000) this.failures.clear();
    this.options.logger.error(
      { url: path + search, template, budgetMs: this.options.timeoutMs, code: "E_RENDER_TIMEOUT" },
      `${path}${search}${template ? ` (${template})` : ""} took more than ${this.options.timeoutMs} ms to render: its thread was stopped, and the page answers 503 for ${Math.round(this.options.failureTtlMs / 1000)} s`,
    );
    this.replace(thread);
    pending.resolve(null);
    this.pump();
  }

  /** Called when a thread failed or exited by itself: the page it was rendering fails, the rest wait on. */
  lost(thread: RenderThread, err: Error): void {
    if (thread.stopped || this.closed) return;
    this.options.logger.error({ err }, "a rendering thread failed; starting another");
    this.replace(thread)?.reject(err);
    this.pump();
  }

  private replace(thread: RenderThread): Pending | null {
    this.threads = this.threads.filter((t) => t !== thread);
    const current = thread.stop();
    // A kept thread is replaced at once, so that the pages that follow do not wait for one to start; other
    // threads start again only when pages wait (`pump`).
    if (!this.closed && this.threads.length < this.options.min) this.spawn();
    return current;
  }

  private spawn(): void {
    this.threads.push(new RenderThread(this.options.setup, this));
    this.stats.threadsStarted++;
  }

  private retireIdle(): void {
    this.stats.idleChecks++;
    const idleMs = this.options.idleMs ?? 30_000;
    for (const t of [...this.threads]) {
      if (this.threads.length <= this.options.min) return;
      if (t.ready && !t.current && Date.now() - t.idleSince >= idleMs) {
        this.threads = this.threads.filter((x) => x !== t);
        t.stop();
      }
    }
  }
}
