/** Summary statistics for benchmark samples: median, percentiles, and the ratio of two figures. */

/** The p-th percentile (0–100) of `values`, by linear interpolation between the nearest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The 50th and 99th percentiles, the figures every latency report quotes. */
export function p50p99(values: readonly number[]): { p50: number; p99: number } {
  return { p50: percentile(values, 50), p99: percentile(values, 99) };
}

/** Smallest and largest sample, to show how noisy a median is. */
export function spread(values: readonly number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** `a / b`, or NaN when `b` is zero, so a missing baseline never prints as Infinity. */
export function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}
