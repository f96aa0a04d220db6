/** Date paging (`?date=`): a page is one day, week, month or year of the wall-clock dates entries were written
 *  with (their local date, as Publ pages them), and its neighbours jump straight to the nearest period that has
 *  entries, each found with one indexed query. Local dates are wall-clock times read as UTC, so periods are
 *  worked out in UTC. */
import type { IndexedEntry } from "../db/content-index.js";
import type { DatePaging, ViewOrder, ViewSpec } from "./view-spec.js";
import { periodContaining, periodOfKey, type Period } from "./date-period.js";
import { filterWhere, orderBySql, selectEntries, selectRows, type Where } from "./view-sql.js";
import {
  anchorKey,
  entriesAt,
  listingOf,
  positionOf,
  readerOf,
  statusMode,
  type ViewContext,
} from "./count-paging.js";

/** Periods are calendar periods of local dates, which are wall-clock times read as UTC. */
const WALL_CLOCK = "UTC";
const LOCAL_DATE = "e.local_date AS date";

/** The SQL that keeps a period's entries (by local date). */
export function periodSql(w: Where, period: Period): string {
  return `e.local_date >= ${w.bind(period.start)} AND e.local_date < ${w.bind(period.end)}`;
}

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
  if (spec.date !== null) return periodOfKey(spec.date, WALL_CLOCK);
  if (spec.id !== null && anchorKey(ctx, spec)) {
    return periodContaining(ctx.index.entryById(spec.id)!.localDate, paging, WALL_CLOCK);
  }
  return headPeriod(ctx, spec, paging);
}

/** The entries of a date page, in display order. */
export function datePage(ctx: ViewContext, spec: ViewSpec, period: Period): IndexedEntry[] {
  const listing = listingOf(ctx, spec);
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
  w.add(periodSql(w, period));
  return selectEntries(ctx.index.db, w, orderBySql(spec.order), null);
}

/** The nearest non-empty periods before and after this one (empty periods are skipped). */
export function dateNeighbours(
  ctx: ViewContext,
  spec: ViewSpec,
  paging: DatePaging,
  period: Period,
): DateNeighbours {
  const older = nearestDate(ctx, spec, `e.local_date < @edge`, period.start, "newest");
  const newer = nearestDate(ctx, spec, `e.local_date >= @edge`, period.end, "oldest");
  const head =
    spec.paging === paging && (older !== null || newer !== null) ? headPeriod(ctx, spec, paging) : null;
  const toSpec = (date: number | null): ViewSpec | null =>
    date === null ? null : specForPeriod(spec, periodContaining(date, paging, WALL_CLOCK), head);
  return { newer: toSpec(newer), older: toSpec(older) };
}

/** Every date page of a view in display order; empty periods have no page. */
export function datePages(ctx: ViewContext, spec: ViewSpec, paging: DatePaging): ViewSpec[] {
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec), readerOf(ctx));
  const order = periodsDescending(spec.order) ? "newest" : "oldest";
  const dates = selectRows<{ date: number }>(ctx.index.db, LOCAL_DATE, w, orderBySql(order), null);
  const pages: ViewSpec[] = [];
  let current: Period | null = null;
  for (const { date } of dates) {
    // Most rows fall in the period just seen; only a row outside it costs a time-zone conversion.
    if (current && date >= current.start && date < current.end) continue;
    current = periodContaining(date, paging, WALL_CLOCK);
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
  const row = selectRows<{ date: number }>(ctx.index.db, LOCAL_DATE, w, orderBySql(order), 1)[0];
  return row ? periodContaining(row.date, paging, WALL_CLOCK) : null;
}

function nearestDate(
  ctx: ViewContext,
  spec: ViewSpec,
  clause: string,
  edge: number,
  order: "newest" | "oldest",
): number | null {
  const w = filterWhere(ctx.index, spec, ctx.now, statusMode(spec), readerOf(ctx)).add(clause, { edge });
  return selectRows<{ date: number }>(ctx.index.db, LOCAL_DATE, w, orderBySql(order), 1)[0]?.date ?? null;
}
