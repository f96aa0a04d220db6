/** The export's crawl: renders the seed URLs, then every same-site page they link to, each static path once.
 *  Each thread works through one stretch of the timeline in date order, so the entries a listing shows were
 *  mostly rendered (and memoised) by that thread just before; pages with no date (first pages, links just
 *  found) go first, because what they link to is not known yet; an idle thread takes work from the busiest. */
import type { RenderPool } from "./pool.js";
import type { PageJob, PageResult } from "./page-renderer.js";
import { JobQueue } from "./job-queue.js";

export interface CrawlOptions {
  pool: RenderPool;
  seeds: readonly PageJob[];
  /** URLs per batch sent to a thread (default 32). */
  batchSize?: number;
  /** At most this many URLs, a guard against templates that link to endless pages (default 1,000,000). */
  limit?: number;
  /** Called for every result; may return more pages to render (pagination it has worked out). */
  onResult(result: PageResult): PageJob[] | void;
  onProgress?(done: number, known: number): void;
}

export interface CrawlSummary {
  rendered: number;
  /** The page that first linked to each URL found by crawling (not the seeds), for broken-link reports. */
  referrers: Map<string, string>;
  /** True when the limit stopped the crawl. */
  truncated: boolean;
}

/** Renders every page reachable from the seeds; resolves when nothing is left in flight. */
export async function crawl(options: CrawlOptions): Promise<CrawlSummary> {
  const { pool } = options;
  const batchSize = options.batchSize ?? 32;
  const limit = options.limit ?? 1_000_000;
  const seen = new Set<string>();
  const referrers = new Map<string, string>();
  const queues = Array.from({ length: pool.size }, () => new JobQueue());
  const bounds = timeline(options.seeds, pool.size);
  let truncated = false;
  let queued = 0;
  let spread = 0;
  const add = (job: PageJob, from: string | null): void => {
    if (seen.has(job.key)) return;
    if (seen.size >= limit) {
      truncated = true;
      return;
    }
    seen.add(job.key);
    // Undated pages are spread over the threads; dated ones go to the thread that owns their stretch.
    const thread = job.at === undefined ? spread++ % pool.size : threadFor(job.at, bounds);
    queues[thread]!.push(job);
    queued++;
    if (from !== null) referrers.set(job.key, from);
  };
  for (const seed of options.seeds) add(seed, null);

  let done = 0;
  let inFlight = 0;
  const busy = new Array<number>(pool.size).fill(0);
  await new Promise<void>((resolve, reject) => {
    const take = (thread: number): PageJob[] => {
      const own = queues[thread]!;
      const from = own.size > 0 ? own : queues.reduce((a, b) => (b.size > a.size ? b : a));
      return from.take(batchSize);
    };
    const pump = (): void => {
      for (let t = 0; t < pool.size; t++) {
        // Two batches per thread keep it busy while this thread reads the results of the other.
        while (busy[t]! < 2 && queued > 0) {
          const batch = take(t);
          if (batch.length === 0) break;
          queued -= batch.length;
          busy[t]!++;
          inFlight++;
          pool.pages(batch, t).then((results) => {
            busy[t]!--;
            inFlight--;
            for (const result of results) {
              done++;
              const more = options.onResult(result);
              if (more) for (const job of more) add(job, result.url);
              if (result.kind === "page") {
                for (const link of result.links) add(link, result.url);
              } else if (result.kind === "redirect" && /^\/(?!\/)[^?]*$/.test(result.location)) {
                add({ key: result.location, url: result.location }, result.url);
              }
            }
            options.onProgress?.(done, seen.size);
            pump();
          }, reject);
        }
      }
      if (inFlight === 0 && queued === 0) resolve();
    };
    pump();
  });
  return { rendered: done, referrers, truncated };
}

/** The dates where each thread's stretch of the timeline starts (equal numbers of dated seeds each). */
function timeline(seeds: readonly PageJob[], threads: number): number[] {
  const dates = seeds
    .map((s) => s.at)
    .filter((d): d is number => d !== undefined)
    .sort((a, b) => a - b);
  const bounds: number[] = [];
  for (let t = 1; t < threads; t++) bounds.push(dates[Math.floor((t * dates.length) / threads)] ?? Infinity);
  return bounds;
}

function threadFor(at: number, bounds: readonly number[]): number {
  let t = 0;
  while (t < bounds.length && at >= bounds[t]!) t++;
  return t;
}
