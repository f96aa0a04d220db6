/**
 * The rendering threads of `quire serve`: cache-miss pages render off the main thread, each under a time
 * budget. A render that overruns it has its thread stopped (the only way to end a synchronous render) and a
 * fresh one started; the offender gets a 503, remembered for a while so that asking again costs nothing, and
 * the pages queued behind it move to another thread. Threads start as they are needed, up to `max`.
 */
import { Worker } from "node:worker_threads";
import type { Logger } from "../log.js";
import type { RenderAnswer, RenderThreadReply, RenderThreadRequest, RenderThreadSetup } from "./protocol.js";

export interface RenderThreadsOptions {
  setup: RenderThreadSetup;
  /** Threads kept even when idle (started at once). */
  min: number;
  /** Threads at most: one per core is plenty. */
  max: number;
  /** How long one page may take to render before its thread is stopped. */
  timeoutMs: number;
  /** How long a page that overran is answered 503 without rendering it again. */
  failureTtlMs: number;
  /** Threads above `min` idle this long are stopped. */
  idleMs?: number;
  logger: Logger;
}

/** One page to render: the request's path and query string (with its `?`), and the moment it arrived. */
export interface RenderJob {
  path: string;
  search: string;
  now: number;
}

interface Pending {
  id: number;
  job: RenderJob;
  resolve: (answer: RenderAnswer | null) => void;
  reject: (err: Error) => void;
}

class RenderThread {
  readonly worker: Worker;
  /** Jobs sent to this thread, in the order it renders them; the first is rendering now. */
  readonly queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  idleSince = Date.now();
  stopped = false;
  /** False while the thread loads its code and opens the site: that time is not charged to any page. */
  ready = false;
  readonly started: Promise<void>;
  private onStarted: () => void = () => undefined;

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
      if (!this.stopped) this.pool.lost(this, new Error(`a rendering thread exited with code ${code}`));
    });
    this.send({ type: "init", setup });
  }

  send(msg: RenderThreadRequest): void {
    this.worker.postMessage(msg);
  }

  add(pending: Pending): void {
    this.queue.push(pending);
    this.send({ type: "render", id: pending.id, ...pending.job });
    if (this.queue.length === 1) this.startClock();
  }

  /** The budget of a job runs from when its thread starts on it, not from when it was queued. */
  private startClock(): void {
    clearTimeout(this.timer);
    const head = this.queue[0];
    if (!this.ready) return;
    if (head) this.timer = setTimeout(() => this.pool.overran(this, head), this.pool.timeoutMs);
  }

  private onReply(msg: RenderThreadReply): void {
    if (!("id" in msg)) {
      this.ready = true;
      this.onStarted();
      this.startClock();
      return;
    }
    const pending = this.queue[0];
    if (!pending || pending.id !== msg.id) return;
    this.queue.shift();
    if (this.queue.length === 0) this.idleSince = Date.now();
    this.startClock();
    if ("answer" in msg) pending.resolve(msg.answer);
    else pending.reject(new Error(msg.error));
  }

  /** Stops the thread; resolves the jobs it still had to nobody (the caller moves them). */
  stop(): Pending[] {
    this.stopped = true;
    clearTimeout(this.timer);
    void this.worker.terminate().catch(() => undefined);
    return this.queue.splice(0);
  }
}

/** A pool of rendering threads with a time budget per page. */
export class RenderThreads {
  readonly timeoutMs: number;
  private readonly options: RenderThreadsOptions;
  private threads: RenderThread[] = [];
  private readonly failures = new Map<string, number>();
  private seq = 0;
  private closed = false;
  private readonly idleTimer: NodeJS.Timeout;
  /** Renders started on a thread, and those stopped for overrunning (for tests and the bench). */
  readonly stats = { rendered: 0, overran: 0, threadsStarted: 0 };

  constructor(options: RenderThreadsOptions) {
    this.options = options;
    this.timeoutMs = options.timeoutMs;
    // All of them at first, so that the first burst finds them started; those above `min` retire when idle.
    for (let i = 0; i < options.max; i++) this.spawn();
    this.idleTimer = setInterval(() => this.retireIdle(), options.idleMs ?? 30_000);
    this.idleTimer.unref();
  }

