/** Template globals (`get_view`, `get_entry`, `static`, `image`) and the `view` object, in Publ's names. */
import type MarkdownIt from "markdown-it";
import type { QuireConfig } from "../config/schema.js";
import {
  runView,
  specFromKeywords,
  specFromQuery,
  viewLink,
  type ViewResult,
  type ViewSpec,
} from "../view/index.js";
import { callableHtml, callableList, callableObject, keywordArgs } from "./callable.js";
import { entriesWithStubs, unauthorizedEntries } from "./unauthorized.js";
import type { TemplateRuntime } from "./runtime.js";
import type { TemplateEntry } from "./objects.js";
import { categoryPath, staticPath, absoluteUrl } from "./urls.js";
import { QuireError } from "../errors.js";

/** What the globals need from the site. */
export interface GlobalsSite {
  readonly config: QuireConfig;
  readonly baseUrl: string;
  /** `image(path)` for templates, given the render's runtime. */
  templateImage?(rt: TemplateRuntime, category: string): (path: string) => unknown;
}

/** `view` in templates: one page of a listing; call it to refine (`view(count=5, recurse=true)`). */
export class TemplateView {
  private readonly rt: TemplateRuntime;
  private readonly result: ViewResult;
  private entryList: TemplateEntry[] | undefined;

  constructor(rt: TemplateRuntime, result: ViewResult) {
    this.rt = rt;
    this.result = result;
  }

  /** The page's entries; `view.entries(unauthorized=N)` adds up to N stubs of entries the reader may not read. */
  get entries(): TemplateEntry[] {
    // An entry whose file went missing under the index is left out until the index catches up.
    return (this.entryList ??= callableList(
      this.result.entries.filter((e) => !this.rt.vanished(e)).map((e) => this.rt.entry(e)),
      (kw) => entriesWithStubs(this.rt, this.result, kw.unauthorized),
    ));
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
  get count(): number {
    return this.result.count;
  }
  get first(): TemplateEntry | null {
    return this.result.first ? this.rt.entry(this.result.first) : null;
  }
  get last(): TemplateEntry | null {
    return this.result.last ? this.rt.entry(this.result.last) : null;
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
  get range(): string {
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
    return this.result.spec;
  }
  get category(): unknown {
    return this.rt.category(this.result.spec.category);
  }
  /** Tombstones: GONE/DELETED entries for the feed. */
  get deleted(): TemplateEntry[] {
    return this.result.deleted.map((e) => this.rt.entry(e));
  }
  /** This page's URL; `view.link(absolute=true)` for a full URL. */
  get link(): unknown {
    const path = viewLink(this.result.spec, categoryPath(this.result.spec.category));
    return callableHtml(path.replace(/&/g, "&amp;"), (kw) =>
      kw.absolute === true || kw.absolute === "true" ? absoluteUrl(this.rt.baseUrl, path) : path,
    );
  }

  private neighbour(spec: ViewSpec | null): unknown {
    return spec ? viewValue(this.rt, spec) : null;
  }
}

/** A view for a spec, callable to refine it with keyword arguments. */
export function viewValue(rt: TemplateRuntime, spec: ViewSpec): unknown {
  const index = rt.index();
  const reader = rt.reader;
  const result = index.memo(`view\0${JSON.stringify(spec)}\0${reader.accessKey}`, rt.now, () =>
    runView(index, spec, rt.now, { timeZone: rt.timeZone, reader }),
  );
  return callableObject(new TemplateView(rt, result), (kw) => viewValue(rt, specFromKeywords(kw, spec)));
}

/** The `view` of a category page: the category, paged by the site's count, positioned by the query string. */
export function viewObject(
  rt: TemplateRuntime,
  config: QuireConfig,
  base: { category: string },
  query: URLSearchParams,
): unknown {
  return viewValue(rt, specFromQuery(query, { category: base.category, count: config.view.count }));
}

type NunjucksThis = { ctx: Record<string, unknown> };

function runtimeOf(self: unknown): TemplateRuntime {
  const rt = (self as NunjucksThis | undefined)?.ctx?._rt as TemplateRuntime | undefined;
  if (!rt) throw new QuireError("E_TEMPLATE", "template globals can only be used while Quire renders a page");
  return rt;
}

function currentCategory(self: unknown): string {
  const c = (self as NunjucksThis).ctx.category as { path?: string } | undefined;
  return c?.path ?? "";
}

/** The functions every template can call. */
export function templateGlobals(site: GlobalsSite, _md: MarkdownIt): Record<string, unknown> {
  return {
    /** `get_view(category="blog", count=5, recurse=true, tag="x", order="oldest")`; the root category by default. */
    get_view(this: unknown, ...args: unknown[]) {
      const rt = runtimeOf(this);
      return viewValue(rt, specFromKeywords(keywordArgs(args), { category: "" }));
    },
    /** `get_entry(123)` or `get_entry("blog/post.md")`: an entry object, or null (also when the reader may not read it). */
    get_entry(this: unknown, ref: unknown) {
      const rt = runtimeOf(this);
      const index = rt.index();
      const record =
        typeof ref === "number" || (typeof ref === "string" && /^\d+$/.test(ref))
          ? index.entryById(Number(ref))
          : typeof ref === "string"
            ? index.entryByFile(ref.replace(/^\/+/, "").replace(/^content\//, ""))
            : null;
      return record && rt.mayRead(record) ? rt.entry(record) : null;
    },
    /** `static("style.css")` → `/static/style.css`; `absolute=true` for a full URL. */
    static(this: unknown, path: unknown, ...rest: unknown[]) {
      const kw = keywordArgs(rest);
      const url = staticPath(String(path ?? ""));
      return kw.absolute === true || kw.absolute === "true" ? absoluteUrl(site.baseUrl, url) : url;
    },
    /** `image("photo.jpg")(width=320)` → an `<img>` tag; see the image documentation for every argument. */
    image(this: unknown, path: unknown) {
      const rt = runtimeOf(this);
      if (!site.templateImage) throw new QuireError("E_TEMPLATE", "image() is not available on this site");
      return site.templateImage(rt, currentCategory(this))(String(path ?? ""));
    },
  };
}
