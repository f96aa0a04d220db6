/** Pagination without a page-by-page crawl: once a listing's first two pages are rendered, their "next"
 *  links tell which listing and page size the template uses, and every later page is queued at once. */
import type { Site } from "../site.js";
import { ANONYMOUS_ACCESS } from "../auth/access-rule.js";
import { routeRequest } from "../http/route.js";
import { tagKey } from "../db/refresh.js";
import { makeSpec, pageAnchors, viewLink, type ViewSpec } from "../view/index.js";
import type { PageJob, PageResult } from "./page-renderer.js";

/** A guess at the listing behind a first page: the spec, its entries in display order, and the page size. */
interface Guess {
  base: ViewSpec;
  categoryUrl: string;
  ids: number[];
  /** The date of each entry of `ids`. */
  dates: number[];
  count: number;
}

/** Larger "pages" are not pagination worth guessing at; such listings are crawled link by link. */
const MAX_PAGE_SIZE = 1000;

/** A first page waiting for its page 2: where it is, its query, and the anchor of page 2. */
interface Pending {
  path: string;
  params: URLSearchParams;
  second: number;
}

const ORDER_GROUPS = [["newest"], ["oldest", "title"]] as const;

/**
 * Watches rendered view pages. A first page whose "next" link anchors at entry X fits every listing where
 * X stands at position N (the page size); page 2's own "next" link must then be the entry at 2N, which
 * confirms one guess. Only a confirmed guess queues pages, so a template this cannot read is crawled link
 * by link as before, never exported with pages it does not link to.
 */
export class PagingExpander {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly site: Site,
    private readonly keyOf: (url: string) => string,
    private readonly isViewPath: (path: string) => boolean,
  ) {}

  /** The jobs a rendered page makes known (none for most pages). */
  onPage(result: Extract<PageResult, { kind: "page" }>): PageJob[] {
    const own = parse(result.url);
    if (own.params.has("date")) return [];
    const next = result.links
      .map((link) => parse(link.url))
      .filter((l) => l.path === own.path && !l.params.has("date") && sameTags(l.params, own.params))
      .map((l) => ({ url: l.url, id: anchorOf(l.params) }))
      .filter((l): l is { url: string; id: number } => l.id !== null && l.id !== anchorOf(own.params));
    // Most pages (every entry) link to no other page of themselves and wait for no page 2: settled without
    // routing their path.
    if (own.params.has("id") ? !this.pending.has(result.key) : next.length === 0) return [];
    if (!this.isViewPath(own.path)) return [];
    if (!own.params.has("id")) {
      for (const link of next)
        this.pending.set(this.keyOf(link.url), { path: own.path, params: own.params, second: link.id });
      return [];
    }
    const first = this.pending.get(result.key);
    if (!first) return [];
    this.pending.delete(result.key);
    // Newest first is what almost every listing uses: the other orders are only read when it does not fit.
    for (const orders of ORDER_GROUPS) {
      const guesses = this.guesses(first, orders);
      for (const link of next) {
        const confirmed = guesses.find((g) => g.ids[2 * g.count] === link.id);
        if (confirmed) return this.jobs(confirmed);
      }
    }
    return [];
  }

  /** Every listing of the first page's category and tags, in these orders, in which page 2 starts at `second`. */
  private guesses(first: Pending, orders: readonly ViewSpec["order"][]): Guess[] {
    const route = routeRequest(this.site.routeContext(ANONYMOUS_ACCESS), first.path, "");
    if (route.kind !== "category") return [];
    const tag = first.params.getAll("tag");
    const now = this.site.now();
    const out: Guess[] = [];
    for (const order of orders) {
      for (const recurse of [true, false]) {
        const base = makeSpec({ category: route.category, tag, recurse, order, count: 1 });
        // With a page size of 1, every page after the first is anchored at the next entry.
        const anchors = pageAnchors(this.site.index, base, now);
        const ids = [0, ...anchors.ids];
        const count = ids.indexOf(first.second);
        if (count > 0 && count <= MAX_PAGE_SIZE)
          out.push({ base, categoryUrl: first.path, ids, dates: [0, ...anchors.dates], count });
      }
    }
    return out;
  }

  private jobs(g: Guess): PageJob[] {
    const jobs: PageJob[] = [];
    for (let i = 3 * g.count; i < g.ids.length; i += g.count) {
      const id = g.ids[i]!;
      const url = viewLink({ ...g.base, id, count: g.count }, g.categoryUrl);
      jobs.push({ key: this.keyOf(url), url, at: g.dates[i]! });
    }
    return jobs;
  }
}

function parse(url: string): { url: string; path: string; params: URLSearchParams } {
  const q = url.indexOf("?");
  return {
    url,
    path: q < 0 ? url : url.slice(0, q),
    params: new URLSearchParams(q < 0 ? "" : url.slice(q + 1)),
  };
}

function anchorOf(params: URLSearchParams): number | null {
  const id = params.get("id");
  return id !== null && /^\d{1,15}$/.test(id) ? Number(id) : null;
}

function sameTags(a: URLSearchParams, b: URLSearchParams): boolean {
  const keys = (p: URLSearchParams) => [...new Set(p.getAll("tag").map(tagKey))].sort().join("\n");
  return keys(a) === keys(b);
}
