/** CPU time used by a process, from /proc/<pid>/stat: unlike throughput, it barely moves when other work shares the cores. */
import { readFileSync } from "node:fs";

// /proc reports times in USER_HZ ticks, which Linux fixes at 100 per second for user space.
const TICK_MS = 10;

/** User plus system CPU time of `pid` so far, in milliseconds (threads included); null if it is gone. */
export function readCpuMs(pid: number): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * TICK_MS : null;
}

/**
 * User plus system CPU time of this process's children that have exited and been waited for, in
 * milliseconds: its change across one `runTimed` child (nothing else running) is that child's CPU time.
 */
export function readChildrenCpuMs(): number | null {
  let text: string;
  try {
    text = readFileSync("/proc/self/stat", "utf8");
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  return Number.isFinite(cutime) && Number.isFinite(cstime) ? (cutime + cstime) * TICK_MS : null;
}

/**
 * Resolves once `pid` has used less than `maxPercent` of one core over a `windowMs` window: a server that
 * answers 200 may still be finishing work from its start (the search tables, the watcher's first scan), and
 * CPU time per request must not count it. Gives up after `timeoutMs` and says so in the result.
 */
export async function waitForIdle(
  pid: number,
  options: { maxPercent?: number; windowMs?: number; timeoutMs?: number } = {},
): Promise<{ idle: boolean; waitedMs: number }> {
  const maxPercent = options.maxPercent ?? 3;
  const windowMs = options.windowMs ?? 1_000;
  const started = performance.now();
  const deadline = started + (options.timeoutMs ?? 120_000);
  let before = readCpuMs(pid);
  while (before !== null && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = readCpuMs(pid);
    if (after === null) break;
    if (((after - before) / windowMs) * 100 < maxPercent) {
      return { idle: true, waitedMs: performance.now() - started };
    }
    before = after;
  }
  return { idle: false, waitedMs: performance.now() - started };
}
