/** Where pages are rendered: on worker threads (one Site each, every core busy), or on this thread. */
import { Worker } from "node:worker_threads";
import { QuireError } from "../errors.js";
import type {
  PageRenderer,
  PageJob,
  PageResult,
  ImageResult,
  ErrorPage,
  RedirectFile,
  FileFailure,
} from "./page-renderer.js";
import type { Redirect } from "./host-files.js";
import { shortLinkRedirects, type PlannedEntry } from "./plan.js";
import type { RenditionRef } from "./links.js";
import type { StaticSearchSummary } from "../search/index.js";
import type { WorkerSetup, WorkerRequest } from "./worker.js";

/** Renders batches; a batch's results come back in the order of its jobs. */
export interface RenderPool {
  /** How many batches can usefully run at once. */
  readonly size: number;
  /** Renders a batch, on thread `thread` when given (pages that share entries go to the same thread). */
  pages(jobs: PageJob[], thread?: number): Promise<PageResult[]>;
  images(refs: RenditionRef[]): Promise<ImageResult[]>;
  /** The 404 pages of the site and its categories, rendered by a thread beside its pages. */
  errorPages(): Promise<ErrorPage[]>;
  /** The redirects of the entries' `/<id>` short links, worked out by a thread beside the pages it renders. */
  shortLinks(entries: PlannedEntry[]): Promise<Redirect[]>;
  /** The static search index, written by a thread beside the pages it renders (the build's clock is `now`). */
  staticSearch(now: number): Promise<StaticSearchSummary[]>;
  /** Writes redirect pages; resolves to those that could not be written. */
  redirectPages(pages: RedirectFile[]): Promise<FileFailure[]>;
  /** Stops the threads and waits until they have exited. */
  close(): Promise<void>;
  /** Stops the threads without waiting (once they have nothing left to do): the process need not wait either. */
  release(): void;
}

/** Renders on the calling thread (`--jobs 1`, small sites, tests). */
export function inlinePool(renderer: PageRenderer): RenderPool {
  return {
    size: 1,
    pages: async (jobs) => jobs.map((job) => renderer.render(job)),
    images: (refs) => Promise.all(refs.map((ref) => renderer.rendition(ref))),
    errorPages: async () => renderer.errorPages(),
    shortLinks: async (entries) => shortLinkRedirects(renderer.site, entries),
    staticSearch: async (now) => [renderer.staticSearch(now)],
    redirectPages: async (pages) => renderer.redirectPages(pages),
    close: async () => undefined,
    release: () => undefined,
  };
}

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

interface Waiter {
  resolve: (results: never[]) => void;
  reject: (err: Error) => void;
}

class RenderThread {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly waiting = new Map<number, Waiter>();
  failure: Error | null = null;

  constructor() {
    const fromSource = import.meta.url.endsWith(".ts");
    // From TypeScript source (development, tests) a small JavaScript bootstrap registers tsx in the thread first.
    const url = new URL(fromSource ? "../db/ts-worker.mjs" : "./worker.js", import.meta.url);
    this.worker = new Worker(url, {
      workerData: { __entry: new URL("./worker.ts", import.meta.url).href },
    });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (msg: { ready?: boolean }) => {
        if (!msg.ready) return;
        this.worker.off("message", onMessage);
        resolve();
      };
      this.worker.on("message", onMessage);
      this.worker.once("error", reject);
    });
    this.worker.on("message", (msg: { id?: number; results?: never[]; error?: string }) => {
      if (msg.id === undefined) return;
      const waiter = this.waiting.get(msg.id);
      this.waiting.delete(msg.id);
      if (msg.results) waiter?.resolve(msg.results);
      else
        waiter?.reject(
          new QuireError("E_RENDER", `a rendering thread failed: ${msg.error ?? "unknown error"}`),
        );
    });
    this.worker.on("error", (err) => this.fail(err));
    this.worker.on("exit", (code) => {
      if (code !== 0) this.fail(new QuireError("E_RENDER", `a rendering thread exited with code ${code}`));
    });
  }

  fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

/** Redirect pages per batch handed to a thread. */
const FILE_BATCH = 500;

/** Threads that are loading their code; `start` hands them the site once its index is ready. */
export interface PendingPool {
  start(setup: WorkerSetup): Promise<RenderPool>;
  /** Stops the threads unless `start` made a pool of them (a small site renders on this thread after all). */
  cancel(): Promise<void>;
}

/** Spawns `size` rendering threads at once, so that they load while the main thread indexes. */
export function spawnPool(size: number): PendingPool {
  const threads = Array.from({ length: size }, () => new RenderThread());
  const stop = async () => {
    await Promise.all(threads.map((t) => t.worker.terminate()));
  };
  let started = false;
  let seq = 0;
  const send = <T>(thread: RenderThread, request: Request): Promise<T[]> => {
    if (thread.failure) return Promise.reject(thread.failure);
    const id = ++seq;
    return new Promise<T[]>((resolve, reject) => {
      thread.waiting.set(id, { resolve: resolve as (r: never[]) => void, reject });
      thread.worker.postMessage({ ...request, id });
    });
  };
  // The least busy thread gets the batch; a thread works through its batches in order.
  const least = () => threads.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
  return {
    // Once started, the pool stops its threads (close or release).
    cancel: async () => {
      if (!started) await stop();
    },
    async start(setup) {
      try {
        // Sent before `ready` is seen: a thread reads its queued messages once loaded, so it opens the site
        // while this thread is still busy (reading the plan) and cannot take `ready` from its event loop.
        const inits = threads.map((t) => send(t, { type: "init", setup }));
        // Heard now, so a thread that fails to load leaves no rejection unheard; thrown by the await below.
        for (const init of inits) init.catch(() => undefined);
        await Promise.all(threads.map((t) => t.ready));
        await Promise.all(inits);
      } catch (err) {
        await stop();
        throw new QuireError("E_RENDER", `could not start the rendering threads: ${(err as Error).message}`, {
          cause: err,
        });
      }
      started = true;
      return {
        size,
        pages: (jobs, thread) => send<PageResult>(threads[thread ?? -1] ?? least(), { type: "pages", jobs }),
        images: (refs) => send<ImageResult>(least(), { type: "images", refs }),
        errorPages: () => send<ErrorPage>(least(), { type: "errorPages" }),
        shortLinks: (entries) => send<Redirect>(least(), { type: "shortLinks", entries }),
        staticSearch: (now) => send<StaticSearchSummary>(least(), { type: "staticSearch", now }),
        // Split over the threads, in batches small enough that both finish at about the same time.
        redirectPages: async (pages) => {
          const batches: Promise<FileFailure[]>[] = [];
          for (let i = 0; i < pages.length; i += FILE_BATCH)
            batches.push(
              send<FileFailure>(least(), { type: "redirects", pages: pages.slice(i, i + FILE_BATCH) }),
            );
          return (await Promise.all(batches)).flat();
        },
        close: stop,
        release: () => {
          for (const t of threads) {
            t.worker.unref();
            t.worker.terminate().catch(() => undefined);
          }
        },
      };
    },
  };
}