  /** Renders a page on a thread; a page that overran its budget lately is answered at once with null. */
  render(job: RenderJob): Promise<RenderAnswer | null> {
    const key = job.path + job.search;
    const failedUntil = this.failures.get(key);
    if (failedUntil !== undefined) {
      if (failedUntil > Date.now()) return Promise.resolve(null);
      this.failures.delete(key);
    }
    this.stats.rendered++;
    return new Promise<RenderAnswer | null>((resolve, reject) => {
      this.dispatch({ id: ++this.seq, job, resolve, reject });
    });
  }

  /** Tells every thread that the index or templates changed; pages sent after this see the change. */
  invalidate(): void {
    for (const t of this.threads) t.send({ type: "invalidate" });
  }

  /** Stops every thread; pages still rendering fail. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.idleTimer);
    const threads = this.threads;
    this.threads = [];
    for (const t of threads) for (const p of t.stop()) p.reject(new Error("the server is stopping"));
    await Promise.all(threads.map((t) => t.worker.terminate().catch(() => undefined)));
  }

  /** Resolves once every thread running now has opened the site. */
  async started(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.started));
  }

  /** How many threads are running now. */
  get size(): number {
    return this.threads.length;
  }

  /** Called by a thread whose current job ran past the budget. */
  overran(thread: RenderThread, pending: Pending): void {
    this.stats.overran++;
    const { path, search } = pending.job;
    this.failures.set(path + search, Date.now() + this.options.failureTtlMs);
    if (this.failures.size > 10_000) this.failures.clear();
    this.options.logger.error(
      { url: path + search, budgetMs: this.timeoutMs, code: "E_RENDER_TIMEOUT" },
      `${path}${search} took more than ${this.timeoutMs} ms to render: its thread was stopped, and the page answers 503 for ${Math.round(this.options.failureTtlMs / 1000)} s`,
    );
    const rest = this.remove(thread);
    pending.resolve(null);
    for (const p of rest.filter((p) => p !== pending)) this.dispatch(p);
  }

  /** Called when a thread failed or exited by itself: its jobs go to another thread. */
  lost(thread: RenderThread, err: Error): void {
    if (thread.stopped || this.closed) return;
    this.options.logger.error({ err }, "a rendering thread failed; starting another");
    const rest = this.remove(thread);
    // The page it was rendering may be what broke it: that one fails, the others are tried again.
    rest.shift()?.reject(err);
    for (const p of rest) this.dispatch(p);
  }

  private remove(thread: RenderThread): Pending[] {
    this.threads = this.threads.filter((t) => t !== thread);
    const rest = thread.stop();
    // A stopped thread is replaced at once: the pages that follow should not wait for one to start.
    if (!this.closed && this.threads.length < this.options.max) this.spawn();
    return rest;
  }

  private spawn(): RenderThread {
    const thread = new RenderThread(this.options.setup, this);
    this.threads.push(thread);
    this.stats.threadsStarted++;
    return thread;
  }

  /** An idle thread, else a new one while there are fewer than `max`, else the one with the shortest queue. */
  private dispatch(pending: Pending): void {
    if (this.closed) return pending.reject(new Error("the server is stopping"));
    const idle = this.threads.find((t) => t.queue.length === 0);
    const thread =
      idle ??
      (this.threads.length < this.options.max
        ? this.spawn()
        : this.threads.reduce((a, b) => (b.queue.length < a.queue.length ? b : a)));
    thread.add(pending);
  }

  private retireIdle(): void {
    const idleMs = this.options.idleMs ?? 30_000;
    for (const t of [...this.threads]) {
      if (this.threads.length <= this.options.min) return;
      if (t.queue.length === 0 && Date.now() - t.idleSince >= idleMs) {
        this.threads = this.threads.filter((x) => x !== t);
        t.stop();
      }
    }
  }
}
