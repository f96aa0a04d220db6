// Preloaded into a Quire server by `bench stall` (node --import): the main thread's event-loop delay and CPU
// time, written as one JSON line to $QUIRE_LOOP_DELAY_OUT and reset on every SIGUSR2, so that each phase of a
// bench gets its own figures. Linux only (the thread's CPU time comes from /proc).
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { appendFileSync, readFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

if (isMainThread && process.env.QUIRE_LOOP_DELAY_OUT) {
  const out = process.env.QUIRE_LOOP_DELAY_OUT;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const cpuMs = () => Number(readFileSync("/proc/thread-self/schedstat", "latin1").split(" ")[0]) / 1e6;
  let cpu0 = cpuMs();
  let wall0 = performance.now();
  process.on("SIGUSR2", () => {
    const cpu = cpuMs();
    const wall = performance.now();
    const ms = (ns) => Math.round(ns / 1e5) / 10;
    const line = {
      wallMs: Math.round(wall - wall0),
      mainCpuMs: Math.round(cpu - cpu0),
      p50: ms(delay.percentile(50)),
      p99: ms(delay.percentile(99)),
      max: ms(delay.max),
    };
    appendFileSync(out, `${JSON.stringify(line)}\n`);
    delay.reset();
    cpu0 = cpu;
    wall0 = wall;
  });
}
