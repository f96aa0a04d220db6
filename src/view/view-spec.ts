/** What a view asks for (Publ's view spec, typed): which entries, in what order, and which page of them.
 *  Plain data: a spec is a page's identity, so equal specs always show the same entries at the same `now`. */

/** Display orders, as Publ names them. */
export type ViewOrder = "newest" | "oldest" | "title";
/** How a tag filter combines its tags (Publ's `tag_filter`). */
export type TagFilter = "ANY" | "ALL" | "NONE";
/** The calendar periods a view can be paged by. */
export type DatePaging = "day" | "week" | "month" | "year";
/** A view's paging as templates see it (`view.paging`): a calendar period, or "offset" (by count, or none). */
export type Paging = DatePaging | "offset";

export interface ViewSpec {
  /** Category path: "" is the root, "blog", "blog/travel". */
  readonly category: string;
  /** Include subcategories. */
  readonly recurse: boolean;
  /** Page size for count paging; null lists every entry. Ignored on date pages, as in Publ. */
  readonly count: number | null;
  /** A date page: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or the week starting Monday `YYYY-MM-DD_w` (canonical forms). */
  readonly date: string | null;
  /** Date paging asked for by a template (`view(paging="month")`) when no `date` picks the period. */
  readonly paging: DatePaging | null;
  /** Anchor entry of a count page (`?id=`): the page starts at this entry in display order. */
  readonly id: number | null;
  /** Tag filter, as given (matched case-insensitively by tag key). */
  readonly tag: readonly string[];
  readonly tagFilter: TagFilter;
  readonly order: ViewOrder;
  /** Also list SCHEDULED entries whose date has not come yet. */
  readonly future: boolean;
  /** Only entries of these Entry-Types (null: any). */
  readonly entryType: readonly string[] | null;
  /** Leave out entries of these Entry-Types. */
  readonly entryTypeNot: readonly string[] | null;
  /** Publ's bounds by entry ID, in (date, id) order whatever the display order: at/after `first`, at/before
   *  `last`, strictly before `before`, strictly after `after`. Template-only filters; never in URLs. */
  readonly first: number | null;
  readonly last: number | null;
  readonly before: number | null;
  readonly after: number | null;
  /** Only the entries attached to the entry with this ID (Publ's `attachments=entry`). */
  readonly attachments: number | null;
  /** Only the entries the entry with this ID is attached to (Publ's `attached=entry`). */
  readonly attached: number | null;
  /** Only entries with (true) or without (false) attachments; null: either (Publ's `has_attachments`). */
  readonly hasAttachments: boolean | null;
  /** Only entries attached (true) or not attached (false) to another; null: either (`is_attached`). */
  readonly isAttached: boolean | null;
}

/** The spec every view starts from: the whole root category, newest first, unbounded. */
export const DEFAULT_SPEC: ViewSpec = Object.freeze({
  category: "",
  recurse: false,
  count: null,
  date: null,
  paging: null,
  id: null,
  tag: Object.freeze([]) as readonly string[],
  tagFilter: "ANY",
  order: "newest",
  future: false,
  entryType: null,
  entryTypeNot: null,
  first: null,
  last: null,
  before: null,
  after: null,
  attachments: null,
  attached: null,
  hasAttachments: null,
  isAttached: null,
});

/** A complete spec from a partial one, with defaults filled in. */
export function makeSpec(partial: Partial<ViewSpec> = {}): ViewSpec {
  const spec: Record<string, unknown> = { ...DEFAULT_SPEC };
  for (const [key, value] of Object.entries(partial)) if (value !== undefined) spec[key] = value;
  return spec as unknown as ViewSpec;
}

/** The date paging in force: the date's own precision wins over a template's `paging`, as in Publ. */
export function datePagingOf(spec: ViewSpec): DatePaging | null {
  if (spec.date !== null) return precisionOf(spec.date);
  return spec.paging;
}

/** How a view is paged, as `view.paging` reports it. */
export function pagingOf(spec: ViewSpec): Paging {
  return datePagingOf(spec) ?? "offset";
}

/** The precision of a canonical date key (`2024`, `2024-03`, `2024-03-04`, `2024-03-04_w`). */
export function precisionOf(date: string): DatePaging {
  if (date.endsWith("_w")) return "week";
  if (date.length === 4) return "year";
  if (date.length === 7) return "month";
  return "day";
}

/** The spec without its page position (Publ's `view.current`): no date, no anchor. */
export function currentOf(spec: ViewSpec): ViewSpec {
  return { ...spec, id: null, date: null };
}

/** True when the spec is a view's first page (Publ's `view.is_current`): no date, no anchor. */
export function isCurrentSpec(spec: ViewSpec): boolean {
  return spec.id === null && spec.date === null;
}

/** Tag names with duplicates (by key) removed, first spelling kept. */
export function uniqueTags(tags: readonly string[], keyOf: (tag: string) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of tags) {
    const key = keyOf(tag);
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    out.push(tag.trim());
  }
  return out;
}
