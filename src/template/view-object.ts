/** `view` in templates: one page of a listing, with Publ's names and calls (`view(count=5)`, `view.current`,
 *  `view.range(…)`, `view.tag_toggle(…)`, `view.link(template=…)`); it prints as its link and iterates its entries. */
import type { QuireConfig } from "../config/schema.js";
import { tagKey } from "../db/refresh.js";
import type { IndexedEntry } from "../db/index.js";
import {
  allPages,
  currentOf,
  runView,
  specFromKeywords,
  specFromQuery,
  viewLink,
  type ViewResult,
  type ViewSpec,
} from "../view/index.js";
import {
  CALLS,
  callableFunction,
  callableList,
  callableObject,
  sig,
  type Kwargs,
  type MemberCall,
} from "./callable.js";
import { entriesWithStubs, unauthorizedEntries } from "./unauthorized.js";
import { nameOfValue, templateName, truthy, viewKeywords } from "./category-object.js";
import { pyRepr } from "./jinja/python.js";
import { lastModifiedDate, type TemplateEntry } from "./objects.js";
import type { TemplateRuntime } from "./runtime.js";
import { TemplateDate } from "./template-date.js";
import { categoryPath, templatePath, absoluteUrl } from "./urls.js";

// Publ's default formats of `view.range` by span (`year` is "YYYY/MM" in Publ too).
const SPAN_FORMATS: Record<string, string> = {
  day: "YYYY/MM/DD",
  week: "YYYY/MM/DD",
  month: "YYYY/MM",
  year: "YYYY/MM",
};
const VIEW_SIG = sig("view()", [], [], { anyKeyword: true });

/** `view` in templates: one page of a listing; call it to refine (`view(count=5, recurse=True)`). */
export class TemplateView {
  private readonly rt: TemplateRuntime;
  private readonly make: () => ViewResult;
  private made: ViewResult | undefined;
  private entryList: TemplateEntry[] | undefined;

  /** `result` is run when the template first reads the view: most entry pages never do. */
  constructor(rt: TemplateRuntime, result: ViewResult | (() => ViewResult)) {
    this.rt = rt;
    this.make = typeof result === "function" ? result : () => result;
  }

  private get result(): ViewResult {
    return (this.made ??= this.make());
  }

  /** The page's entries; `view.entries(unauthorized=N)` adds up to N stubs of entries the reader may not read. */
  get entries(): TemplateEntry[] {
    // An entry whose file went missing under the index is left out until the index catches up.
    return (this.entryList ??= callableList(
      this.result.entries.filter((e) => !this.rt.vanished(e)).map((e) => this.rt.entry(e)),
      (kw) => entriesWithStubs(this.rt, this.result, kw.unauthorized),
    ));
  }
  get count(): number {
    return this.result.count;
  }
  get first(): TemplateEntry | null {
    return this.result.first ? this.rt.entry(this.result.first) : null;
  }
  get last(): TemplateEntry | null {
    return this.result.last ? this.rt.entry(this.result.last) : null;
  }
  get newest(): TemplateEntry | null {
    return this.result.newest ? this.rt.entry(this.result.newest) : null;
  }
  get oldest(): TemplateEntry | null {
    return this.result.oldest ? this.rt.entry(this.result.oldest) : null;
  }
  get previous(): unknown {
    return this.neighbour(this.result.previous);
  }
  get next(): unknown {
    return this.neighbour(this.result.next);
  }
  get newer(): unknown {
    return this.neighbour(this.result.newer);
  }
  get older(): unknown {
    return this.neighbour(this.result.older);
  }
  /** This view without its page position (its first page); `view.current(count=5)` refines it. */
  get current(): unknown {
    return viewValue(this.rt, currentOf(this.result.spec));
  }
  /** Every page of this view, in order (slow on long listings, as in Publ). */
  get pages(): unknown[] {
    return allPages(this.rt.index(), this.result.spec, this.rt.now, {
      timeZone: this.rt.timeZone,
      reader: this.rt.reader,
    }).map((s) => viewValue(this.rt, s));
  }
  /** Publ's description of the page's span: "2012/02 (2)", "2012/01/01 — 2012/02/02 (3)"; see `range(…)`. */
  get range(): string {
    return this.rangeWith({});
  }
  /** Quire's label of the page: "March 2024", "Week of 2024-03-04", "first – last" dates on count pages. */
  get label(): string {
    return this.result.range;
  }
  get paging(): string {
    return this.result.paging;
  }
  get is_current(): boolean {
    return this.result.isCurrent;
  }
  get tags(): readonly string[] {
    return this.result.tags;
  }
  get spec(): ViewSpec {
    // The attachment filters show only when set, as Publ's spec holds only what was asked for.
    const { attachments, attached, hasAttachments, isAttached, ...rest } = this.result.spec;
    const linked = { attachments, attached, hasAttachments, isAttached };
    const shown = { ...rest, ...Object.fromEntries(Object.entries(linked).filter(([, v]) => v !== null)) };
    return new PrintedSpec(shown as ViewSpec) as unknown as ViewSpec;
  }
  get category(): unknown {
    return this.rt.category(this.result.spec.category);
  }
  /** The latest modification of the page's entries (feeds' `<updated>`); now when the page is empty. */
  get last_modified(): TemplateDate {
    let latest: IndexedEntry | null = null;
    for (const e of this.result.entries)
      if (latest === null || (e.lastModified ?? e.date) > (latest.lastModified ?? latest.date)) latest = e;
    return latest
      ? lastModifiedDate(latest, this.rt)
      : new TemplateDate(this.rt.now, this.rt.timeZone, this.rt.now);
  }
  /** Entries on this page the reader may not read (stubs: no title or text). */
  get unauthorized(): TemplateEntry[] {
    return callableList(unauthorizedEntries(this.rt, this.result), (kw) =>
      unauthorizedEntries(this.rt, this.result, kw.count ?? (kw._positional as unknown[] | undefined)?.[0]),
    );
  }
  get has_unauthorized(): boolean {
    return this.result.unauthorized(1).length > 0;
  }
  /** Tombstones: GONE/DELETED entries for the feed. */
  get deleted(): TemplateEntry[] {
    return this.result.deleted.map((e) => this.rt.entry(e));
  }
  /** This page's URL; `view.link(template='feed', absolute=True)`. */
  get link(): string {
    return this.linkTo({});
  }

