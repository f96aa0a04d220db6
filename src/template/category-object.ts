/** `category` and tags in templates, with Publ's names and calls (`category.tags(recurse=True)`,
 *  `category.subcats(recurse=True)`, `category.first()`), and what entry and category objects share. */
import { renderHtml, renderTitle, titlePlainText, htmlToText } from "../markdown/index.js";
import { guessCategoryName } from "../content/category-file.js";
import { tagKey } from "../db/refresh.js";
import { byCodeUnits } from "../order.js";
import type { IndexedEntry } from "../db/index.js";
import { runView, specFromKeywords, viewLink, makeSpec, isViewKeyword } from "../view/index.js";
import { ATTRIBUTES, CALLS, sig, type Kwargs, type MemberCall } from "./callable.js";
import { categoryPath, templatePath, absoluteUrl } from "./urls.js";
import { textArgs } from "./publ-args.js";
import type { TemplateRuntime } from "./runtime.js";

/** Python's truth of a keyword argument given by a template. */
export const truthy = (v: unknown): boolean => v === true || v === "true" || v === "True" || v === 1;

/** Escapes text for an HTML attribute. */
export function escapeAttr(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The text of a template value given as an argument: a category, a template or a tag prints as its name. */
export function nameOfValue(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object" && "path" in v && typeof (v as { path: unknown }).path === "string")
    return (v as { path: string }).path;
  return String(v);
}

/** The template a link names: Publ links the category's own index page without naming `index`. */
export function templateName(v: unknown): string {
  const name = nameOfValue(v);
  return name === "index" ? "" : name;
}

/**
 * View arguments as templates give them: tags and categories may be objects, as in Publ. An argument views do
 * not take is reported through `warn` and left out (Publ's queries ignore what they do not know).
 */
export function viewKeywords(kw: Kwargs, warn?: (message: string) => void, what = "view()"): Kwargs {
  const out: Kwargs = {};
  for (const [key, value] of Object.entries(kw)) {
    if (key === "__keywords") continue;
    if (isViewKeyword(key)) out[key] = value;
    else warn?.(`${what} does not take the keyword argument "${key}"; it is ignored`);
  }
  if ("tag" in out && out.tag !== null && out.tag !== undefined) {
    const t = out.tag;
    out.tag =
      typeof t === "object" && Symbol.iterator in t
        ? [...(t as Iterable<unknown>)].map(nameOfValue)
        : nameOfValue(t);
  }
  if ("category" in out && out.category !== null && typeof out.category === "object")
    out.category = nameOfValue(out.category);
  return out;
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

/** Publ's `TagCount`: a (name, count) pair that also has `.name` and `.count`. */
export type TagCount = [string, number] & { name: string; count: number };

/** `entry.archive(paging, template, category, absolute, tag)`: the category view at this entry. */
export function archiveLink(
  rt: TemplateRuntime,
  entry: { readonly record: IndexedEntry; readonly date: { format(p: string): string } },
  kw: Kwargs,
): string {
  const category =
    kw.category === undefined || kw.category === null ? entry.record.category : nameOfValue(kw.category);
  const template = templateName(kw.template);
  const paging = kw.paging ? String(kw.paging) : "offset";
  const formats: Record<string, string> = { day: "YYYY-MM-DD", month: "YYYY-MM", year: "YYYY" };
  const base = template ? templatePath(category, template) : categoryPath(category);
  let spec = makeSpec({ category });
  if (formats[paging]) spec = { ...spec, date: entry.date.format(formats[paging]) };
  else spec = { ...spec, id: entry.record.id };
  if (kw.tag) spec = specFromKeywords(viewKeywords({ tag: kw.tag }), spec);
  const path = viewLink(spec, base);
  return truthy(kw.absolute) ? absoluteUrl(rt.baseUrl, path) : path;
}

/**
 * The direct subcategories of each category, in order, per set of the index's categories (a new set comes
 * with every change of the index, so a renamed or re-sorted category is seen at once).
 */
const DIRECT_SUBCATS = new WeakMap<ReadonlySet<string>, Map<string, string[]>>();

/** A header's name as `get` compares it: `Redirect_To`, `redirect-to` and `REDIRECT-TO` are one. */
export function headerName(name: unknown): string {
  return String(name).toLowerCase().replace(/_/g, "-");
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

  /** The display name: the `.cat` file's Name, else the folder name; the root's is "" unless a `.cat` names it. */
  get name(): string {
    return this.meta?.name ?? (this.path === "" ? "" : guessCategoryName(this.path));
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

  /** `/blog/`; `category.link(template="feed")` → `/blog/feed`; `absolute=True` for a full URL. */
  get link(): string {
    return this.linkTo({});
  }

  get parent(): TemplateCategory | null {
    if (this.path === "") return null;
    const i = this.path.lastIndexOf("/");
    return this.rt.category(i < 0 ? "" : this.path.slice(0, i));
  }

  /** The root category (`breadcrumb[0]`). */
  get root(): TemplateCategory {
    return this.rt.category("");
  }

  /** From the root down to this category. */
  get breadcrumb(): TemplateCategory[] {
    const out: TemplateCategory[] = [this];
    for (let c = this.parent; c; c = c.parent) out.unshift(c);
    return out;
  }

  /** The direct subcategories, by sort name; `category.subcats(recurse=True)` for every one below. */
  get subcats(): TemplateCategory[] {
    return this.directSubcats();
  }

  /** The description from the `.cat` file, as HTML; "" when there is none. */
  get description(): unknown {
    return this.describe({});
  }

  /** Tags of the entries listed here, as (name, count) pairs; takes view arguments (`recurse=True`). */
  get tags(): TagCount[] {
    return this.tagCounts({});
  }

  /** The oldest entry listed here; `category.first(recurse=True)`. */
  get first(): unknown {
    return this.end("oldest", {});
  }

  /** The newest entry listed here. */
  get last(): unknown {
    return this.end("newest", {});
  }

  get(name: string, fallback: unknown = null): unknown {
    const key = headerName(name);
    const h = this.meta?.headers.find(([n]) => headerName(n) === key);
    return h ? h[1] : fallback;
  }

  get_all(name: string): string[] {
    const key = headerName(name);
    return (this.meta?.headers ?? []).filter(([n]) => headerName(n) === key).map(([, v]) => v);
  }

  /** Publ prints a category as its path. */
  toString(): string {
    return this.path;
  }

  /** The category file's headers read as attributes where no member has their name, as in Publ. */
  [ATTRIBUTES](name: string): unknown {
    const v = this.get(name, undefined);
    return v === null ? undefined : v;
  }

  /** Publ's calls on a category, with their signatures: see `callable.ts`. */
  [CALLS](key: string): MemberCall | undefined {
    const view = (name: string) => sig(`category.${name}()`, [], [], { anyKeyword: true });
    switch (key) {
      case "name":
        return {
          sig: sig("category.name()", ["markup"], ["no_smartquotes", "smartquotes", "markdown_extensions"]),
          call: (kw) =>
            kw.markup === false
              ? titlePlainText(this.name)
              : this.name && this.rt.safe(renderTitle(this.name)),
        };
      case "link":
        return {
          sig: sig("category.link()", ["template", "absolute"], [], { anyKeyword: true }),
          call: (kw) => this.linkTo(kw),
        };
      case "subcats":
        return {
          sig: sig("category.subcats()", ["recurse"]),
          call: (kw) => (truthy(kw.recurse) ? this.subcatsOf(true) : this.directSubcats()),
        };
      case "description":
        return {
          sig: sig("category.description()", [], [], { anyKeyword: true }),
          call: (kw, warn) => this.describe(textArgs(kw, "category.description()", warn)),
        };
      case "tags":
        return {
          sig: view("tags"),
          call: (kw, warn) => this.tagCounts(viewKeywords(kw, warn, "category.tags()")),
        };
      case "first":
        return {
          sig: view("first"),
          call: (kw, warn) => this.end("oldest", viewKeywords(kw, warn, "category.first()")),
        };
      case "last":
        return {
          sig: view("last"),
          call: (kw, warn) => this.end("newest", viewKeywords(kw, warn, "category.last()")),
        };
      default:
        return undefined;
    }
  }

  private linkTo(kw: Kwargs): string {
    const template = templateName(kw.template);
    let path = template ? templatePath(this.path, template) : categoryPath(this.path);
    const { template: _t, absolute: _a, ...rest } = kw;
    if (Object.keys(rest).length > 0)
      path = viewLink(specFromKeywords(viewKeywords(rest), { category: this.path }), path);
    return truthy(kw.absolute) ? absoluteUrl(this.rt.baseUrl, path) : path;
  }

  private subcatsOf(recurse: boolean): TemplateCategory[] {
    const prefix = this.path === "" ? "" : `${this.path}/`;
    const below = this.rt.categoryPaths().filter((p) => p !== this.path && p.startsWith(prefix) && p !== "");
    if (recurse) {
      const crumbs = (c: TemplateCategory) => c.breadcrumb.map((b) => b.sort_name).join("\0");
      return below.map((p) => this.rt.category(p)).sort((a, b) => cmp(crumbs(a), crumbs(b)));
    }
    const direct = new Set(
      below.map((p) => p.slice(0, prefix.length) + p.slice(prefix.length).split("/")[0]),
    );
    return [...direct].map((p) => this.rt.category(p)).sort((a, b) => cmp(a.sort_name, b.sort_name));
  }

  /** `subcats` without `recurse`: a theme's navigation asks on every page, so the order is kept per index. */
  private directSubcats(): TemplateCategory[] {
    const set = this.rt.categorySet();
    let byPath = DIRECT_SUBCATS.get(set);
    if (!byPath) DIRECT_SUBCATS.set(set, (byPath = new Map()));
    const known = byPath.get(this.path);
    if (known) return known.map((p) => this.rt.category(p));
    const subcats = this.subcatsOf(false);
    byPath.set(
      this.path,
      subcats.map((c) => c.path),
    );
    return subcats;
  }

  private describe(kw: Kwargs): unknown {
    const text = this.meta?.description ?? "";
    if (text.trim() === "") return "";
    const html = renderHtml(this.rt.md.render(text));
    return kw.markup === false ? htmlToText(html).trim() : this.rt.safe(html);
  }

  private listed(kw: Kwargs, order: "newest" | "oldest", count: number | null) {
    const spec = specFromKeywords(viewKeywords({ ...kw, category: this.path }), { order, count });
    return runView(this.rt.index(), { ...spec, category: this.path }, this.rt.now, {
      timeZone: this.rt.timeZone,
      reader: this.rt.reader,
    });
  }

  /** Tags are counted by key (`Cats` and `cats` are one tag), under the first spelling met, and listed in the order
   *  of their keys, as Publ's query groups them. */
  private tagCounts(kw: Kwargs): TagCount[] {
    const counts = new Map<string, { name: string; count: number }>();
    for (const e of this.listed(kw, "newest", null).entries) {
      const keys = new Set<string>();
      for (const name of this.rt.index().tags(e.file)) {
        const key = tagKey(name);
        if (keys.has(key)) continue;
        keys.add(key);
        const c = counts.get(key);
        if (c) c.count++;
        else counts.set(key, { name, count: 1 });
      }
    }
    return [...counts.entries()]
      .sort(([a], [b]) => byCodeUnits(a, b))
      .map(([, { name, count }]) => Object.assign([name, count], { name, count }) as TagCount);
  }

  private end(order: "newest" | "oldest", kw: Kwargs): unknown {
    const first = this.listed(kw, order, 1).entries[0];
    return first ? this.rt.entry(first) : null;
  }
}

/** A title as plain text, struck-out words left out as in Publ; `no_smartquotes=True` (or `smartquotes=False`) keeps straight quotes, as written. */
export function plainTitle(title: string, kw: Kwargs): string {
  const text = titlePlainText(title);
  const straight = truthy(kw.no_smartquotes) || kw.smartquotes === false;
  return straight ? text.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"') : text;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
