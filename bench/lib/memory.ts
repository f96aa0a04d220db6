/** Memory of a child process (and the processes it starts) from /proc/<pid>/status: VmHWM (peak resident
 *  set) and VmRSS (current). */
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
 * The processes `pid` started from its main thread, and theirs (`quire build` runs the build in a second
 * node, for example), from /proc/<pid>/task/<pid>/children.
 */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    let text = "";
    try {
      text = readFileSync(`/proc/${p}/task/${p}/children`, "utf8");
    } catch {
      continue;
    }
    for (const c of text.split(" ")) {
      if (c.trim() === "") continue;
      out.push(Number(c));
      queue.push(Number(c));
    }
  }
  return out;
}

/**
 * Samples the memory of a child and of the processes it starts, every `intervalMs` until stopped. VmHWM is a
 * high-water mark kept by the kernel for each process, so a peak that falls between two samples is still
 * seen by the next one; only a peak in the last interval before a process exits can be missed. The peak
 * reported is the sum of each process's own peak; RSS is the highest sum seen at one time.
 */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly hwmByPid = new Map<number, number>();
  private rssPeak = 0;

  constructor(
    private readonly pid: number,
    intervalMs = 5,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes one reading now (also called on every tick). */
  sample(): void {
    let rss = 0;
    for (const pid of [this.pid, ...descendants(this.pid)]) {
      const m = readMemory(pid);
      if (!m) continue;
      this.hwmByPid.set(pid, Math.max(m.hwmKb, this.hwmByPid.get(pid) ?? 0));
      rss += m.rssKb;
    }
    this.rssPeak = Math.max(this.rssPeak, rss);
  }

  /** Stops sampling and returns the peak VmHWM and VmRSS seen (null if none was readable). */
  stop(): MemorySample | null {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.hwmByPid.size === 0) return null;
    let hwmKb = 0;
    for (const kb of this.hwmByPid.values()) hwmKb += kb;
    return { hwmKb, rssKb: this.rssPeak };
  }
}

/** Kibibytes to mebibytes, for reports. */
export function kbToMb(kb: number): number {
  return kb / 1024;
}
