/**
 * The CPU time of the calling thread, which a render's time budget is judged by: the process's would also
 * count the indexing and rendering threads, and the wall clock the time a busy machine kept the render waiting.
 */
import { openSync, readSync } from "node:fs";

let read: (() => number) | undefined;

/** CPU time this thread has used, ms (the process's where the system says nothing of threads). */
export function threadCpuMs(): number {
  return (read ??= pickReader())();
}

function pickReader(): () => number {
  // Node 23.9 and later.
  const own = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  if (typeof own === "function") return () => ms(own.call(process));
  // Linux: the first field of the thread's schedstat is its time on the CPU in ns. The file is kept open: reading
  // it costs a few microseconds. `thread-self` is resolved when it is opened, by the thread that reads it.
  try {
    const fd = openSync("/proc/thread-self/schedstat", "r");
    const buf = Buffer.alloc(80);
    const fromProc = () => parseInt(buf.toString("latin1", 0, readSync(fd, buf, 0, buf.length, 0)), 10) / 1e6;
    if (Number.isFinite(fromProc())) return fromProc;
  } catch {
    // Not Linux, or /proc is not mounted.
  }
  return () => ms(process.cpuUsage());
}

function ms(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}
