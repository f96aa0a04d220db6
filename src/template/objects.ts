/** `entry` in templates, with Publ's names, keyword arguments and defaults: values print as HTML, calls take
 *  Publ's arguments (`entry.body(width=320)`), and any header reads as an attribute (`entry.author`). */
import { renderTitle } from "../markdown/index.js";
import type { IndexedEntry } from "../db/index.js";
import { ATTRIBUTES, CALLS, callableHtml, type Kwargs, type MemberCall } from "./callable.js";
import { TemplateDate } from "./template-date.js";
import { dateZone } from "../content/dates.js";
import { entryPath, absoluteUrl } from "./urls.js";
import {
  TemplateCategory,
  TemplateTag,
  archiveLink,
  escapeAttr,
  headerName,
  truthy,
} from "./category-object.js";
import type { TemplateRuntime } from "./runtime.js";
import { isRestricted } from "../auth/access-rule.js";
import { attachmentList } from "./attachment-lists.js";
import { entryCard, entryText, type TextPart } from "./entry-text.js";
import { entryCall } from "./entry-calls.js";

export { TemplateCategory, TemplateTag } from "./category-object.js";

/** `entry` in templates. */
export class TemplateEntry {
  // Read by entry-calls.ts, as are linkTo, permalinkTo, text and cardTags.
  readonly rt: TemplateRuntime;
  readonly record: IndexedEntry;
  // Templates read `entry.title`, `entry.link` … several times per page; build each value once.
  private readonly values = new Map<string, unknown>();
  /** Whether the page's reader may read the entry: asked by nearly every member, so kept in a field. */
  private readable: boolean | undefined;
  /** The names of the entry's headers as `get` compares them (lower case, `-` for `_`), in order. */
  private headerKeys: string[] | undefined;

  constructor(rt: TemplateRuntime, record: IndexedEntry) {
    this.rt = rt;
    this.record = record;
  }

  private once(key: string, make: () => unknown): unknown {
    let value = this.values.get(key);
    if (value === undefined && !this.values.has(key)) {
      value = make();
      this.values.set(key, value);
    }
    return value;
  }

  get id(): number {
    return this.record.id;
  }

  /** False for a stub: an entry the page's reader may not read shows no title, text, tags or headers. */
  get authorized(): boolean {
    return (this.readable ??= this.rt.mayRead(this.record));
  }
  get is_unauthorized(): boolean {
    return !this.authorized;
  }
  /** True when a signed-out reader may not read the entry (Publ's `entry.private`). */
  get private(): boolean {
    return isRestricted(this.record.auth) && !this.rt.mayReadSignedOut(this.record);
  }
  get uuid(): string {
    return this.record.uuid;
  }
  get status(): string {
    return this.record.status;
  }
  get entry_type(): string {
    return this.record.entryType ?? "";
  }
  get type(): string {
    return this.entry_type;
  }
  get slug(): string {
    return this.authorized ? this.record.slug : "";
  }
  get slug_text(): string {
    return this.authorized ? this.record.slug : "";
  }
  get redirect_url(): string {
    return this.authorized ? (this.record.redirectTo ?? "") : "";
  }
  get entry_template(): string {
    return this.record.entryTemplate ?? "";
  }
  /** The entry's file, as Publ gives it (under the site's content folder). */
  get file_path(): string {
    return `${this.rt.contentDir}/${this.record.file}`;
  }

  /** The title with inline Markdown and smart quotes, escaped; `entry.title(markup=False)` for plain text. */
  get title(): unknown {
    return this.once("title", () => {
      // A stub (an entry the reader may not read) shows no title unless a template asks with always_show.
      const html = this.authorized ? renderTitle(this.record.title) : "";
      return html === "" ? "" : this.rt.safe(html);
    });
  }

  get sort_title(): string {
    return this.authorized ? this.record.sortTitle : "";
  }

  get date(): TemplateDate {
    // Shown in the zone it was written in, as Publ shows it; a naive date in the site's zone.
    const zone = this.record.dateZone ?? this.rt.timeZone;
    return this.once("date", () => new TemplateDate(this.record.date, zone, this.rt.now)) as TemplateDate;
  }
  get date_year(): string {
    return this.date.format("YYYY");
  }
  get date_month(): string {
    return this.date.format("YYYY-MM");
  }
  get date_day(): string {
    return this.date.format("YYYY-MM-DD");
  }

  get last_modified(): TemplateDate {
    return this.record.lastModified === null ? this.date : lastModifiedDate(this.record, this.rt);
  }

  /** The canonical path; `entry.link(absolute=True)` for a full URL. A `Redirect-To` entry links to its target. */
  get link(): unknown {
    return this.once("link", () => callableHtml(escapeAttr(this.linkTo({})), (kw) => this.linkTo(kw)));
  }

  get permalink(): unknown {
    return this.once("permalink", () =>
      callableHtml(escapeAttr(this.permalinkTo({})), (kw) => this.permalinkTo(kw)),
    );
  }

  /** Publ's sign-in link for the entry (`/_login/<id>`). */
  get login(): string {
    return `/_login/${this.record.id}`;
  }

  get category(): TemplateCategory {
    return this.rt.category(this.record.category);
  }

  /** Every `Tag` header as written, repeats too (Publ's "original tags"): a template may show each one. */
  get tags(): TemplateTag[] {
    if (!this.authorized) return [];
    return this.get_all("Tag")
      .map((t) => t.trim())
      .filter((t) => t !== "")
      .map((t) => new TemplateTag(t, this.record.category));
  }