  get tag_add(): unknown {
    return this.tagOp("tag_add", (keys, k, name) => keys.set(k, name));
  }
  get tag_remove(): unknown {
    return this.tagOp("tag_remove", (keys, k) => keys.delete(k));
  }
  get tag_toggle(): unknown {
    return this.tagOp("tag_toggle", (keys, k, name) => (keys.has(k) ? keys.delete(k) : keys.set(k, name)));
  }

  /** Publ prints a view as its link. */
  toString(): string {
    return this.link;
  }

  *[Symbol.iterator](): Iterator<TemplateEntry> {
    yield* this.entries;
  }

  /** Publ's calls on a view, with their signatures: see `callable.ts`. */
  [CALLS](key: string): MemberCall | undefined {
    switch (key) {
      case "link":
        return {
          sig: sig("view.link()", ["template", "absolute", "category"], ["tag"]),
          call: (kw) => this.linkTo(kw),
        };
      case "range":
        return {
          sig: sig("view.range()", [], ["day", "week", "month", "year", "span", "single"], {
            anyKeyword: false,
          }),
          call: (kw) => this.rangeWith(kw),
        };
      case "current":
        return {
          sig: sig("view.current()", [], [], { anyKeyword: true }),
          call: (kw, warn) => refine(this.rt, currentOf(this.result.spec), kw, warn),
        };
      default:
        return undefined;
    }
  }

  private tagOp(
    name: string,
    apply: (keys: Map<string, string>, key: string, tag: string) => unknown,
  ): unknown {
    return callableFunction(sig(`view.${name}()`, [], [], { rest: "tags" }), (kw) => {
      const keys = new Map(this.result.spec.tag.map((t) => [tagKey(t), t]));
      for (const t of flatten(kw.tags)) apply(keys, tagKey(t), t);
      return viewValue(this.rt, { ...this.result.spec, tag: [...keys.values()] });
    });
  }

  private linkTo(kw: Kwargs): string {
    let spec = this.result.spec;
    if (kw.category !== undefined && kw.category !== null && kw.category !== "")
      spec = { ...spec, category: nameOfValue(kw.category) };
    if (kw.tag !== undefined) spec = specFromKeywords(viewKeywords({ tag: kw.tag }), spec);
    const template = templateName(kw.template);
    const base = template ? templatePath(spec.category, template) : categoryPath(spec.category);
    const path = viewLink(spec, base);
    return truthy(kw.absolute) ? absoluteUrl(this.rt.baseUrl, path) : path;
  }

