/**
 * A time budget for one render: compiled templates call `tick()` at every loop turn and printed value, and
 * `tickCall()` at every call (which may do far more work: a query, a macro); the clock is read every
 * `TICKS_PER_CHECK` ticks, a call counting `CALL_TICKS`, and after each Markdown render. A render that runs past
 * its deadline is stopped with E_RENDER_BUDGET. Rendering is synchronous, so one deadline at a time is enough.
 */
import { performance } from "node:perf_hooks";
import { QuireError } from "../errors.js";

/** Ticks between two readings of the clock: a loop turn costs well under a microsecond, so this is < 1 ms. */
export const TICKS_PER_CHECK = 256;
/** What one call counts: the clock is read at least every 8 calls. */
export const CALL_TICKS = 32;

let left = TICKS_PER_CHECK;
// Infinity when no budget is set (export, rendering threads): ticks then never read the clock.
let deadline = Number.POSITIVE_INFINITY;
let budgetMs = 0;
let failure: QuireError | null = null;

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
  if (deadline === Number.POSITIVE_INFINITY) return;
  if (failure) throw failure;
  if (performance.now() <= deadline) return;
  failure = new QuireError("E_RENDER_BUDGET", `the page took more than ${budgetMs} ms to render`);
  throw failure;
}

/** The budget error raised in the render under way, if any (the engine rethrows it instead of its own wrapping). */
export function budgetFailure(): QuireError | null {
  return failure;
}

/** Names the template in the budget error (the page's outermost template, known to the engine). */
export function nameBudgetTemplate(file: string): void {
  if (failure && failure.file === undefined)
    failure = new QuireError("E_RENDER_BUDGET", `${file} took more than ${budgetMs} ms to render`, { file });
}

/** Time spent outside the render's own work (compiling a template) is not counted against it. */
export function excludeFromBudget<T>(work: () => T): T {
  if (deadline === Number.POSITIVE_INFINITY) return work();
  const start = performance.now();
  try {
    return work();
  } finally {
    deadline += performance.now() - start;
  }
}

/**
 * Runs `render` with at most `ms` milliseconds (within any budget already running). Throws E_RENDER_BUDGET
 * when it overran, even if something along the way caught the error and carried on.
 */
export function withBudget<T>(ms: number, render: () => T): T {
  const saved = { deadline, budgetMs, failure };
  const own = performance.now() + ms;
  if (own < deadline) {
    deadline = own;
    budgetMs = ms;
  }
  const set = deadline;
  failure = null;
  try {
    const result = render();
    if (failure) throw failure;
    return result;
  } catch (err) {
    throw failure ?? err;
  } finally {
    // Time excluded inside (compiling) is excluded from the budget around this one too.
    const excluded = deadline - set;
    deadline = saved.deadline + (Number.isFinite(excluded) ? excluded : 0);
    budgetMs = saved.budgetMs;
    failure = saved.failure;
  }
}

/** True for the error a render over its budget is stopped with. */
export function isBudgetError(err: unknown): err is QuireError {
  return err instanceof QuireError && err.code === "E_RENDER_BUDGET";
}
