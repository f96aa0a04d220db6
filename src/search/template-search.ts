/**
 * `search()` for templates, in Publ's names: `search(query, category=, recurse=, count=, page=, future=)`
 * returns the results with `entries`, `hits` (entry, highlighted snippet and title), paging and
 * `has_unauthorized`.
 */
import { callableList, keywordArgs } from "../template/callable.js";
import type { TemplateRuntime } from "../template/runtime.js";
import type { TemplateEntry } from "../template/objects.js";
import { QuireError } from "../errors.js";
import { Searcher, type SearchResult } from "./searcher.js";

/** One result as templates see it. */
export interface TemplateHit {
  entry: TemplateEntry;
  /** The text around the matches, HTML, with matches in `<mark>`. */
  snippet: unknown;
  /** The title with matches in `<mark>`, HTML. */
  title: unknown;
  rank: number;
}

/** The value `search()` returns. */
export class TemplateSearchResults {
  readonly entries: TemplateEntry[];
  readonly hits: TemplateHit[];
  constructor(
    rt: TemplateRuntime,
    private readonly result: SearchResult,
  ) {
    const index = rt.index();
    this.hits = [];
    for (const hit of result.hits) {
      const record = index.entryByFile(hit.file);
      // The searcher already filtered by this reader; checked again on the record the page will show.
      if (!record || !rt.mayRead(record)) continue;
      this.hits.push({
        entry: rt.entry(record),
        snippet: rt.safe(hit.snippet),
        title: rt.safe(hit.title),
        rank: hit.rank,
      });
    }
    // Callable as in Publ (`results.entries(unauthorized=N)`); search adds no stubs of refused entries, whose
    // rank would tell where a private entry stands for the words searched.
    const entries = this.hits.map((h) => h.entry);
    this.entries = callableList(entries, () => entries);
  }
  /** The query as read (control characters dropped, cut to its maximum length). */
  get query(): string {
    return this.result.query.text;
  }
  /** Results over all pages. */
  get total(): number {
    return this.result.total;
  }
  get count(): number {
    return this.result.count;
  }
  get page(): number {
    return this.result.page;
  }
  get pages(): number {
    return this.result.pages;
  }
  /** The previous page's number, or null. */
  get previous(): number | null {
    return this.result.page > 1 && this.result.pages > 0
      ? Math.min(this.result.page - 1, this.result.pages)
      : null;
  }
  /** The next page's number, or null. */
  get next(): number | null {
    return this.result.page < this.result.pages ? this.result.page + 1 : null;
  }
  /** Publ's flag: some matches were left out because the reader may not see them. */
  get has_unauthorized(): boolean {
    return this.result.hasUnauthorized;
  }
  /** The query was not understood as written and was searched as plain words. */
  get is_fallback(): boolean {
    return this.result.fallback;
  }
  /** The search index is still catching up with a change: results may be missing. */
  get is_building(): boolean {
    return this.result.building;
  }
  get length(): number {
    return this.hits.length;
  }
}

type NunjucksThis = { ctx: Record<string, unknown> };

/** The `search` template global. */
export function searchGlobal(): (this: unknown, ...args: unknown[]) => TemplateSearchResults {
  return function search(this: unknown, ...args: unknown[]) {
    const rt = (this as NunjucksThis | undefined)?.ctx?._rt as TemplateRuntime | undefined;
    if (!rt) throw new QuireError("E_TEMPLATE", "search() can only be used while Quire renders a page");
    const kw = keywordArgs(args);
    const positional = (kw._positional as unknown[] | undefined) ?? [];
    const [query, category, recurse, count, page, future] = [
      kw.query ?? positional[0],
      kw.category ?? positional[1],
      kw.recurse ?? positional[2],
      kw.count ?? positional[3],
      kw.page ?? positional[4],
      kw.future ?? positional[5],
    ];
    const result = new Searcher(rt.index().db, rt).search(typeof query === "string" ? query : "", {
      category: categoryPath(category),
      recurse: truthy(recurse),
      count: numberOf(count),
      page: numberOf(page),
      future: truthy(future),
      now: rt.now,
      reader: rt.reader,
    });
    return new TemplateSearchResults(rt, result);
  };
}

/** A category given as a path or a category object; null or absent means the whole site. */
function categoryPath(value: unknown): string | null {
  if (value === undefined || value === null || value === false) return null;
  if (typeof value === "string") return value.replace(/^\/+|\/+$/g, "");
  const path = (value as { path?: unknown }).path;
  return typeof path === "string" ? path : null;
}

function truthy(value: unknown): boolean {
  return value === true || value === "true" || value === "True" || value === 1;
}

/** A number from a template value or a query parameter; anything else is left to the default. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\s*\d{1,6}\s*$/.test(value)) return Number(value);
  return undefined;
}
