/** Reads an entry's file and renders its body, more, summary and table of contents, memoised per file version and options. */
import { isRestricted } from "../auth/access-rule.js";
import { readFileSync, existsSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import type MarkdownIt from "markdown-it";
import { parseEntryBody } from "../content/parse-entry.js";
import {
  renderMarkdown,
  renderSummary,
  renderHtml,
  summarySource,
  summarize,
  type RenderContext,
  type RenderedEntry,
} from "../markdown/index.js";
import type { ContentIndex, IndexedEntry } from "../db/index.js";
import { entryPath, staticPath, absoluteUrl } from "./urls.js";
import { QuireError } from "../errors.js";
import { checkBudget, refuseUnderBudget } from "./budget.js";

/**
 * Characters of Markdown past which an entry's text is rendered on a rendering thread rather than the main
 * thread (under a budget): ordinary text this long takes tens of milliseconds, hostile text seconds.
 */
export const LONG_TEXT_CHARS = 256 * 1024;
/** The same for the first paragraph alone, which a listing renders as the entry's summary. */
export const LONG_PARAGRAPH_CHARS = 64 * 1024;

/** Characters before the text's first blank line (all of them when it has none). */
function firstParagraphChars(text: string): number {
  const end = text.search(/\n[ \t]*\n/);
  return end === -1 ? text.length : end;
}

/** What a page can ask of an entry's text. */
export interface EntryContentOptions {
  absolute: boolean;
  /** A template's keyword arguments (`entry.body(width=320)`): image defaults for this rendering. */
  args?: Readonly<Record<string, unknown>>;
}

/** Hooks the image engine adds to the render context (set by the composition root). */
export interface ImageHooks {
  /** Extra RenderContext members (e.g. `renderImageSet`) for one entry. */
  contextFor(
    entry: IndexedEntry,
    absolute: boolean,
    args?: Readonly<Record<string, unknown>>,
  ): Record<string, unknown>;
  /** `.html` entries: replace `<img src="photo.jpg{320}">` with rendered markup. */
  rewriteHtml?(html: string, entry: IndexedEntry, absolute: boolean): string;
}

export interface EntryContentDeps {
  contentDir: string;
  baseUrl: string;
  md: MarkdownIt;
  index: () => ContentIndex;
  images?: ImageHooks;
  /** Most rendered entries kept in memory. */
  maxEntries?: number;
  /** Told when an entry's file is gone although the index still lists it (a deploy under way): refresh the index. */
  onVanished?: (file: string) => void;
}

/** Renders entries on demand and keeps the most recent results (cleared whenever the index changes). */
export class EntryContent {
  private readonly deps: EntryContentDeps;
  private readonly memo = new Map<string, RenderedEntry>();
  /** Summaries worked out without rendering the whole entry (see `summary`), kept like `memo`. */
  private readonly summaries = new Map<string, string>();
  private readonly max: number;
  /** Files of indexed entries found missing since the index last changed: listings leave them out. */
  private readonly vanished = new Set<string>();

  constructor(deps: EntryContentDeps) {
    this.deps = deps;
    this.max = deps.maxEntries ?? 2000;
  }

  /** The markdown-it instance entries render with. */
  get markdown(): MarkdownIt {
    return this.deps.md;
  }

  /** Forgets every rendered entry (content, templates or images changed). */
  clear(): void {
    this.memo.clear();
    this.summaries.clear();
    this.vanished.clear();
  }

  /** Forgets which files were found missing (the index has caught up with content/). */
  forgetVanished(): void {
    this.vanished.clear();
  }

  /**
   * True when the entry's file is missing although the index lists it. Costs nothing until one such file has
   * been met: from then on (a deploy is under way) every entry asked about is looked for on disk, so a listing
   * that failed once on a missing file leaves out, on its next try, all the files that went with it.
   */
  isVanished(entry: Pick<IndexedEntry, "file">): boolean {
    if (this.vanished.size === 0) return false;
    if (this.vanished.has(entry.file)) return true;
    if (existsSync(join(this.deps.contentDir, entry.file))) return false;
    this.vanished.add(entry.file);
    this.deps.onVanished?.(entry.file);
    return true;
  }

  /** How many entry files were found missing: a render that saw this grow can be tried again without them. */
  get vanishedCount(): number {
    return this.vanished.size;
  }

  /** The rendered body, more, summary and toc of an entry. */
  render(entry: IndexedEntry, options: EntryContentOptions): RenderedEntry {
    const key = `${entry.file}\0${entry.id}\0${options.absolute ? 1 : 0}${argsKey(options.args)}`;
    const hit = this.memo.get(key);
    if (hit) {
      // Refresh its place in the LRU order.
      this.memo.delete(key);
      this.memo.set(key, hit);
      return hit;
    }
    const rendered = this.renderFresh(entry, options);
    this.memo.set(key, rendered);
    if (this.memo.size > this.max) this.memo.delete(this.memo.keys().next().value!);
    // Rendering one entry's text can take long: the page's time budget sees it at once (kept for next time).
    checkBudget();
    return rendered;
  }

  /**
   * The summary alone, as `render(…).summary` gives it. A page that lists entries needs only their summaries:
   * an entry rendered already gives its own, a Markdown one is otherwise worked out from the start of its text
   * without rendering the rest (code, images, later paragraphs).
   */
  summary(entry: IndexedEntry, options: EntryContentOptions): string {
    const key = `${entry.file}\0${entry.id}\0${options.absolute ? 1 : 0}${argsKey(options.args)}`;
    const rendered = this.memo.get(key);
    if (rendered) return rendered.summary;
    const known = this.summaries.get(key);
    if (known !== undefined) return known;
    if (entry.format === "markdown") {
      const { record, ctx } = this.source(entry, options);
      // The summary is the text's first paragraph: one that long is rendered where it holds up no other page.
      if (
        record.format === "markdown" &&
        !record.summary &&
        firstParagraphChars(record.body) > LONG_PARAGRAPH_CHARS
      )
        refuseUnderBudget(
          `lists ${entry.file}, whose first paragraph is too long to render within its budget`,
        );
      const summary = record.format === "markdown" ? renderSummary(this.deps.md, record, ctx) : null;
      if (summary !== null) {
        this.summaries.set(key, summary);
        if (this.summaries.size > this.max) this.summaries.delete(this.summaries.keys().next().value!);
        checkBudget();
        return summary;
      }
    }
    return this.render(entry, options).summary;
  }

  /** The entry's text (from its file) and headers (from the index), and the context to render them in. */
  private source(entry: IndexedEntry, options: EntryContentOptions) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(this.deps.contentDir, entry.file));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") {
        if (!this.vanished.has(entry.file)) {
          this.vanished.add(entry.file);
          this.deps.onVanished?.(entry.file);
        }
        throw new QuireError("E_ENTRY_VANISHED", "the entry file is gone; the index is being refreshed", {
          file: `content/${entry.file}`,
          cause: err,
        });
      }
      throw new QuireError("E_RENDER", `could not read the entry file: ${(err as Error).message}`, {
        file: `content/${entry.file}`,
        cause: err,
      });
    }
    // The headers (summary included) come from the index; the file gives the text.
    const record = { ...parseEntryBody(bytes, entry.file), summary: entry.summary };
    const ctx: RenderContext & Record<string, unknown> = {
      resolveLink: (href, kind) => this.resolveLink(entry, href, kind),
      // Without a public address, links stay relative (the site warned at start).
      absolute: options.absolute && this.deps.baseUrl !== "",
      baseUrl: absoluteUrl(this.deps.baseUrl, entryPath(entry)),
      idPrefix: `e${entry.id}-`,
      footnotesLink: entryPath(entry),
      ...(this.deps.images?.contextFor(entry, options.absolute, options.args) ?? {}),
    };
    return { record, ctx };
  }

  private renderFresh(entry: IndexedEntry, options: EntryContentOptions): RenderedEntry {
    const { md } = this.deps;
    const { record, ctx } = this.source(entry, options);
    if (record.format === "html") {
      const rewrite = (html: string) => {
        const withImages = this.deps.images?.rewriteHtml?.(html, entry, options.absolute) ?? html;
        return renderHtml(withImages, ctx);
      };
      const body = rewrite(record.body);
      const more = record.more === null ? null : rewrite(record.more);
      const summary = summarize(md, { summary: record.summary, html: summarySource(body, more) }, ctx);
      return {
        body,
        more,
        bodyOnly: body,
        parts: { body, more },
        summary,
        toc: [],
        footnotes: { count: 0, bodyCount: 0, html: "" },
      };
    }
    const chars = record.body.length + (record.more?.length ?? 0);
    // One Markdown render cannot be stopped part-way: text this long is rendered where it holds up no other page.
    if (chars > LONG_TEXT_CHARS)
      refuseUnderBudget(
        `shows ${entry.file}, whose text (${Math.round(chars / 1024)} KB) is too long to render within its budget`,
      );
    return renderMarkdown(md, { body: record.body, more: record.more, summary: record.summary }, ctx);
  }

  /**
   * `[x](123)` → that entry; `[x](other.md)` → that entry's permalink; `@path` → static file; a relative path
   * to a file under content/ → `/_file/…`; everything else untouched.
   */
  resolveLink(entry: IndexedEntry, href: string, _kind: "link" | "image"): string | null {
    if (href === "" || href.startsWith("#") || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//"))
      return null;
    const [path, suffix] = splitSuffix(href);
    if (path.startsWith("@")) return staticPath(path.slice(1)) + suffix;
    const index = this.deps.index();
    if (/^\d+$/.test(path)) {
      const target = index.entryById(Number(path));
      return target ? linkPath(target) + suffix : null;
    }
    // `/tools/reblob.md` names an entry file from content/, as in Publ; any other absolute path is a URL.
    if (path.startsWith("/")) {
      const target = ENTRY_FILE.test(path) ? index.entryByFile(posix.normalize(path).slice(1)) : null;
      return target ? entryPath(target) + suffix : null;
    }
    for (const candidate of this.candidates(entry, path)) {
      if (/\.(md|markdown|html?)$/i.test(candidate)) {
        const target = index.entryByFile(candidate);
        if (target) return linkPath(target) + suffix;
      }
      if (isContentFile(join(this.deps.contentDir, candidate))) {
        return `/_file/${candidate.split("/").map(encodeURIComponent).join("/")}${suffix}`;
      }
    }
    return null;
  }

  /** Where a relative path may point: beside the entry, then in its category folder, then from content/. */
  private candidates(entry: IndexedEntry, path: string): string[] {
    const folder = posix.dirname(entry.file) === "." ? "" : posix.dirname(entry.file);
    const out = [posix.join(folder, path), posix.join(entry.category, path), posix.normalize(path)];
    return [...new Set(out)].filter((p) => p !== "." && !p.startsWith("..") && !p.startsWith("/"));
  }
}

