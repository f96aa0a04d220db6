/** `entry` in templates, with Publ's names, keyword arguments and defaults: values print as HTML, calls take
 *  Publ's arguments (`entry.body(width=320)`), and any header reads as an attribute (`entry.author`). */
import {
  renderToc,
  renderTitle,
  titlePlainText,
  htmlToText,
  htmlToLines,
  notesForPlainText,
} from "../markdown/index.js";
import type { IndexedEntry } from "../db/index.js";
import { ATTRIBUTES, CALLS, callableHtml, sig, type Kwargs, type MemberCall } from "./callable.js";
import { TemplateDate } from "./template-date.js";
import { dateZone } from "../content/dates.js";
import { entryPath, absoluteUrl } from "./urls.js";
import { textArgs } from "./publ-args.js";
import {
  TemplateCategory,
  TemplateTag,
  archiveLink,
  escapeAttr,
  plainTitle,
  truthy,
  viewKeywords,
} from "./category-object.js";
import type { TemplateRuntime } from "./runtime.js";
import { isRestricted } from "../auth/access-rule.js";
import { attachmentList } from "./attachment-lists.js";

export { TemplateCategory, TemplateTag } from "./category-object.js";

const TEXT_CALLS = ["body", "more", "footnotes", "summary", "toc"] as const;
// Made once: templates call these on every entry of every page.
const SIGS = {
  title: sig(
    "entry.title()",
    ["markup"],
    ["no_smartquotes", "smartquotes", "markdown_extensions", "always_show"],
  ),
  link: sig("entry.link()", ["absolute", "expand"]),
  permalink: sig("entry.permalink()", ["absolute", "expand"]),
  archive: sig("entry.archive()", ["paging", "template", "category", "absolute", "tag"]),
  card: sig("entry.card()", [], [], { anyKeyword: true }),
  next: sig("entry.next()", [], [], { anyKeyword: true }),
  previous: sig("entry.previous()", [], [], { anyKeyword: true }),
  body: sig("entry.body()", [], [], { anyKeyword: true }),
  more: sig("entry.more()", [], [], { anyKeyword: true }),
  footnotes: sig("entry.footnotes()", [], [], { anyKeyword: true }),
  summary: sig("entry.summary()", [], [], { anyKeyword: true }),
  toc: sig("entry.toc()", [], [], { anyKeyword: true }),
};

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

  /** False for a stub: an entry the page's reader may not read shows no title, text, tags or headers. */
  get authorized(): boolean {
    return this.once("authorized", () => this.rt.mayRead(this.record)) as boolean;
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
    const key = String(name).toLowerCase().replace(/_/g, "-");
    const h = this.record.headers.find(([n]) => n.toLowerCase().replace(/_/g, "-") === key);
    return h ? h[1] : fallback;
  }

  /** Every value of a repeated header. */
  get_all(name: string): string[] {
    if (!this.authorized) return [];
    const key = String(name).toLowerCase().replace(/_/g, "-");
    return this.record.headers.filter(([n]) => n.toLowerCase().replace(/_/g, "-") === key).map(([, v]) => v);
  }

  /** Any header reads as an attribute where no member has its name (`entry.author`, `entry['redirect-to']`). */
  [ATTRIBUTES](name: string): unknown {
    const v = this.get(name, undefined);
    return v === null ? undefined : v;
  }

  /** Publ's calls on an entry, with their signatures: see `callable.ts`. */
  [CALLS](key: string): MemberCall | undefined {
    switch (key) {
      case "title":
        return {
          sig: SIGS.title,
          call: (kw) => {
            // As in Publ: `always_show=True` prints the title of an entry the reader may not open.
            if (!this.authorized && !truthy(kw.always_show)) return "";
            if (kw.markup === false) return plainTitle(this.record.title, kw);
            const html = renderTitle(this.record.title);
            return html === "" ? "" : this.rt.safe(html);
          },
        };
      case "link":
      case "permalink":
        return {
          sig: SIGS[key],
          call: (kw) => (key === "link" ? this.linkTo(kw) : this.permalinkTo(kw)),
        };
      case "archive":
        return {
          sig: SIGS.archive,
          call: (kw) => archiveLink(this.rt, this, kw),
        };
      case "card":
        return {
          sig: SIGS.card,
          call: (kw, warn) => this.cardTags(textArgs(kw, "entry.card()", warn, ["image"])),
        };
      case "next":
      case "previous":
        return {
          sig: SIGS[key],
          call: (kw, warn) => this.rt.neighbour(this.record, key, viewKeywords(kw, warn, `entry.${key}()`)),
        };
      default:
        if ((TEXT_CALLS as readonly string[]).includes(key)) {
          const part = key as (typeof TEXT_CALLS)[number];
          const extra = part === "toc" ? ["max_depth"] : [];
          return {
            sig: SIGS[part],
            call: (kw, warn) => this.text(part, textArgs(kw, `entry.${part}()`, warn, extra)),
          };
        }
        return undefined;
    }
  }

  private linkTo(kw: Kwargs): string {
    // A stub links to the bare /<id>: the slug carries the title, and Redirect-To is the author's to keep.
    const target = this.authorized ? this.record.redirectTo : null;
    if (target) return truthy(kw.absolute) ? absoluteUrl(this.rt.baseUrl, target) : target;
    return this.permalinkTo(kw);
  }

  private permalinkTo(kw: Kwargs): string {
    const path = kw.expand === false || !this.authorized ? `/${this.record.id}` : entryPath(this.record);
    return truthy(kw.absolute) ? absoluteUrl(this.rt.baseUrl, path) : path;
  }

  /** One part of the text, rendered with a template's arguments; "" (printable and callable) when empty. */
  private text(part: (typeof TEXT_CALLS)[number], kw: Kwargs): unknown {
    if (!this.authorized) return "";
    const absolute = truthy(kw.absolute);
    const args = Object.keys(kw).length === 0 ? undefined : kw;
    let html: string;
    if (part === "summary") html = this.rt.summary(this.record, absolute, args);
    else {
      const r = this.rt.content(this.record, absolute, args);
      // As in Publ, body and more never carry the notes: templates print `entry.footnotes`.
      if (part === "body") html = r.parts.body;
      else if (part === "more") html = r.parts.more ?? "";
      else if (part === "footnotes") html = r.footnotes.html;
      else {
        const depth = Number(kw.max_depth);
        const linkBase = typeof kw.toc_link === "string" ? kw.toc_link : undefined;
        html = renderToc(r.toc, {
          ...(Number.isFinite(depth) && depth > 0 ? { maxDepth: depth } : {}),
          ...(linkBase !== undefined ? { linkBase } : {}),
        });
      }
    }
    // Plain text keeps its lines, as Publ's does (a .txt template shows paragraphs and list items apart).
    if (kw.markup === false) return htmlToLines(notesForPlainText(html));
    // A test, not a trim: bodies are long, and this runs for every entry of a listing.
    return /\S/.test(html) ? this.rt.safe(html) : "";
  }

  /** Publ's OpenGraph card: title, URL, the first `count` images at the given size, and the summary. */
  private cardTags(kw: Kwargs): unknown {
    if (!this.authorized) return "";
    const tag = (property: string, content: string) =>
      `<meta property="${property}" content="${escapeAttr(content)}">`;
    let out =
      tag("og:title", titlePlainText(this.record.title)) + tag("og:url", this.linkTo({ absolute: true }));
    if (kw.image !== false) {
      const r = this.rt.content(this.record, true, { ...kw, absolute: true });
      // A test, not a trim: bodies are long.
      const source = /\S/.test(r.body) ? r.body : (r.more ?? "");
      const count = typeof kw.count === "number" ? kw.count : 1;
      // As Publ does: each image's URL with the width and height its `<img>` was given. A relative URL (no
      // public address is set) would not be fetched by any card reader, so none is sent (the site warned).
      for (const image of cardImages(source).slice(0, count)) {
        if (!/^https?:\/\//i.test(image.src)) continue;
        out += tag("og:image", image.src);
        // Publ gives the size of its renditions only; a static or remote image's real size is not known.
        if (!image.src.includes("/_img/")) continue;
        if (image.width) out += tag("og:image:width", image.width);
        if (image.height) out += tag("og:image:height", image.height);
      }
    }
    const description = String(this.get("Summary", "") || htmlToText(this.rt.summary(this.record, false)));
    if (description.trim() !== "") out += tag("og:description", description.trim());
    return this.rt.safe(out);
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

/** The `src`, `width` and `height` of each `<img>` in rendered HTML, in order (entities in the URL decoded). */
export function cardImages(html: string): readonly CardImage[] {
  // The same entry's card on every render of its page: its text is the same string each time.
  let images = CARD_IMAGES.get(html);
  if (images === undefined) {
    images = findImages(html);
    if (CARD_IMAGES.size >= 2_000) CARD_IMAGES.clear();
    CARD_IMAGES.set(html, images);
  }
  return images;
}

type CardImage = { readonly src: string; readonly width: string | null; readonly height: string | null };
const CARD_IMAGES = new Map<string, readonly CardImage[]>();

function findImages(html: string): CardImage[] {
  const out: CardImage[] = [];
  for (const m of html.matchAll(/<img\b[^>]*>/gi)) {
    const attr = (name: string) =>
      new RegExp(`\\s${name}="([^"]*)"`, "i").exec(m[0])?.[1]?.replace(/&amp;/g, "&") ?? null;
    const src = attr("src");
    if (src) out.push({ src, width: attr("width"), height: attr("height") });
  }
  return out;
}
