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
