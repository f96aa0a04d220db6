/** Shared pieces of the site-level page cache tests: fixture entries, single requests that report
 *  `X-Cache`, a bounded load loop that times every response, and memcached's own counters. */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

/** An entry file in Publ's header format. */
export function entry(id: number, title: string, date: string, body = `Body of ${title}.`): string {
  return `Title: ${title}\nEntry-ID: ${id}\nDate: ${date}\n\n${body}\n`;
}

/** `YYYY-MM-DD HH:MM:SS+00:00` for an instant, as an entry's `Date` header takes it (whole seconds). */
export function headerDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ") + "+00:00";
}

/** One response, as the cache tests look at it. */
export interface Answer {
  status: number;
  body: string;
  /** `hit`, `miss`, or null when the header is missing. */
  cache: string | null;
  etag: string | null;
  headers: Headers;
}

/** GETs `url` (no redirects followed, bounded by a timeout) and reads the whole body. */
export async function fetchPage(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { redirect: "manual", headers, signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  return {
    status: res.status,
    body,
    cache: res.headers.get("x-cache"),
    etag: res.headers.get("etag"),
    headers: res.headers,
  };
}

/** Polls `check` until it returns a value other than undefined; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  pollMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export interface LoadOptions {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The path of the i-th request. */
  path: (i: number) => string;
  total: number;
  concurrency: number;
  /** Called once, when this many requests have completed (e.g. to stop memcached mid-run). */
  at?: { done: number; run: () => Promise<void> };
  /** Per-request limit; a request over it counts as failed (status 0). */
  requestTimeoutMs?: number;
  /** Extra request headers (every request sends `Accept-Encoding: gzip`, as browsers do). */
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** Count per status code (0: no answer). */
  statuses: Map<number, number>;
  /** Count per `X-Cache` value. */
  cache: Map<string, number>;
  /** Latency of every request, ms, in completion order. */
  latencies: number[];
  p50: number;
  p99: number;
  max: number;
  wallMs: number;
}

/** Sends `total` GETs over `concurrency` keep-alive connections and times each one. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const statuses = new Map<number, number>();
  const cache = new Map<string, number>();
  const latencies: number[] = [];
  let next = 0;
  let done = 0;
  let hook: Promise<void> | undefined;
  const one = (path: string): Promise<{ status: number; cache: string }> =>
    new Promise((resolve) => {
      const req = request(
        options.origin + path,
        {
          agent,
          headers: { "accept-encoding": "gzip", ...options.headers },
          timeout: options.requestTimeoutMs ?? 10_000,
        },
        (res) => {
          res.resume();
          res.once("end", () =>
            resolve({ status: res.statusCode ?? 0, cache: String(res.headers["x-cache"] ?? "none") }),
          );
          res.once("error", () => resolve({ status: 0, cache: "none" }));
        },
      );
      req.once("timeout", () => req.destroy());
      req.once("error", () => resolve({ status: 0, cache: "none" }));
      req.end();
    });
  const worker = async (): Promise<void> => {
    while (next < options.total) {
      const path = options.path(next++);
      const start = performance.now();
      const answer = await one(path);
      latencies.push(performance.now() - start);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      cache.set(answer.cache, (cache.get(answer.cache) ?? 0) + 1);
      done++;
      if (options.at && done === options.at.done) hook = options.at.run();
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    await hook;
  } finally {
    agent.destroy();
  }
  return summarise(latencies, statuses, cache, performance.now() - started);
}

/** Several load runs taken as one (e.g. the blocks of an interleaved measurement). */
export function mergeLoads(results: readonly LoadResult[]): LoadResult {
  const statuses = new Map<number, number>();
  const cache = new Map<string, number>();
  for (const r of results) {
    for (const [k, n] of r.statuses) statuses.set(k, (statuses.get(k) ?? 0) + n);
    for (const [k, n] of r.cache) cache.set(k, (cache.get(k) ?? 0) + n);
  }
  const wallMs = results.reduce((sum, r) => sum + r.wallMs, 0);
  return summarise(
    results.flatMap((r) => r.latencies),
    statuses,
    cache,
    wallMs,
  );
}

function summarise(
  latencies: number[],
  statuses: Map<number, number>,
  cache: Map<string, number>,
  wallMs: number,
): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  // Nearest rank: p99 of 3,000 requests is the 30th slowest.
  const pick = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  return {
    statuses,
    cache,
    latencies,
    p50: pick(50),
    p99: pick(99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    wallMs,
  };
}

/** One line for a test log: how a load run went. */
export function describeLoad(label: string, r: LoadResult): string {
  const statuses = [...r.statuses].map(([s, n]) => `${s}×${n}`).join(" ");
  const cache = [...r.cache].map(([c, n]) => `${c}×${n}`).join(" ");
  return (
    `${label}: ${r.latencies.length} requests in ${Math.round(r.wallMs)} ms, p50 ${r.p50.toFixed(2)} ms, ` +
    `p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms; status ${statuses}; X-Cache ${cache}`
  );
}

export { memcachedStats } from "../helpers/memcached.js";