  /** The text above the cut (the whole text when there is none): "" when empty, and callable either way. */
  get body(): unknown {
    return this.once("body", () => this.text("body", {}));
  }

  /** The body as shown above `more` on the entry page: as `body`, which never carries the footnotes. */
  get body_with_more(): unknown {
    if (!this.authorized) return this.rt.safe("");
    return this.rt.safe(this.rt.content(this.record, false).parts.body);
  }

  /** The text below the cut: "" when the entry has none. */
  get more(): unknown {
    return this.once("more", () => this.text("more", {}));
  }

  get has_more(): boolean {
    return this.authorized && this.record.hasMore;
  }

  /** The entry's footnotes as a list (Publ's `entry.footnotes`), "" when it has none. */
  get footnotes(): unknown {
    return this.once("footnotes", () => this.text("footnotes", {}));
  }

  get summary(): unknown {
    return this.once("summary", () => this.text("summary", {}));
  }

  /** The table of contents as a nested list, or "" when the entry has no headings. */
  get toc(): unknown {
    return this.once("toc", () => this.text("toc", {}));
  }

  /** OpenGraph `<meta>` tags for the entry (`entry.card(width=640, height=350, count=4)`). */
  get card(): unknown {
    return this.once("card", () => this.cardTags({}));
  }

  /** A link to the page of the category view starting at this entry (`entry.archive(paging='month')`). */
  get archive(): string {
    return archiveLink(this.rt, this, {});
  }

  /** The next (newer) listed entry in the same category; `entry.next(category="x", recurse=True)`. */
  get next(): TemplateEntry | null {
    return this.once("next", () => this.rt.neighbour(this.record, "next", {})) as TemplateEntry | null;
  }

  /** The previous (older) listed entry in the same category. */
  get previous(): TemplateEntry | null {
    return this.once("previous", () =>
      this.rt.neighbour(this.record, "previous", {}),
    ) as TemplateEntry | null;
  }

  /** Entries attached to this one (`Attach:`); `entry.attachments(order='title')` takes view arguments. */
  get attachments(): TemplateEntry[] {
    return this.once("attachments", () => attachmentList(this.rt, this, "attachments")) as TemplateEntry[];
  }

  /** Entries this one is attached to; takes view arguments like `attachments`. */
  get attached(): TemplateEntry[] {
    return this.once("attached", () => attachmentList(this.rt, this, "attached")) as TemplateEntry[];
  }

  /** An image beside the entry, as the global `image()` gives it: `entry.image('photo.jpg').get_img_tag()`. */
  image(path: unknown): unknown {
    return this.rt.image(this.record.category, String(path ?? ""));
  }

  /** The first value of a header (any header, including custom ones), or `default`. */
  get(name: string, fallback: unknown = null): unknown {
    if (!this.authorized) return fallback;
    const i = this.keysOfHeaders().indexOf(headerName(name));
    return i < 0 ? fallback : this.record.headers[i]![1];
  }

  /** Every value of a repeated header. */
  get_all(name: string): string[] {
    if (!this.authorized) return [];
    const key = headerName(name);
    const keys = this.keysOfHeaders();
    const values: string[] = [];
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) values.push(this.record.headers[i]![1]);
    return values;
  }

  private keysOfHeaders(): string[] {
    return (this.headerKeys ??= this.record.headers.map(([n]) => headerName(n)));
  }

  /** Any header reads as an attribute where no member has its name (`entry.author`, `entry['redirect-to']`). */
  [ATTRIBUTES](name: string): unknown {
    const v = this.get(name, undefined);
    return v === null ? undefined : v;
  }

  /** Publ's calls on an entry, with their signatures: see entry-calls.ts and callable.ts. */
  [CALLS](key: string): MemberCall | undefined {
    return entryCall(this, key);
  }

  linkTo(kw: Kwargs): string {
    // A stub links to the bare /<id>: the slug carries the title, and Redirect-To is the author's to keep.
    const target = this.authorized ? this.record.redirectTo : null;
    if (target) return truthy(kw.absolute) ? absoluteUrl(this.rt.baseUrl, target) : target;
    return this.permalinkTo(kw);
  }

  permalinkTo(kw: Kwargs): string {
    const path = kw.expand === false || !this.authorized ? `/${this.record.id}` : entryPath(this.record);
    return truthy(kw.absolute) ? absoluteUrl(this.rt.baseUrl, path) : path;
  }

  /** One part of the text, rendered with a template's arguments (see entry-text.ts). */
  text(part: TextPart, kw: Kwargs): unknown {
    if (!this.authorized) return "";
    return entryText(this.rt, this.record, part, kw);
  }

  /** Publ's OpenGraph card (see entry-text.ts). */
  cardTags(kw: Kwargs): unknown {
    if (!this.authorized) return "";
    return entryCard(this.rt, this.record, this.linkTo({ absolute: true }), this.get("Summary", ""), kw);
  }
}

/** An entry's last modification, shown (as Publ shows it) in the zone it was written in: the Last-Modified
 *  header's own offset, else the Date's; naive times in the site's zone. */
export function lastModifiedDate(
  record: IndexedEntry,
  rt: Pick<TemplateRuntime, "timeZone" | "now">,
): TemplateDate {
  if (record.lastModified === null)
    return new TemplateDate(record.date, record.dateZone ?? rt.timeZone, rt.now);
  const written = record.headers.find(([n]) => n.toLowerCase() === "last-modified")?.[1] ?? "";
  return new TemplateDate(record.lastModified, dateZone(written) ?? rt.timeZone, rt.now);
}
