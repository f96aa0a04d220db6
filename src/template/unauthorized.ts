/** Publ's stubs for entries a reader may not read: `view.unauthorized`, `view.has_unauthorized` and
 *  `view.entries(unauthorized=N)`, so a template can say "a private entry: sign in to read it". */
import type { ViewResult } from "../view/index.js";
import type { IndexedEntry } from "../db/index.js";
import type { TemplateRuntime } from "./runtime.js";
import type { TemplateEntry } from "./objects.js";

/** Most stubs one page lists, whatever a template asks for. */
const MAX_STUBS = 100;

function limitOf(value: unknown, fallback: number): number {
  if (value === true || value === "true" || value === "True") return MAX_STUBS;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), MAX_STUBS) : fallback;
}

/** `view.unauthorized` (also `view.unauthorized(count)`): this page's entries the reader may not read. */
export function unauthorizedEntries(
  rt: TemplateRuntime,
  result: ViewResult,
  count?: unknown,
): TemplateEntry[] {
  const limit = limitOf(count, result.spec.count ?? MAX_STUBS);
  return result.unauthorized(limit).map((e) => rt.entry(e));
}

/** `view.entries(unauthorized=N)`: the page's entries with up to N stubs among them, in display order. */
export function entriesWithStubs(
  rt: TemplateRuntime,
  result: ViewResult,
  unauthorized: unknown,
): TemplateEntry[] {
  const limit = unauthorized === undefined || unauthorized === false ? 0 : limitOf(unauthorized, 0);
  const merged: IndexedEntry[] = [...result.entries, ...(limit > 0 ? result.unauthorized(limit) : [])];
  const order = result.spec.order;
  merged.sort((a, b) => {
    if (order === "title") return a.sortTitle.localeCompare(b.sortTitle) || a.id - b.id;
    const d = a.date - b.date || a.id - b.id;
    return order === "oldest" ? d : -d;
  });
  return merged.map((e) => rt.entry(e));
}
