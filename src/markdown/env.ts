/** The shape of the markdown-it `env` object Quire renders with: the caller's RenderContext for plugins, plus per-render state. */

import type Token from "markdown-it/lib/token.mjs";
import { QuireError } from "../errors.js";

/** What a URL points at: a link target (`href`) or something displayed inline (`src`, `srcset`, `poster`). */
export type LinkKind = "link" | "image";

/** Maps an author's URL to the one to emit; null leaves it untouched. */
export type LinkResolver = (href: string, kind: LinkKind) => string | null;

/**
 * What a render needs to know about where its HTML will be shown. The object itself becomes
 * `env.quire`, so a caller may put more on it for plugins (the image plugin reads its ImageRenderer
 * methods from the same object).
 */
export interface RenderContext {
  /**
   * Called for every link href and image src, in Markdown and in raw HTML. It receives the URL with
   * HTML entities and percent-escapes decoded (`my%20post.md` → `my post.md`; reserved characters
   * such as `%2F` stay escaped) and returns the URL to emit, or null to keep the original.
   */
  resolveLink?: LinkResolver;
  /** Make every relative URL absolute against `baseUrl` (for feeds and other off-site copies). */
  absolute?: boolean;
  /** The absolute URL of the page the HTML belongs to (usually the entry's permalink); required when `absolute`. */
  baseUrl?: string;
  /** Prefix for footnote anchors (e.g. the entry id), so several entries on one page keep distinct notes. */
  idPrefix?: string;
  /**
   * The page footnote references point at (the entry's own), as Publ's `footnotes_link`: a listing shows the
   * body without its notes, so `[1]` there leads to the note on the entry's page. Unset: the same page.
   */
  footnotesLink?: string;
}

/** One heading, as collected for the table of contents. */
export interface TocItem {
  level: number;
  id: string;
  /** The heading's visible text, without markup. */
  text: string;
  children: TocItem[];
}

/** Per-render state kept in `env.quireState`; private to this module. */
export interface RenderState {
  /** Heading ids already used in this entry (body and more share them). */
  ids: Set<string>;
  /** Headings in document order, before nesting. */
  headings: Array<Omit<TocItem, "children">>;
  /** Footnote definitions lifted out of the token stream, by `:label` or `#id` for inline notes. */
  notes: Map<string, Token[]>;
  /** When set, the footnote list is placed by renderMarkdown instead of being appended by the parser. */
  deferFootnotes: boolean;
  /** When set, raw HTML is shown as text (headers such as `Summary` are escaped like titles). */
  escapeHtml: boolean;
}

/**
 * The markdown-it env Quire passes to every parse and render. Plugins read `env.quire` (the caller's
 * RenderContext, never undefined during renderMarkdown) to resolve links; `docId` is
 * markdown-it-footnote's anchor prefix; `footnotes` and `references` belong to markdown-it and its plugins.
 */
export interface MarkdownEnv {
  quire?: RenderContext;
  quireState?: RenderState;
  docId?: string;
  [key: string]: unknown;
}

/** A fresh env for one render; one env spans body and more so ids and footnotes are shared. */
export function createEnv(ctx: RenderContext, state: Partial<RenderState> = {}): MarkdownEnv {
  checkContext(ctx);
  const env: MarkdownEnv = { quire: ctx, quireState: { ...freshState(), ...state } };
  if (ctx.idPrefix) env.docId = ctx.idPrefix;
  return env;
}

/** The render state of an env, creating it when markdown-it was called directly (e.g. `md.render(src)`). */
export function renderState(env: MarkdownEnv): RenderState {
  env.quireState ??= freshState();
  return env.quireState;
}

function freshState(): RenderState {
  return { ids: new Set(), headings: [], notes: new Map(), deferFootnotes: false, escapeHtml: false };
}

/** Rejects a context that cannot be honoured, before any work is done. */
function checkContext(ctx: RenderContext): void {
  if (!ctx.absolute) return;
  if (!ctx.baseUrl) {
    throw new QuireError("E_RENDER", "Absolute rendering needs a baseUrl (the page's absolute URL)", {
      field: "baseUrl",
    });
  }
  if (!URL.canParse(ctx.baseUrl)) {
    throw new QuireError("E_RENDER", `baseUrl "${ctx.baseUrl}" is not an absolute URL`, { field: "baseUrl" });
  }
}
