/** Count paging anchored on entry IDs (Publ's `?id=`): a page is "this entry and the count-1 after it in
 *  display order", so a page URL shows the same entries however many newer posts arrive. */
import type { Catalogue, ContentIndex, IndexedEntry } from "../db/content-index.js";
import { tagKey } from "../db/refresh.js";
import type { ViewSpec } from "./view-spec.js";
import { ANONYMOUS_ACCESS, mayRead, type ReaderAccess } from "../auth/access-rule.js";
import {
  addKeyRelation,
  filterWhere,
  isDescending,
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
  /** Who the listing is for: entries their `Auth:` refuses are left out. Anonymous when not given. */
  reader?: ReaderAccess;
}

/** The reader a context lists for. */
export function readerOf(ctx: Pick<ViewContext, "reader">): ReaderAccess {
  return ctx.reader ?? ANONYMOUS_ACCESS;
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

/**
 * A date-ordered listing held in memory: every (local date, id) a spec's filters select, in display order (`dates`
 * holds each entry's IndexedEntry.localDate, the sort key). Paging
 * through it (the next page, the page before, an entry's neighbours) is then a binary search instead of a
 * query per step, which is what a static export or a crawler does for every page of every listing.
 */
export interface Listing {
  readonly dates: Float64Array;
  readonly ids: Float64Array;
  readonly descending: boolean;
  readonly size: number;
}

/** The in-memory listing for a spec, or null when its shape is one only SQL answers (title order, entry bounds). */
export function listingOf(
  ctx: Pick<ViewContext, "index" | "now" | "reader">,
  spec: ViewSpec,
): Listing | null {
  if (spec.order === "title") return null;
  if (spec.first !== null || spec.last !== null || spec.before !== null || spec.after !== null) return null;
  if (spec.attachments !== null || spec.attached !== null) return null;
  // As the SQL filter matches tags: by key, each once, empty keys ignored.
  const tags = [...new Set(spec.tag.map(tagKey))].filter((k) => k !== "");
  const filters = JSON.stringify([
    spec.entryType,
    spec.entryTypeNot,
    tags.length > 0 ? spec.tagFilter : "",
    tags,
    spec.hasAttachments,
    spec.isAttached,
  ]);
  const reader = readerOf(ctx);
  const key = `listing\0${spec.order}\0${spec.future ? "future" : "listed"}\0${spec.recurse}\0${spec.category}\0${filters}\0${reader.accessKey}`;
  return ctx.index.listing(key, ctx.now, () =>
    filterCatalogue(ctx.index.catalogue(), spec, tags, ctx.now, reader),
  );
}

/**
 * The rows of the catalogue a spec's filters select, in display order: the same as its SQL filter (see
 * filterWhere) selects, worked out in memory, since a site's listings (every category, tag and page of them)
 * each filter the same few thousand rows.
 */
function filterCatalogue(
  c: Catalogue,
  spec: ViewSpec,
  tags: readonly string[],
  now: number,
  reader: ReaderAccess,
): Listing {
  const { category, recurse, entryType, future } = spec;
  const typesNot = spec.entryTypeNot !== null && spec.entryTypeNot.length > 0 ? spec.entryTypeNot : null;
  const prefix = `${category}/`;
  // How many of the spec's tag keys each row carries.
  let tagCounts: Uint16Array | null = null;
  if (tags.length > 0) {
    tagCounts = new Uint16Array(c.size);
    for (const tag of tags) for (const row of c.tagRows.get(tag) ?? []) tagCounts[row]!++;
  }
  const keep = (i: number): boolean => {
    const status = c.statuses[i];
    if (status !== "PUBLISHED" && (status !== "SCHEDULED" || (!future && c.dates[i]! > now))) return false;
    const auth = c.auths[i];
    if (auth !== null && !mayRead(reader, auth)) return false;
    const cat = c.categories[i]!;
    if (recurse ? category !== "" && cat !== category && !cat.startsWith(prefix) : cat !== category)
      return false;
    const type = c.types[i]!;
    if (entryType !== null && (type === null || !entryType.includes(type))) return false;
    if (typesNot !== null && type !== null && typesNot.includes(type)) return false;
    if (spec.hasAttachments !== null && (c.hasAttachments[i] === 1) !== spec.hasAttachments) return false;
    if (spec.isAttached !== null && (c.isAttached[i] === 1) !== spec.isAttached) return false;
    if (tagCounts !== null) {
      const n = tagCounts[i]!;
      if (spec.tagFilter === "ANY" ? n === 0 : spec.tagFilter === "ALL" ? n < tags.length : n > 0)
        return false;
    }
    return true;
  };
  const descending = isDescending(spec.order);
  const picked: number[] = [];
  if (descending) {
    for (let i = c.size - 1; i >= 0; i--) if (keep(i)) picked.push(i);
  } else {
    for (let i = 0; i < c.size; i++) if (keep(i)) picked.push(i);
  }
  const dates = new Float64Array(picked.length);
  const ids = new Float64Array(picked.length);
  picked.forEach((row, i) => {
    dates[i] = c.localDates[row]!;
    ids[i] = c.ids[row]!;
  });
  return { dates, ids, descending, size: picked.length };
}

/** The first position in display order at (`inclusive`) or after `key`; `size` when none is. */
export function positionOf(listing: Listing, key: SortKey, inclusive: boolean): number {
  const k = Number(key.k);
  let lo = 0;
  let hi = listing.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    // How row `mid` compares with the key in (date, id) order: negative before, 0 equal, positive after.
    const d = listing.dates[mid]! - k || listing.ids[mid]! - key.id;
    const cmp = listing.descending ? -d : d;
    if (cmp > 0 || (inclusive && cmp === 0)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The entries at positions [from, to) of a listing, in order (an ID no longer indexed is skipped). */
export function entriesAt(
  ctx: Pick<ViewContext, "index">,
  listing: Listing,
  from: number,
  to: number,
): IndexedEntry[] {
  const out: IndexedEntry[] = [];
  for (let i = Math.max(0, from); i < Math.min(to, listing.size); i++) {
    const entry = ctx.index.entryById(listing.ids[i]!);
    if (entry) out.push(entry);
  }
  return out;
}

/** The entries of a count page (or of an unpaginated view, when count is null), in display order. */
export function countPage(ctx: ViewContext, spec: ViewSpec, anchor: SortKey | null): IndexedEntry[] {
  const listing = listingOf(ctx, spec);
  if (listing) {
    const start = anchor ? positionOf(listing, anchor, true) : 0;
    return entriesAt(ctx, listing, start, spec.count === null ? listing.size : start + spec.count);
  }
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec), readerOf(ctx));
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
  const listing = listingOf(ctx, spec);
  if (listing) {
    const at = positionOf(listing, keyOfEntry(entries[entries.length - 1]!, spec.order), false);
    return entriesAt(ctx, listing, at, at + 1)[0] ?? null;
  }
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec), readerOf(ctx));
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
  const count = spec.count;
  const listing = count === null ? null : listingOf(ctx, spec);
  if (listing && count !== null) {
    // Positions before `from` are the rows before this page; the page before starts `count` of them back.
    const before = positionOf(listing, from, true);
    if (before === 0) return null;
    if (before <= count) return { ...spec, id: null };
    return { ...spec, id: listing.ids[before - count]! };
  }
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec), readerOf(ctx));
  addKeyRelation(w, spec.order, "before", from);
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
  return [first, ...countPageAnchors(ctx, spec).ids.map((id) => ({ ...first, id }))];
}

/** The anchor (first entry) of every count page of a view after the first, in display order: IDs and dates. */
export function countPageAnchors(
  ctx: Pick<ViewContext, "index" | "now" | "reader">,
  spec: ViewSpec,
): { ids: number[]; dates: number[] } {
  const anchors = { ids: [] as number[], dates: [] as number[] };
  if (spec.count === null) return anchors;
  const listing = listingOf(ctx, spec);
  if (listing) {
    for (let i = spec.count; i < listing.size; i += spec.count) {
      anchors.ids.push(listing.ids[i]!);
      anchors.dates.push(listing.dates[i]!);
    }
    return anchors;
  }
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec), readerOf(ctx));
  const rows = selectRows<{ id: number; date: number }>(
    ctx.index.db,
    "e.id, e.local_date AS date",
    w,
    orderBySql(spec.order),
    null,
  );
  for (let i = spec.count; i < rows.length; i += spec.count) {
    anchors.ids.push(rows[i]!.id);
    anchors.dates.push(rows[i]!.date);
  }
  return anchors;
}
