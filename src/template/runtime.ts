/** What template objects reach during one render: the index, the clock, the site's settings, rendered entry text. */
import nunjucks from "@11ty/nunjucks";
import type MarkdownIt from "markdown-it";
import type { ContentIndex, IndexedEntry } from "../db/index.js";
import type { RenderedEntry } from "../markdown/index.js";
import type { EntryContent } from "./entry-content.js";
import { TemplateCategory, TemplateEntry } from "./objects.js";
import { neighbours } from "../view/index.js";
import { ANONYMOUS_ACCESS, mayRead, type ReaderAccess } from "../auth/access-rule.js";

export interface TemplateRuntimeOptions {
  index: ContentIndex;
  now: number;
  timeZone: string;
  baseUrl: string;
  siteTitle: string;
  md: MarkdownIt;
  content: EntryContent;
  categories: ReadonlySet<string>;
  /** Who the page is rendered for: views, neighbours and `get_entry` show only what they may read. */
  reader: ReaderAccess;
}

/** One render's shared state: categories and entries are created once per render and reused. */
export class TemplateRuntime {
  readonly now: number;
  readonly timeZone: string;
  readonly baseUrl: string;
  readonly siteTitle: string;
  readonly md: MarkdownIt;
  readonly reader: ReaderAccess;
  private readonly options: TemplateRuntimeOptions;
  private readonly categoryObjects = new Map<string, TemplateCategory>();

  constructor(options: TemplateRuntimeOptions) {
    this.options = options;
    this.now = options.now;
    this.timeZone = options.timeZone;
    this.baseUrl = options.baseUrl;
    this.siteTitle = options.siteTitle;
    this.md = options.md;
    this.reader = options.reader;
  }

  /** Whether the page's reader may read this entry. */
  mayRead(record: IndexedEntry): boolean {
    return mayRead(this.reader, record.auth);
  }

  /** Whether a signed-out reader may read this entry. */
  mayReadSignedOut(record: IndexedEntry): boolean {
    return mayRead(ANONYMOUS_ACCESS, record.auth);
  }

  index(): ContentIndex {
    return this.options.index;
  }

  /** Marks HTML as safe for Nunjucks' autoescape. */
  safe(html: string): unknown {
    return new nunjucks.runtime.SafeString(html);
  }

  category(path: string): TemplateCategory {
    let c = this.categoryObjects.get(path);
    if (!c) {
      c = new TemplateCategory(this, path);
      this.categoryObjects.set(path, c);
    }
    return c;
  }

  categoryPaths(): string[] {
    return [...this.options.categories];
  }

  entry(record: IndexedEntry): TemplateEntry {
    return new TemplateEntry(this, record);
  }

  content(record: IndexedEntry, absolute: boolean): RenderedEntry {
    return this.options.content.render(record, { absolute });
  }

  /** True when the entry's file went missing under the index (a deploy under way): listings skip it. */
  vanished(record: IndexedEntry): boolean {
    return this.options.content.isVanished(record);
  }

  /** The entry's summary, without rendering the rest of it when it need not be. */
  summary(record: IndexedEntry, absolute: boolean): string {
    return this.options.content.summary(record, { absolute });
  }

  /** The next/previous listed entry by date; keyword arguments `category` and `recurse` widen or move the scope. */
  neighbour(
    record: IndexedEntry,
    direction: "next" | "previous",
    kw: Record<string, unknown>,
  ): TemplateEntry | null {
    const category = typeof kw.category === "string" ? kw.category : record.category;
    const recurse = kw.recurse === true || kw.recurse === "true";
    const index = this.options.index;
    const reader = this.reader;
    const key = `nb\0${record.id}\0${direction}\0${category}\0${recurse}\0${reader.accessKey}`;
    const found = index.memo(key, this.now, () =>
      neighbours(index, record, { category, recurse, now: this.now, direction, reader }),
    );
    return found ? this.entry(found) : null;
  }
}
