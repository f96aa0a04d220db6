/** What template objects reach during one render: the index, the clock, the site's settings, rendered entry text. */
import nunjucks from "@11ty/nunjucks";
import type MarkdownIt from "markdown-it";
import type { ContentIndex, IndexedEntry } from "../db/index.js";
import type { RenderedEntry } from "../markdown/index.js";
import type { EntryContent } from "./entry-content.js";
import { TemplateCategory, TemplateEntry } from "./objects.js";
import { ANONYMOUS_ACCESS, mayRead, type ReaderAccess } from "../auth/access-rule.js";
import { neighbours, runView, specFromKeywords } from "../view/index.js";
import { viewKeywords } from "./category-object.js";
import type { CallSite } from "./callable.js";
import { QuireError } from "../errors.js";

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
  /** `image(path)` looked up from a category's folder (`entry.image(…)`). */
  image?: (category: string, path: string) => unknown;
  /** The site's content folder (`entry.file_path`). */
  contentDir?: string;
  /** Where template warnings go (a call with an argument Publ's API does not take, …). */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

// A warning repeats on every page that renders the same template line: each is logged once per process.
const WARNED = new Set<string>();
const MAX_WARNED = 2000;

/** One render's shared state: categories and entries are created once per render and reused. */
export class TemplateRuntime {
  readonly now: number;
  readonly timeZone: string;
  readonly baseUrl: string;
  readonly siteTitle: string;
  readonly md: MarkdownIt;
  readonly reader: ReaderAccess;
  readonly contentDir: string;
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
    this.contentDir = options.contentDir ?? "content";
  }

  /** Whether the page's reader may read this entry. */
  mayRead(record: IndexedEntry): boolean {
    return mayRead(this.reader, record.auth);
  }

  /** Whether a signed-out reader may read this entry. */
  mayReadSignedOut(record: IndexedEntry): boolean {
    return mayRead(ANONYMOUS_ACCESS, record.auth);
  }

  /** An image for templates, its relative path looked up from `category`'s folder. */
  image(category: string, path: string): unknown {
    if (!this.options.image) throw new QuireError("E_TEMPLATE", "images are not available here");
    return this.options.image(category, path);
  }

  /** Logs a warning about the template at `site`, once per message and place. */
  warnTemplate(message: string, site: CallSite | undefined): void {
    const where = site ? `${site.file}:${site.line}` : "(template)";
    const key = `${where}\0${message}`;
    if (WARNED.has(key)) return;
    if (WARNED.size >= MAX_WARNED) WARNED.clear();
    WARNED.add(key);
    this.options.warn?.(`${where}: ${message}`, site ? { template: site.file, line: site.line } : {});
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

  /** The index's categories: the same set until the index changes, so it can key what is worked out from it. */
  categorySet(): ReadonlySet<string> {
    return this.options.categories;
  }

  entry(record: IndexedEntry): TemplateEntry {
    return new TemplateEntry(this, record);
  }

  /** The entry's rendered text; `args` are a template's keyword arguments (`entry.body(width=320)`). */
  content(record: IndexedEntry, absolute: boolean, args?: Record<string, unknown>): RenderedEntry {
    return this.options.content.render(record, args ? { absolute, args } : { absolute });
  }

  /** True when the entry's file went missing under the index (a deploy under way): listings skip it. */
  vanished(record: IndexedEntry): boolean {
    return this.options.content.isVanished(record);
  }

  /** The entry's summary, without rendering the rest of it when it need not be. */
  summary(record: IndexedEntry, absolute: boolean, args?: Record<string, unknown>): string {
    return this.options.content.summary(record, args ? { absolute, args } : { absolute });
  }

  /** The next/previous listed entry by date; keyword arguments `category` and `recurse` widen or move the scope. */
  neighbour(
    record: IndexedEntry,
    direction: "next" | "previous",
    kw: Record<string, unknown>,
  ): TemplateEntry | null {
    const simple = Object.keys(kw).every((k) => k === "category" || k === "recurse");
    if (!simple) {
      // Any view argument (`entry.next(entry_type_not='sidebar')`): the nearest entry of that view, as in Publ.
      const base = { category: record.category, recurse: "category" in kw };
      const spec = specFromKeywords(viewKeywords(kw), base);
      const bound =
        direction === "next"
          ? { ...spec, after: record.id, order: "oldest" as const, count: 1, id: null, date: null }
          : { ...spec, before: record.id, order: "newest" as const, count: 1, id: null, date: null };
      const found = runView(this.options.index, bound, this.now, {
        timeZone: this.timeZone,
        reader: this.reader,
      }).entries[0];
      return found ? this.entry(found) : null;
    }
    kw = viewKeywords(kw);
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