  /** Publ's `view.range(day=…, week=…, month=…, year=…, span=…, single=…)`. */
  private rangeWith(formats: Kwargs): string {
    const spec = this.result.spec;
    const paged =
      spec.date !== null ||
      spec.id !== null ||
      spec.count !== null ||
      spec.first !== null ||
      spec.last !== null;
    const oldest = this.oldest;
    const newest = this.newest;
    if (!paged || !oldest || !newest) return "";
    let span: string;
    let fallback: string;
    if (spec.date !== null) {
      span = this.result.paging;
      fallback =
        { day: "YYYY-MM-DD", week: "YYYYMMDD_w", month: "YYYY-MM", year: "YYYY" }[span] ?? "YYYY-MM-DD";
    } else if (oldest.date.year !== newest.date.year) [span, fallback] = ["year", "YYYY"];
    else if (oldest.date.month !== newest.date.month) [span, fallback] = ["month", "YYYY-MM"];
    else [span, fallback] = ["day", "YYYY-MM-DD"];
    const format = String(formats[span] ?? SPAN_FORMATS[span] ?? fallback);
    const from = oldest.date.format(format);
    if (oldest.id === newest.id) return from;
    const to = newest.date.format(format);
    const template = String(
      from === to
        ? (formats.single ?? "{oldest} ({count})")
        : (formats.span ?? "{oldest} — {newest} ({count})"),
    );
    const values: Record<string, string> = { oldest: from, newest: to, count: String(this.result.count) };
    return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
  }

  // `view.older` is read several times by a pagination block (truthiness, link, label): made once per view.
  private neighbours: Map<ViewSpec, unknown> | undefined;

  private neighbour(spec: ViewSpec | null): unknown {
    if (!spec) return null;
    this.neighbours ??= new Map();
    let v = this.neighbours.get(spec);
    if (v === undefined) this.neighbours.set(spec, (v = viewValue(this.rt, spec)));
    return v;
  }
}

function flatten(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "object" && Symbol.iterator in v && typeof v !== "string")
    return [...(v as Iterable<unknown>)].flatMap(flatten);
  return [nameOfValue(v)];
}

/** `view(…)`: this spec refined by keyword arguments, as Publ's `View.load({**spec, **restrict})`. */
function refine(rt: TemplateRuntime, spec: ViewSpec, kw: Kwargs, warn?: (message: string) => void): unknown {
  const refined = specFromKeywords(viewKeywords(kw, warn), spec);
  // A page's `?id=` anchor positions its own category's listing: a view of another category (a sidebar of the
  // root's links on every page) starts at its first page, as Publ's does.
  return viewValue(rt, refined.category !== spec.category ? { ...refined, id: null } : refined);
}

/**
 * A view for a spec, callable to refine it with keyword arguments. `lazy`: run the view when the template first
 * reads it, for a page that may never do so (an entry page's `view`); otherwise now, so that a request's bad
 * spec fails before rendering, with its own status.
 */
export function viewValue(rt: TemplateRuntime, spec: ViewSpec, lazy = false): unknown {
  const index = rt.index();
  const reader = rt.reader;
  const run = () =>
    index.memo(`view\0${JSON.stringify(spec)}\0${reader.accessKey}`, rt.now, () =>
      runView(index, spec, rt.now, { timeZone: rt.timeZone, reader }),
    );
  const view = new TemplateView(rt, lazy ? run : run());
  return callableObject(view, (kw, warn) => refine(rt, spec, kw, warn), VIEW_SIG);
}

/** The `view` of a category page: the category, paged by the site's count, positioned by the query string. */
export function viewObject(
  rt: TemplateRuntime,
  config: QuireConfig,
  base: { category: string },
  query: URLSearchParams,
  lazy = false,
): unknown {
  return viewValue(rt, specFromQuery(query, { category: base.category, count: config.view.count }), lazy);
}

/**
 * `view.spec`: every field of the spec reads as an attribute (`view.spec.date`), and it prints as Publ prints its
 * own, the arguments the page was asked for: `{'tag': 'cats', 'category': 'blog', 'start': '12'}`.
 */
class PrintedSpec {
  constructor(spec: ViewSpec) {
    Object.assign(this, spec);
  }

  toString(): string {
    const spec = this as unknown as ViewSpec;
    const args: [string, unknown][] = [];
    if (spec.tag.length > 0) args.push(["tag", spec.tag.length === 1 ? spec.tag[0] : [...spec.tag]]);
    args.push(["category", spec.category]);
    if (spec.date !== null) args.push(["date", spec.date]);
    if (spec.id !== null) args.push(["start", String(spec.id)]);
    return `{${args.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(", ")}}`;
  }
}
