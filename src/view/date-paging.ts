/** Date paging (`?date=`): a page is one day, week, month or year in the site's time zone, holding the entries
 *  whose date as written falls in it (Publ's `local_date`: `23:30-07:00` on the 17th is the 17th on a UTC site),
 *  and its neighbours jump straight to the nearest period that has entries, each found with one indexed query. */
import type { IndexedEntry } from "../db/content-index.js";
import type { DatePaging, ViewOrder, ViewSpec } from "./view-spec.js";
import { periodContaining, periodOfKey, type Period } from "./date-period.js";
import { filterWhere, orderBySql, selectEntries, selectRows } from "./view-sql.js";
import {
  anchorKey,
  entriesAt,
  listingOf,
  positionOf,
  readerOf,
  statusMode,
  type ViewContext,
} from "./count-paging.js";

/** Newer and older date pages, each null when no entry lies that way. */
export interface DateNeighbours {
  newer: ViewSpec | null;
  older: ViewSpec | null;
}

/** Whether a view's periods run newest first; title-ordered views list their periods like the default. */
export function periodsDescending(order: ViewOrder): boolean {
  return order !== "oldest";
}

/**
 * The period a date page shows: the spec's date; else (a template asked for date paging) the period of the
 * `?id=` entry, or of the view's first entry. Null when nothing is listed.
 */
export function pagePeriod(ctx: ViewContext, spec: ViewSpec, paging: DatePaging): Period | null {
  if (spec.date !== null) return periodOfKey(spec.date, ctx.timeZone);
  if (spec.id !== null && anchorKey(ctx, spec)) {
    const anchor = ctx.index.entryById(spec.id)!;
    return periodContaining(anchor.pageDate ?? anchor.date, paging, ctx.timeZone);
  }
  return headPeriod(ctx, spec, paging);
}

/** The entries of a date page, in display order. */
export function datePage(ctx: ViewContext, spec: ViewSpec, period: Period): IndexedEntry[] {
  // The in-memory listing is in order of instants; it is the page only where no entry's written zone differs.
  const listing = ctx.index.writtenZonesDiffer() ? null : listingOf(ctx, spec);
  if (listing) {
    // The period is a run of the date-ordered listing: from the first entry on one side of it to the first
    // on the other (an ID below every real one puts the bound before all entries of that instant).
    const startAt = positionOf(listing, { k: period.start, id: Number.NEGATIVE_INFINITY }, true);
    const endAt = positionOf(listing, { k: period.end, id: Number.NEGATIVE_INFINITY }, true);
    return listing.descending
      ? entriesAt(ctx, listing, endAt, startAt)
      : entriesAt(ctx, listing, startAt, endAt);
  }
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec), readerOf(ctx));
  w.add(periodSql(w.bind(period.start), w.bind(period.end), dateColumn(ctx)));
  return selectEntries(ctx.index.db, w, orderBySql(spec.order), null);
}

/** The nearest non-empty periods before and after this one (empty periods are skipped). */
export function dateNeighbours(
  ctx: ViewContext,
  spec: ViewSpec,
  paging: DatePaging,
  period: Period,
): DateNeighbours {
  const column = dateColumn(ctx);
  const older = nearestDate(ctx, spec, `${column} < @edge`, period.start, "newest");
  const newer = nearestDate(ctx, spec, `${column} >= @edge`, period.end, "oldest");
  const head =
    spec.paging === paging && (older !== null || newer !== null) ? headPeriod(ctx, spec, paging) : null;
  const toSpec = (date: number | null): ViewSpec | null =>
    date === null ? null : specForPeriod(spec, periodContaining(date, paging, ctx.timeZone), head);
  return { newer: toSpec(newer), older: toSpec(older) };
}

/** Every date page of a view in display order; empty periods have no page. */
export function datePages(ctx: ViewContext, spec: ViewSpec, paging: DatePaging): ViewSpec[] {
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec), readerOf(ctx));
  const order = periodsDescending(spec.order) ? "newest" : "oldest";
  const dates = selectRows<{ date: number }>(
    ctx.index.db,
    `${dateColumn(ctx)} AS date`,
    w,
    byPageDate(ctx, order),
    null,
  );
  const pages: ViewSpec[] = [];
  let current: Period | null = null;
  for (const { date } of dates) {
    // Most rows fall in the period just seen; only a row outside it costs a time-zone conversion.
    if (current && date >= current.start && date < current.end) continue;
    current = periodContaining(date, paging, ctx.timeZone);
    pages.push(
      pages.length === 0 ? firstPageSpec(spec, paging, current) : { ...spec, id: null, date: current.key },
    );
  }
  return pages.length > 0 ? pages : [firstPageSpec(spec, paging, null)];
}

/**
 * A neighbour's spec. When a template asked for date paging (`head` is then the top period), the period at
 * the top of the listing is the view's first page (no `date`), so walking back ends where walking began.
 */
function specForPeriod(spec: ViewSpec, period: Period, head: Period | null): ViewSpec {
  if (head && head.key === period.key) return { ...spec, id: null, date: null };
  return { ...spec, id: null, date: period.key };
}

function firstPageSpec(spec: ViewSpec, paging: DatePaging, head: Period | null): ViewSpec {
  if (spec.paging === paging || head === null) return { ...spec, id: null, date: null, paging };
  return { ...spec, id: null, date: head.key };
}

/** The period of the entry a date-paged view starts with (newest first unless ordered oldest first). */
function headPeriod(ctx: ViewContext, spec: ViewSpec, paging: DatePaging): Period | null {
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec), readerOf(ctx));
  const order = periodsDescending(spec.order) ? "newest" : "oldest";
  const row = selectRows<{ date: number }>(
    ctx.index.db,
    `${dateColumn(ctx)} AS date`,
    w,
    byPageDate(ctx, order),
    1,
  )[0];
  return row ? periodContaining(row.date, paging, ctx.timeZone) : null;
}

function nearestDate(
  ctx: ViewContext,
  spec: ViewSpec,
  clause: string,
  edge: number,
  order: "newest" | "oldest",
): number | null {
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec), readerOf(ctx)).add(clause, { edge });
  const column = `${dateColumn(ctx)} AS date`;
  return selectRows<{ date: number }>(ctx.index.db, column, w, byPageDate(ctx, order), 1)[0]?.date ?? null;
}

/** SQL: the entry's date as written falls in [start, end) (two bound parameter names). */
export function periodSql(start: string, end: string, column = "e.page_date"): string {
  return `${column} >= ${start} AND ${column} < ${end}`;
}

/**
 * The column date pages go by: the date as written; where no entry's written zone differs from the site's,
 * that is the date itself, whose indexes serve the queries.
 */
export function dateColumn(ctx: Pick<ViewContext, "index">): string {
  return ctx.index.writtenZonesDiffer() ? "e.page_date" : "e.date";
}

/** Date pages in order of the dates as written. */
function byPageDate(ctx: Pick<ViewContext, "index">, order: "newest" | "oldest"): string {
  const dir = order === "newest" ? "DESC" : "ASC";
  return `ORDER BY ${dateColumn(ctx)} ${dir}, e.id ${dir}`;
}
