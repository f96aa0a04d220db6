/** HTTP load through autocannon's programmatic API, reduced to the figures the reports print. */
import autocannon from "autocannon";

/** What a load run measured. */
export interface LoadResult {
  url: string;
  connections: number;
  durationS: number;
  /** autocannon's average of its per-second request counts. */
  requestsPerSec: number;
  /** Latency percentiles in milliseconds (autocannon's histogram has 1 ms resolution). */
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  completed: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  bytesPerSec: number;
}

/** How hard and how long to push. */
export interface LoadOptions {
  connections?: number;
  durationS?: number;
  headers?: Record<string, string>;
}

/** Runs autocannon against `url` (127.0.0.1 only) for `durationS` seconds; never runs longer than that plus 30 s. */
export function runLoad(url: string, options: LoadOptions = {}): Promise<LoadResult> {
  const { hostname } = new URL(url);
  if (hostname !== "127.0.0.1")
    return Promise.reject(new Error(`benches only send traffic to 127.0.0.1, not ${url}`));
  const connections = options.connections ?? 32;
  const durationS = options.durationS ?? 10;
  return new Promise((resolve, reject) => {
    let settled = false;
    const instance = autocannon(
      { url, connections, duration: durationS, timeout: 10, headers: options.headers ?? {} },
      (err, result) => {
        clearTimeout(guard);
        if (settled) return;
        settled = true;
        if (err) return reject(err);
        resolve({
          url,
          connections,
          durationS: result.duration,
          requestsPerSec: result.requests.average,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          meanMs: result.latency.average,
          completed: result.requests.total,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          bytesPerSec: result.throughput.average,
        });
      },
    );
    const guard = setTimeout(
      () => {
        instance.stop();
        if (!settled) {
          settled = true;
          reject(new Error(`load on ${url} did not finish within ${durationS + 30} s`));
        }
      },
      (durationS + 30) * 1000,
    );
  });
}