/** The part of a memo key that keyword arguments add; none for the plain rendering. */
function argsKey(args: Readonly<Record<string, unknown>> | undefined): string {
  if (!args) return "";
  const keys = Object.keys(args);
  if (keys.length === 0) return "";
  if (keys.length > 1) keys.sort();
  // Each value tagged with its type, strings with their length, so no two sets of arguments share a key;
  // only objects and arrays (rare) pay for JSON.
  let key = "";
  for (const k of keys) {
    const v = args[k];
    key +=
      typeof v === "string"
        ? `\0${k}\0s${v.length}:${v}`
        : typeof v === "number" || typeof v === "boolean" || v === null || v === undefined
          ? `\0${k}\0p${String(v)}`
          : `\0${k}\0j${JSON.stringify(v)}`;
  }
  return key;
}

const ENTRY_FILE = /\.(md|markdown|html?)$/i;

function splitSuffix(href: string): [string, string] {
  const i = href.search(/[?#]/);
  return i < 0 ? [href, ""] : [href.slice(0, i), href.slice(i)];
}

function isContentFile(abs: string): boolean {
  try {
    return existsSync(abs) && statSync(abs).isFile();
  } catch {
    return false;
  }
}

/**
 * The path a link in an entry points at. Rendered text is shared by every reader, so a link to a private entry
 * is its bare ID (as Publ does): the full path carries its title, and `/<id>` answers each reader as they may.
 */
function linkPath(target: IndexedEntry): string {
  return isRestricted(target.auth) ? `/${target.id}` : entryPath(target);
}
