/** Memory of a child process from /proc/<pid>/status: VmHWM (peak resident set) and VmRSS (current). */
import { readFileSync } from "node:fs";

/** One reading, in kibibytes as the kernel reports them. */
export interface MemorySample {
  hwmKb: number;
  rssKb: number;
}

/** Reads VmHWM and VmRSS of `pid`; null when the process is gone or /proc is not available. */
export function readMemory(pid: number): MemorySample | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(text);
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  // A zombie has released its memory and reports neither line.
  if (!hwm || !rss) return null;
  return { hwmKb: Number(hwm[1]), rssKb: Number(rss[1]) };
}

/**
 * Samples a child's memory every `intervalMs` until stopped. VmHWM is a high-water mark kept by the
 * kernel, so a peak that falls between two samples is still seen by the next one; only a peak in the
 * last interval before the process exits can be missed.
 */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private peak: MemorySample | null = null;

  constructor(
    private readonly pid: number,
    intervalMs = 5,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes one reading now (also called on every tick). */
  sample(): void {
    const m = readMemory(this.pid);
    if (!m) return;
    this.peak = {
      hwmKb: Math.max(m.hwmKb, this.peak?.hwmKb ?? 0),
      rssKb: Math.max(m.rssKb, this.peak?.rssKb ?? 0),
    };
  }

  /** Stops sampling and returns the highest VmHWM and VmRSS seen (null if none was readable). */
  stop(): MemorySample | null {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.peak;
  }
}

/** Kibibytes to mebibytes, for reports. */
export function kbToMb(kb: number): number {
  return kb / 1024;
}
