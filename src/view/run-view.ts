/** Runs a view spec against the index: the page's entries, its neighbours (previous/next in display order,
 *  newer/older by date), its range label and the tombstones a feed needs. Neighbours are computed on use. */
import type { ContentIndex, IndexedEntry } from "../db/content-index.js";
import {
  datePagingOf,
  isCurrentSpec,
  pagingOf,
  type DatePaging,
  type Paging,
  type ViewSpec,
} from "./view-spec.js";
import { dayLabelOf, periodLabel, type Period } from "./date-period.js";
import {
  addKeyRelation,
  filterWhere,
  keyOfEntry,
  orderBySql,
  selectEntries,
  type SortKey,
} from "./view-sql.js";
import {
  anchorKey,
  countPage,
  countPageAnchors,
  countPages,
  entryAfterPage,
  nextCountSpec,
  previousCountSpec,
  readerOf,
  statusMode,
  type ViewContext,
} from "./count-paging.js";
import type { ReaderAccess } from "../auth/access-rule.js";
import {
  datePage,
  dateNeighbours,
  datePages,
  pagePeriod,
  periodsDescending,
  periodSql,
  dateColumn,
  type DateNeighbours,
} from "./date-paging.js";

export interface ViewOptions {
  /** The site's IANA time zone: date pages are calendar periods there. Default UTC. */
  timeZone?: string;
  /** How many tombstones `deleted` lists at most. Default 50. */
  deletedLimit?: number;
  /** Who reads the view: entries their access refuses are not listed. Default: an anonymous reader. */
  reader?: ReaderAccess;
}

/** One page of a view, as templates see it (Publ's View object, with specs in place of linked views). */
export interface ViewResult {
  readonly spec: ViewSpec;
  /** The page's entries, in display order. */
  readonly entries: IndexedEntry[];
  readonly count: number;
  /** First and last entry in display order; newest and oldest by (date, id). */
  readonly first: IndexedEntry | null;
  readonly last: IndexedEntry | null;
  readonly newest: IndexedEntry | null;
  readonly oldest: IndexedEntry | null;
  readonly paging: Paging;
  /** The calendar period of a date page. */
  readonly period: Period | null;
  /** The page before/after this one in display order (Publ: newest first, so `next` is older). */
  readonly previous: ViewSpec | null;
  readonly next: ViewSpec | null;
  /** The page of newer/older entries whatever the order; null for title-ordered count pages. */
  readonly newer: ViewSpec | null;
  readonly older: ViewSpec | null;
  /** "March 2024", "2024", "Week of 2024-03-04", "March 4, 2024"; "first – last" dates on count pages. */
  readonly range: string;
  /** GONE/DELETED entries within this page's span (for feed tombstones), newest first, bounded. */
  readonly deleted: IndexedEntry[];
  /** The active tag filter. */
  readonly tags: readonly string[];
  /** True on a view's first page: no `date`, no `id`. */
  readonly isCurrent: boolean;
  /**
   * Entries within this page's span that the reader may not read (newest first in display order), at most
   * `limit`: what Publ's `view.unauthorized` and `view.entries(unauthorized=N)` show as stubs.
   */
  unauthorized(limit: number): IndexedEntry[];
}

/** Runs a view at instant `now` (SCHEDULED entries dated at or before it are listed). The page's entries are
 *  read at once; neighbours, tombstones and range are getters, computed on first use and then kept. */
export function runView(
  index: ContentIndex,
  spec: ViewSpec,
  now: number,
  options: ViewOptions = {},
): ViewResult {
  return new ViewPage(
    { index, now, timeZone: options.timeZone ?? "UTC", reader: options.reader },
    spec,
    options.deletedLimit ?? 50,
  );
}

/** Every page of a view, in display order, starting with its first page (for the static exporter). */
export function allPages(
  index: ContentIndex,
  spec: ViewSpec,
  now: number,
  options: ViewOptions = {},
): ViewSpec[] {
  const ctx = { index, now, timeZone: options.timeZone ?? "UTC", reader: options.reader };
  const paging = datePagingOf(spec);
  return paging ? datePages(ctx, spec, paging) : countPages(ctx, spec);
}

/**
 * The anchor of every page of a count-paged view after the first, in display order: the `id` of each spec
 * `allPages` gives after the first (and the date of that entry), without making the specs (a view of one
 * entry a page has a page per entry).
 */
export function pageAnchors(
  index: ContentIndex,
  spec: ViewSpec,
  now: number,
  reader?: ReaderAccess,
): { ids: number[]; dates: number[] } {
  return countPageAnchors({ index, now, reader }, spec);
}

class ViewPage implements ViewResult {
  readonly entries: IndexedEntry[];
  readonly period: Period | null = null;
  private readonly datePaging: DatePaging | null;
  private readonly anchor: SortKey | null = null;
  private readonly memo = new Map<string, unknown>();

