/** The template context of a page: the runtime of one render, for one reader, and the variables an entry,
 *  category or error page is rendered with (`entry`, `category`, `view`, `site`, `user`, `request`, `error`). */
import type { QuireConfig } from "../config/schema.js";
import type { ContentIndex, IndexedEntry } from "../db/index.js";
import type { Reader } from "../auth/reader.js";
import type { ReaderAccess } from "../auth/access-rule.js";
import { templateUser, type TokenMinter } from "../auth/template-user.js";
import type { EntryContent } from "./entry-content.js";
import { TemplateRuntime } from "./runtime.js";
import { viewObject } from "./view-object.js";
import { requestObjects } from "./page-objects.js";

/** What page contexts read from the site; the index and its categories are asked for on each render (a refresh replaces them). */
export interface PageContextOptions {
  config: QuireConfig;
  baseUrl: string;
  dev: boolean;
  /** Quire's version, as `site.version`. */
  version: string;
  contentDir: string;
  content: EntryContent;
  /** Mints the tokens `user.token()` gives. */
  auth: TokenMinter;
  index: () => ContentIndex;
  categories: () => ReadonlySet<string>;
  now: () => number;
  warn: (message: string, fields: Record<string, unknown>) => void;
  /** `image(path)` for templates, resolving relative paths from the page's category. */
  image: (rt: TemplateRuntime, category: string) => (path: string) => unknown;
}

/** Builds the runtime and the template variables of each page. */
export class PageContexts {
  constructor(private readonly o: PageContextOptions) {}

  /** A runtime for one render, for one reader. */
  runtime(reader: ReaderAccess): TemplateRuntime {
    const o = this.o;
    const rt: TemplateRuntime = new TemplateRuntime({
      index: o.index(),
      now: o.now(),
      timeZone: o.config.site.timezone,
      baseUrl: o.baseUrl,
      siteTitle: o.config.site.title,
      md: o.content.markdown,
      content: o.content,
      categories: o.categories(),
      reader,
      warn: o.warn,
      contentDir: o.contentDir,
      image: (category, path) => o.image(rt, category)(path),
    });
    return rt;
  }

  /** Template variables for an entry page. */
  entry(entry: IndexedEntry, query: URLSearchParams, reader: Reader, path = "/"): Record<string, unknown> {
    const rt = this.runtime(reader.access);
    const category = rt.category(entry.category);
    return {
      ...this.base(rt, path, query, reader),
      entry: rt.entry(entry),
      category,
      view: viewObject(rt, this.o.config, { category: entry.category }, new URLSearchParams(), true),
    };
  }

  /** Template variables for a category page (`view` built from the query). */
  category(category: string, query: URLSearchParams, reader: Reader, path = "/"): Record<string, unknown> {
    const rt = this.runtime(reader.access);
    return {
      ...this.base(rt, path, query, reader),
      category: rt.category(category),
      view: viewObject(rt, this.o.config, { category }, query),
    };
  }

  /** Template variables for an error page; `entry` is the entry the reader was refused. */
  error(
    status: number,
    category: string,
    message: string,
    reader: Reader,
    entry?: IndexedEntry,
    path = "/",
  ): Record<string, unknown> {
    const rt = this.runtime(reader.access);
    return {
      ...(entry ? { entry: rt.entry(entry) } : {}),
      ...this.base(rt, path, new URLSearchParams(), reader),
      category: rt.category(category),
      error: { code: status, status, message },
    };
  }

  /** The `site` object templates see. */
  siteInfo(): Record<string, unknown> {
    const o = this.o;
    return { ...o.config.site, base_url: o.baseUrl, dev: o.dev, version: o.version };
  }

  private base(
    rt: TemplateRuntime,
    path: string,
    query: URLSearchParams,
    reader: Reader,
  ): Record<string, unknown> {
    return {
      _rt: rt,
      site: this.siteInfo(),
      user: templateUser(reader, this.o.auth),
      ...requestObjects(this.o.baseUrl, path, query, this.o.config.auth.sign_in),
    };
  }
}
