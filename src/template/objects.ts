/** The objects templates see, with Publ's names: `entry`, `category`, tags; values print as HTML and take keyword arguments. */
import { renderToc } from "../markdown/index.js";
import { renderTitle, titleText, renderHtml } from "../markdown/index.js";
import type { IndexedEntry } from "../db/index.js";
import { guessCategoryName } from "../content/category-file.js";
import { callableHtml, callableObject } from "./callable.js";
import { TemplateDate } from "./template-date.js";
import { entryPath, categoryPath, templatePath, absoluteUrl } from "./urls.js";
import type { TemplateRuntime } from "./runtime.js";

const truthy = (v: unknown) => v === true || v === "true" || v === "True" || v === 1;

/** A link that prints as a path and takes `absolute=true`. */
function linkValue(rt: TemplateRuntime, path: string): unknown {
  return callableHtml(escapeAttr(path), (kw) => (truthy(kw.absolute) ? absoluteUrl(rt.baseUrl, path) : path));
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A tag as templates see it: prints as its name, knows its link within a category. */
export class TemplateTag {
  readonly name: string;
  readonly link: string;
  readonly count: number | undefined;
  constructor(name: string, category: string, count?: number) {
    this.name = name;
    this.link = `${categoryPath(category)}?tag=${encodeURIComponent(name)}`;
    this.count = count;
  }
  toString(): string {
    return this.name;
  }
}

/** `entry` in templates. */
export class TemplateEntry {
  private readonly rt: TemplateRuntime;
  readonly record: IndexedEntry;
  // Templates read `entry.title`, `entry.link` … several times per page; build each value once.
  private readonly values = new Map<string, unknown>();

  constructor(rt: TemplateRuntime, record: IndexedEntry) {
    this.rt = rt;
    this.record = record;
  }

  private once(key: string, make: () => unknown): unknown {
    if (!this.values.has(key)) this.values.set(key, make());
    return this.values.get(key);
  }

  get id(): number {
    return this.record.id;
  }
  get uuid(): string {
    return this.record.uuid;
  }
  get status(): string {
    return this.record.status;
  }
  get entry_type(): string | null {
    return this.record.entryType;
  }
  get slug(): string {
    return this.record.slug;
  }

  /** The title with inline Markdown and smart quotes, escaped; `entry.title(markup=false)` for plain text. */
  get title(): unknown {
    return this.once("title", () => {
      const html = renderTitle(this.record.title);
      return callableHtml(html, (kw) =>
        kw.markup === false || kw.markup === "false" ? titleText(this.record.title) : html,
      );
    });
  }

  get sort_title(): string {
    return this.record.sortTitle;
  }

  get date(): TemplateDate {
    // Shown in the zone it was written in, as Publ shows it; a naive date in the site's zone.
    const zone = this.record.dateZone ?? this.rt.timeZone;
    return this.once("date", () => new TemplateDate(this.record.date, zone)) as TemplateDate;
  }

  get last_modified(): TemplateDate {
    return new TemplateDate(this.record.lastModified ?? this.record.date, this.rt.timeZone);
  }

  /** The canonical path; `entry.link(absolute=true)` for a full URL. A `Redirect-To` entry links to its target. */
  get link(): unknown {
    return this.once("link", () => {
      return linkValue(this.rt, this.record.redirectTo ?? entryPath(this.record));
    });
  }

  get permalink(): unknown {
    return this.once("permalink", () => {
      return linkValue(this.rt, entryPath(this.record));
    });
  }

  get category(): TemplateCategory {
    return this.rt.category(this.record.category);
  }

  get tags(): TemplateTag[] {
    return this.rt
      .index()
      .tags(this.record.file)
      .map((t) => new TemplateTag(t, this.record.category));
  }

  /** The text above the cut; on a page showing only the body, with the notes it refers to. */
  get body(): unknown {
    return this.once("body", () => {
      const r = this.rt.content(this.record, false);
      const html = this.record.hasMore ? r.bodyOnly : r.body;
      return callableHtml(html, (kw) => {
        const rr = this.rt.content(this.record, truthy(kw.absolute));
        return this.rt.safe(this.record.hasMore && !truthy(kw.with_more) ? rr.bodyOnly : rr.body);
      });
    });
  }

  /** The body as shown above `more` on the entry page (footnotes are listed after more). */
  get body_with_more(): unknown {
    return this.rt.safe(this.rt.content(this.record, false).body);
  }

  /** The text below the cut, or null when the entry has none. */
  get more(): unknown {
    return this.once("more", () => {
      if (!this.record.hasMore) return null;
      const html = this.rt.content(this.record, false).more ?? "";
      return callableHtml(html, (kw) =>
        this.rt.safe(this.rt.content(this.record, truthy(kw.absolute)).more ?? ""),
      );
    });
  }

  get has_more(): boolean {
    return this.record.hasMore;
  }

  get summary(): unknown {
    return this.once("summary", () => {
      const html = this.rt.summary(this.record, false);
      return callableHtml(html, (kw) => this.rt.safe(this.rt.summary(this.record, truthy(kw.absolute))));
    });
  }

  /** The table of contents as a nested list, or "" when the entry has no headings. */
  get toc(): unknown {
    return this.once("toc", () => {
      const toc = this.rt.content(this.record, false).toc;
      return this.rt.safe(toc.length === 0 ? "" : renderToc(toc));
    });
  }

  /** The next (newer) listed entry in the same category; `entry.next(category="x", recurse=true)`. */
  get next(): unknown {
    return this.once("next", () => {
      return callableObject(this.rt.neighbour(this.record, "next", {}), (kw) =>
        this.rt.neighbour(this.record, "next", kw),
      );
    });
  }

  /** The previous (older) listed entry in the same category. */
  get previous(): unknown {
    return this.once("previous", () => {
      return callableObject(this.rt.neighbour(this.record, "previous", {}), (kw) =>
        this.rt.neighbour(this.record, "previous", kw),
      );
    });
  }

  /** The first value of a header (any header, including custom ones), or null. */
  get(name: string): string | null {
    const key = name.toLowerCase().replace(/_/g, "-");
    const h = this.record.headers.find(([n]) => n.toLowerCase().replace(/_/g, "-") === key);
    return h ? h[1] : null;
  }

  /** Every value of a repeated header. */
  get_all(name: string): string[] {
    const key = name.toLowerCase().replace(/_/g, "-");
    return this.record.headers.filter(([n]) => n.toLowerCase().replace(/_/g, "-") === key).map(([, v]) => v);
  }
}

/** `category` in templates. */
export class TemplateCategory {
  private readonly rt: TemplateRuntime;
  readonly path: string;

  constructor(rt: TemplateRuntime, path: string) {
    this.rt = rt;
    this.path = path;
  }

  private get meta() {
    return this.rt.index().categoryMeta(this.path);
  }

  /** The display name: the `.cat` file's Name, else the folder name. */
  get name(): string {
    return this.meta?.name ?? (this.path === "" ? this.rt.siteTitle : guessCategoryName(this.path));
  }

  get sort_name(): string {
    return this.meta?.sortName ?? this.name;
  }

  get basename(): string {
    return this.path.split("/").pop() ?? "";
  }

  get is_root(): boolean {
    return this.path === "";
  }

  /** `/blog/`; `category.link(template="feed")` → `/blog/feed`; `absolute=true` for a full URL. */
  get link(): unknown {
    const path = categoryPath(this.path);
    return callableHtml(escapeAttr(path), (kw) => {
      const p = typeof kw.template === "string" ? templatePath(this.path, kw.template) : path;
      return truthy(kw.absolute) ? absoluteUrl(this.rt.baseUrl, p) : p;
    });
  }

  get parent(): TemplateCategory | null {
    if (this.path === "") return null;
    const i = this.path.lastIndexOf("/");
    return this.rt.category(i < 0 ? "" : this.path.slice(0, i));
  }

  /** From the root down to this category. */
  get breadcrumb(): TemplateCategory[] {
    const out: TemplateCategory[] = [this];
    for (let c = this.parent; c; c = c.parent) out.unshift(c);
    return out;
  }

  /** The direct subcategories, by sort name. */
  get subcats(): TemplateCategory[] {
    const prefix = this.path === "" ? "" : `${this.path}/`;
    return this.rt
      .categoryPaths()
      .filter((p) => p !== this.path && p.startsWith(prefix) && !p.slice(prefix.length).includes("/"))
      .map((p) => this.rt.category(p))
      .sort((a, b) => a.sort_name.localeCompare(b.sort_name));
  }

  /** The description from the `.cat` file, as HTML. */
  get description(): unknown {
    const text = this.meta?.description ?? "";
    return this.rt.safe(text.trim() === "" ? "" : renderHtml(this.rt.md.render(text)));
  }

  /** Tags used by entries listed here (and below), most used first. */
  get tags(): TemplateTag[] {
    return this.rt
      .index()
      .tagCounts(this.path, true, this.rt.now)
      .map((t) => new TemplateTag(t.name, this.path, t.count));
  }

  get(name: string): string | null {
    const key = name.toLowerCase().replace(/_/g, "-");
    const h = this.meta?.headers.find(([n]) => n.toLowerCase().replace(/_/g, "-") === key);
    return h ? h[1] : null;
  }

  toString(): string {
    return this.name;
  }
}
