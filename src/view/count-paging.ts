/** Count paging anchored on entry IDs (Publ's `?id=`): a page is "this entry and the count-1 after it in
 *  display order", so a page URL shows the same entries however many newer posts arrive. */
import type { ContentIndex, IndexedEntry } from "../db/content-index.js";
import type { ViewSpec } from "./view-spec.js";
import {
  addKeyRelation,
  filterWhere,
  keyOfEntry,
  orderBySql,
  selectEntries,
  selectRows,
  type SortKey,
  type StatusMode,
} from "./view-sql.js";

/** What every paging computation needs besides the spec. */
export interface ViewContext {
  index: ContentIndex;
  now: number;
  timeZone: string;
}

/** The statuses a spec lists. */
export function statusMode(spec: ViewSpec): StatusMode {
  return spec.future ? "future" : "listed";
}

/**
 * The sort key a page starts at. An anchor that is not (or no longer) in the listing still has a date and
 * title, so an old link lands where that entry would be; an ID the index has never seen starts at the top.
 */
export function anchorKey(ctx: ViewContext, spec: ViewSpec): SortKey | null {
  if (spec.id === null) return null;
  const entry = ctx.index.entryById(spec.id);
  return entry ? keyOfEntry(entry, spec.order) : null;
}

/** The entries of a count page (or of an unpaginated view, when count is null), in display order. */
export function countPage(ctx: ViewContext, spec: ViewSpec, anchor: SortKey | null): IndexedEntry[] {
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec));
  if (anchor) addKeyRelation(w, spec.order, "atOrAfter", anchor);
  return selectEntries(ctx.index.db, w, orderBySql(spec.order), spec.count);
}

/** The first entry of the page after this one in display order, or null at the end of the listing. */
export function entryAfterPage(
  ctx: ViewContext,
  spec: ViewSpec,
  entries: IndexedEntry[],
): IndexedEntry | null {
  // A short page is the last one: the LIMIT query only comes back short when the listing ran out.
  if (spec.count === null || entries.length < spec.count) return null;
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec));
  addKeyRelation(w, spec.order, "after", keyOfEntry(entries[entries.length - 1]!, spec.order));
  return selectEntries(ctx.index.db, w, orderBySql(spec.order), 1)[0] ?? null;
}

/** The spec of the page after this one in display order. */
export function nextCountSpec(spec: ViewSpec, after: IndexedEntry | null): ViewSpec | null {
  return after ? { ...spec, id: after.id } : null;
}

/**
 * The spec of the page before this one in display order: the count entries just before it. When those
 * reach the top of the listing, it is the first page (no `id`), so walking back ends where walking began.
 */
export function previousCountSpec(
  ctx: ViewContext,
  spec: ViewSpec,
  anchor: SortKey | null,
  entries: IndexedEntry[],
): ViewSpec | null {
  if (anchor === null) return null;
  const from = entries.length > 0 ? keyOfEntry(entries[0]!, spec.order) : anchor;
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec));
  addKeyRelation(w, spec.order, "before", from);
  const count = spec.count;
  const rows = selectRows<{ id: number }>(
    ctx.index.db,
    "e.id",
    w,
    orderBySql(spec.order, true),
    (count ?? 0) + 1,
  );
  if (rows.length === 0) return null;
  if (count === null || rows.length <= count) return { ...spec, id: null };
  return { ...spec, id: rows[count - 1]!.id };
}

/** Every count page of a view in display order: the first page, then one anchored spec per page. */
export function countPages(ctx: ViewContext, spec: ViewSpec): ViewSpec[] {
  const first: ViewSpec = { ...spec, id: null, date: null };
  if (spec.count === null) return [first];
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec));
  const ids = selectRows<{ id: number }>(ctx.index.db, "e.id", w, orderBySql(spec.order), null);
  const pages = [first];
  for (let i = spec.count; i < ids.length; i += spec.count) pages.push({ ...first, id: ids[i]!.id });
  return pages;
}
