/**
 * A time budget for one render: compiled templates call `tick()` at every loop turn and printed value, and
 * `tickCall()` at every call (which may do far more work: a query, a macro); the clock is read every
 * `TICKS_PER_CHECK` ticks, a call counting `CALL_TICKS`, and after each Markdown render. A render whose
 * wall-clock time has passed the budget is then judged by the CPU time its thread spent since it began
 * (thread-cpu.ts): on a machine busy with other work a render waits for the CPU without costing anything, and
 * is not stopped for that. Past the budget in CPU time too, it is stopped with E_RENDER_BUDGET. Rendering is
 * synchronous, so one budget at a time is enough.
 */
import { performance } from "node:perf_hooks";
import { QuireError } from "../errors.js";
import { threadCpuMs } from "./thread-cpu.js";

/** Ticks between two readings of the clock: a loop turn costs well under a microsecond, so this is < 1 ms. */
export const TICKS_PER_CHECK = 256;
/** What one call counts: the clock is read at least every 8 calls. */
export const CALL_TICKS = 32;

/**
 * A render that had to compile a template (the first after start or a template change) runs cold: its
 * libraries do their one-time work (highlighting grammars, the listing catalogue, V8's first compilation), which
 * took more than 250 ms of CPU for the first home page of the 10,000-entry bench site. It gets this much more
 * CPU time, ms.
 */
export const COLD_EXTRA_MS = 750;

const NONE = Number.POSITIVE_INFINITY;
let left = TICKS_PER_CHECK;
// NONE when no budget is set (export, rendering threads): ticks then never read the clock.
let deadline = NONE;
let budgetMs = 0;
let cpuStart = 0;
/**
 * The thread's CPU time is read at most this often at the start of renders (a read costs ~25 µs, a page 0.5–1.5
 * ms). Between two reads the thread cannot have used more CPU than wall-clock time passed, so a render's start
 * is taken as the last reading plus the wall-clock time since: its CPU time is at most this much too low.
 */
const CPU_READ_EVERY_MS = 10;
let lastCpu = 0;
let lastCpuAt = Number.NEGATIVE_INFINITY;
/** CPU time spent on work that does not count (compiling templates), ms. */
let excludedMs = 0;
let cold = false;
let failure: QuireError | null = null;
/** Whether a render stopped here is done again elsewhere (on a thread): only then is long work refused up front. */
let handsOver = false;

/** Counts one step of template work; reads the clock now and then. Called from generated code. */
export function tick(): void {
  if (--left > 0) return;
  left = TICKS_PER_CHECK;
  checkBudget();
}

/** Counts one call from a template (a function, macro or method); reads the clock every few calls. */
export function tickCall(): void {
  if ((left -= CALL_TICKS) > 0) return;
  left = TICKS_PER_CHECK;
  checkBudget();
}

/** Reads the clock at once (after work that may have been long, such as rendering an entry's Markdown). */
export function checkBudget(): void {
  if (deadline === NONE) return;
  if (failure) throw failure;
  const now = performance.now();
  if (now <= deadline) return;
  const spent = threadCpuMs() - cpuStart - excludedMs;
  const allowed = cold ? budgetMs + COLD_EXTRA_MS : budgetMs;
  // Waiting for the CPU costs nothing: look again when the rest of the budget could have been spent.
  if (spent < allowed) {
    deadline = now + Math.max(allowed - spent, 1);
    return;
  }
  failure = new QuireError(
    "E_RENDER_BUDGET",
    `the page took more than ${allowed} ms to render (${Math.round(spent)} ms of CPU${cold ? ", cold" : ""})`,
  );
  throw failure;
}

/**
 * Stops a render under a budget at once, before work known to be long has begun (an entry's text too large to
 * render within any budget: a single Markdown render cannot be stopped part-way). Nothing when no budget runs.
 */
export function refuseUnderBudget(why: string): void {
  if (deadline === NONE || !handsOver) return;
  failure = new QuireError("E_RENDER_BUDGET", `the page ${why}`);
  throw failure;
}

/** The budget error raised in the render under way, if any (the engine rethrows it instead of its own wrapping). */
export function budgetFailure(): QuireError | null {
  return failure;
}

/** Names the template in the budget error (the page's outermost template, known to the engine). */
export function nameBudgetTemplate(file: string): void {
  if (failure && failure.file === undefined)
    failure = new QuireError("E_RENDER_BUDGET", failure.message.replace(/^the page/, file), { file });
}

/** Time spent outside the render's own work (compiling a template) is not counted against it. */
export function excludeFromBudget<T>(work: () => T): T {
  if (deadline === NONE) return work();
  const wall = performance.now();
  const cpu = threadCpuMs();
  try {
    return work();
  } finally {
    deadline += performance.now() - wall;
    excludedMs += threadCpuMs() - cpu;
    cold = true;
  }
}

/**
 * Runs `render` with at most `ms` milliseconds of CPU time (a budget already running stands instead). Throws
 * E_RENDER_BUDGET when it overran, even if something along the way caught the error and carried on. With
 * `handOver`, the caller renders a stopped page again elsewhere, so work known to be long is refused at once.
 */
export function withBudget<T>(ms: number, render: () => T, handOver = false): T {
  if (deadline !== NONE) return render();
  const now = performance.now();
  deadline = now + ms;
  handsOver = handOver;
  budgetMs = ms;
  if (now - lastCpuAt > CPU_READ_EVERY_MS) {
    lastCpu = threadCpuMs();
    lastCpuAt = now;
  }
  cpuStart = lastCpu + (now - lastCpuAt);
  excludedMs = 0;
  cold = false;
  failure = null;
  try {
    const result = render();
    if (failure) throw failure;
    return result;
  } catch (err) {
    throw failure ?? err;
  } finally {
    deadline = NONE;
    failure = null;
    handsOver = false;
  }
}

/** True for the error a render over its budget is stopped with. */
export function isBudgetError(err: unknown): err is QuireError {
  return err instanceof QuireError && err.code === "E_RENDER_BUDGET";
}