  constructor(
    private readonly ctx: ViewContext,
    readonly spec: ViewSpec,
    private readonly deletedLimit: number,
  ) {
    this.datePaging = datePagingOf(spec);
    if (this.datePaging) {
      this.period = pagePeriod(ctx, spec, this.datePaging);
      this.entries = this.period ? datePage(ctx, spec, this.period) : [];
    } else {
      this.anchor = anchorKey(ctx, spec);
      this.entries = countPage(ctx, spec, this.anchor);
    }
  }

  get count(): number {
    return this.entries.length;
  }
  get first(): IndexedEntry | null {
    return this.entries[0] ?? null;
  }
  get last(): IndexedEntry | null {
    return this.entries[this.entries.length - 1] ?? null;
  }
  get newest(): IndexedEntry | null {
    return this.extreme(1);
  }
  get oldest(): IndexedEntry | null {
    return this.extreme(-1);
  }
  get paging(): Paging {
    return pagingOf(this.spec);
  }
  get tags(): readonly string[] {
    return this.spec.tag;
  }
  get isCurrent(): boolean {
    return isCurrentSpec(this.spec);
  }

  get previous(): ViewSpec | null {
    if (this.datePaging) return periodsDescending(this.spec.order) ? this.newer : this.older;
    return this.once("previous", () => previousCountSpec(this.ctx, this.spec, this.anchor, this.entries));
  }
  get next(): ViewSpec | null {
    if (this.datePaging) return periodsDescending(this.spec.order) ? this.older : this.newer;
    return nextCountSpec(this.spec, this.entryAfter());
  }
  get newer(): ViewSpec | null {
    if (this.datePaging) return this.dateNeighbours()?.newer ?? null;
    if (this.spec.order === "title") return null;
    return this.spec.order === "newest" ? this.previous : this.next;
  }
  get older(): ViewSpec | null {
    if (this.datePaging) return this.dateNeighbours()?.older ?? null;
    if (this.spec.order === "title") return null;
    return this.spec.order === "newest" ? this.next : this.previous;
  }

  get range(): string {
    if (this.period) return periodLabel(this.period);
    const first = this.first;
    const last = this.last;
    // Publ names only paginated views; an unbounded listing has no range.
    if (!first || !last || (this.spec.count === null && this.spec.id === null)) return "";
    const a = dayLabelOf(first.date, this.ctx.timeZone);
    const b = dayLabelOf(last.date, this.ctx.timeZone);
    return a === b ? a : `${a} – ${b}`;
  }

  get deleted(): IndexedEntry[] {
    return this.once("deleted", () => {
      if (this.datePaging && !this.period) return [];
      const w = filterWhere(this.ctx.index, this.spec, this.ctx.now, "deleted", readerOf(this.ctx));
      if (this.period) {
        w.add(periodSql(w.bind(this.period.start), w.bind(this.period.end), dateColumn(this.ctx)));
      } else {
        // As in Publ: tombstones between two pages belong to the earlier one.
        if (this.anchor) addKeyRelation(w, this.spec.order, "atOrAfter", this.anchor);
        const after = this.entryAfter();
        if (after) addKeyRelation(w, this.spec.order, "before", keyOfEntry(after, this.spec.order));
      }
      return selectEntries(this.ctx.index.db, w, orderBySql("newest"), this.deletedLimit);
    });
  }

  unauthorized(limit: number): IndexedEntry[] {
    return this.once(`unauthorized\0${limit}`, () => {
      if (this.datePaging && !this.period) return [];
      const w = filterWhere(
        this.ctx.index,
        this.spec,
        this.ctx.now,
        statusMode(this.spec),
        readerOf(this.ctx),
        true,
      );
      if (this.period) {
        w.add(periodSql(w.bind(this.period.start), w.bind(this.period.end), dateColumn(this.ctx)));
      } else {
        // The page's span: from its anchor (or the top) to the first entry of the next page.
        if (this.anchor) addKeyRelation(w, this.spec.order, "atOrAfter", this.anchor);
        const after = this.entryAfter();
        if (after) addKeyRelation(w, this.spec.order, "before", keyOfEntry(after, this.spec.order));
      }
      return selectEntries(this.ctx.index.db, w, orderBySql(this.spec.order), limit);
    });
  }

  private entryAfter(): IndexedEntry | null {
    return this.once("after", () => entryAfterPage(this.ctx, this.spec, this.entries));
  }

  private dateNeighbours(): DateNeighbours | null {
    const { datePaging, period } = this;
    if (!datePaging || !period) return null;
    return this.once("dates", () => dateNeighbours(this.ctx, this.spec, datePaging, period));
  }

  private extreme(sign: 1 | -1): IndexedEntry | null {
    let best: IndexedEntry | null = null;
    for (const e of this.entries) {
      if (!best || sign * (e.date - best.date || e.id - best.id) > 0) best = e;
    }
    return best;
  }

  private once<T>(key: string, compute: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, compute());
    return this.memo.get(key) as T;
  }
}
