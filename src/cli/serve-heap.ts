/**
 * V8's heap setting for `quire serve`: how far the old generation may grow past what a full collection left
 * alive before the next one. A server that has finished indexing keeps ~20 MB alive, but V8 sizes the next
 * limit for a machine's memory (up to 4× the live heap on a large one): the garbage it lets pile up is what a
 * small dyno's memory went to. The flag is read at every collection, so it can be set from inside the process,
 * and node does not take it in NODE_OPTIONS.
 */
import { setFlagsFromString } from "node:v8";

/** Growth allowed past the live heap, in percent (V8's own factor is between 30 and 300). */
export const SERVER_HEAP_GROWING_PERCENT = 100;

/**
 * Lets the old generation grow only 100 % past its live size between full collections (V8 allows up to 4× on a
 * large machine), unless node was started with its own `--heap-growing-percent`. Measured on the home page of
 * the 10,000-entry bench site, 10,000 requests on a quiet machine: at 30 %, 36 full collections per 5,000
 * requests kept V8's helper threads at ~390 µs of CPU per request (concurrent marking) against ~120 µs before
 * any limit; at 100 %, 15 collections and ~290 µs, RSS after the load 149–152 MB against 139–166 MB at 30 % and
 * 174–216 MB with no limit.
 */
export function tuneServerHeap(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => a.startsWith("--heap-growing-percent") || a.startsWith("--heap_growing_percent")))
    return false;
  setFlagsFromString(`--heap-growing-percent=${SERVER_HEAP_GROWING_PERCENT}`);
  return true;
}
