/**
 * Renders an entry's body and more as one document in two parts.
 *
 * Both parts are split into blocks before either is parsed inline, with one shared env: a reference in
 * either part finds a footnote or link definition in either, heading ids are unique across both, and
 * footnotes are numbered in reading order. The cut stays a hard boundary (an unclosed fence in the body
 * ends at the cut), because each part is its own block document.
 *
 * Footnote placement, for what a reader sees:
 * - `body` + `more` (the entry page): the full list once, at the end of `more` (or of `body` when there
 *   is no more part). Body's notes come first in reading order, so they are 1…k and more's continue.
 * - `bodyOnly` (a page that shows the body alone, like the home page): the body followed by a list of
 *   only the notes the body refers to, with back-links only to references that are on that page.
 */

import type MarkdownIt from "markdown-it";
import type StateCore from "markdown-it/lib/rules_core/state_core.mjs";
import { QuireError } from "../errors.js";
import { afterBlocks } from "./create-markdown.js";
import { createEnv, renderState, type RenderContext, type TocItem } from "./env.js";
import { footnoteBlock, noteList, referenceCount } from "./footnotes.js";
import { buildToc } from "./headings.js";
import { absolutizeHtml } from "./links.js";
import {
  asSummaryParagraph,
  closedFirstParagraph,
  hasText,
  summarize,
  summaryHtml,
  withoutImages,
  withoutNoteRefs,
} from "./summary.js";

/** The Markdown of one entry, split at the cut. */
export interface EntryMarkdown {
  body: string;
  more: string | null;
  /** The `Summary` header, if the entry has one. */
  summary?: string | null;
}

/** An entry rendered to HTML. */
export interface RenderedEntry {
  /** The body, to be followed by `more` on the same page; holds the footnote list only when there is no more part. */
  body: string;
  /** The part below the cut, ending with the entry's footnote list; null when the entry has no cut. */
  more: string | null;
  /** The body for pages that show it alone: followed by the notes the body refers to. Equals `body` when there is no more part. */
  bodyOnly: string;
  /** Summary header rendered inline, or the first paragraph of the body (inner HTML, no `<p>`); `""` when neither exists. */
  summary: string;
  /** The entry's headings, nested by level. */
  toc: TocItem[];
  /**
   * Body and more as Publ's `entry.body` and `entry.more` give them: without the footnote list, which templates
   * print with `entry.footnotes` (references link to the entry's page, `RenderContext.footnotesLink`).
   */
  parts: { body: string; more: string | null };
  footnotes: {
    /** Notes in the whole entry. */
    count: number;
    /** Notes the body refers to (numbered 1…bodyCount). */
    bodyCount: number;
    /** The full list, as appended to `more` (or `body`); `""` without notes. */
    html: string;
  };
}

/** Renders body and more with shared footnotes, ids and link definitions; `md` must come from createMarkdown. */
export function renderMarkdown(md: MarkdownIt, entry: EntryMarkdown, ctx: RenderContext = {}): RenderedEntry {
  const env = createEnv(ctx, { deferFootnotes: true });
  const { blockRules, inlineRules } = coreRules(md);
  const body = new md.core.State(entry.body, md, env);
  const more = entry.more === null ? null : new md.core.State(entry.more, md, env);
  run(blockRules, body);
  if (more) run(blockRules, more);
  run(inlineRules, body);
  // Snapshot which notes the body refers to, and how often, before the more part adds to the list.
  const bodyRefs = noteList(env).map((note) => referenceCount(note));
  if (more) run(inlineRules, more);

  const render = (tokens: StateCore["tokens"]): string => md.renderer.render(tokens, md.options, env);
  const bodyHtml = render(body.tokens);
  const moreHtml = more ? render(more.tokens) : null;
  const notes = noteList(env);
  const notesHtml = notes.length > 0 ? render(footnoteBlock(body.Token, env, referenceCount)) : "";
  const bodyNotesHtml =
    more && bodyRefs.length > 0 ? render(footnoteBlock(body.Token, env, (_n, id) => bodyRefs[id] ?? 0)) : "";

  const result: RenderedEntry = {
    body: moreHtml === null ? bodyHtml + notesHtml : bodyHtml,
    more: moreHtml === null ? null : moreHtml + notesHtml,
    bodyOnly: moreHtml === null ? bodyHtml + notesHtml : bodyHtml + bodyNotesHtml,
    // An entry that opens with its cut has its summary from the text below it, as in Publ.
    summary: summaryHtml(
      md,
      { summary: entry.summary ?? null, html: summarySource(bodyHtml, moreHtml) },
      ctx,
    ),
    toc: buildToc(renderState(env).headings),
    parts: { body: bodyHtml, more: moreHtml },
    footnotes: { count: notes.length, bodyCount: bodyRefs.length, html: notesHtml },
  };
  return ctx.absolute ? absolutizeEntry(result, ctx.baseUrl!) : result;
}

/**
 * The entry's `summary` alone, as `renderMarkdown` gives it, for pages that list entries without showing their
 * text. Every block of body and more is still parsed (a link definition anywhere counts), but only the blocks
 * up to the first top-level paragraph are parsed inline and rendered: the code blocks, images and paragraphs
 * after it are not. Null when that part does not settle the summary (the body has no top-level paragraph, or
 * raw HTML leaves the first paragraph open); the caller then renders the whole entry.
 */
export function renderSummary(md: MarkdownIt, entry: EntryMarkdown, ctx: RenderContext = {}): string | null {
  const header = entry.summary ?? null;
  if (header !== null && header.trim() !== "") return summarize(md, { summary: header, html: "" }, ctx);
  // An entry that opens with its cut: the whole render takes its summary from the more part.
  if (entry.more !== null && entry.body.trim() === "") return null;
  const env = createEnv(ctx, { deferFootnotes: true });
  const { blockRules, inlineRules } = coreRules(md);
  const body = new md.core.State(entry.body, md, env);
  run(blockRules, body);
  if (entry.more !== null) run(blockRules, new md.core.State(entry.more, md, env));
  const cut = body.tokens.findIndex((t) => t.type === "paragraph_close" && t.level === 0 && !t.hidden);
  if (cut < 0) return null;
  // Everything after the cut is block-level and closed, so the stream up to it is a whole document.
  body.tokens.length = cut + 1;
  run(inlineRules, body);
  const paragraph = closedFirstParagraph(md.renderer.render(body.tokens, md.options, env));
  if (paragraph === null) return null;
  // A first paragraph of images alone leaves the summary to a later one: the whole render finds it.
  const text = withoutImages(paragraph);
  if (!hasText(text)) return null;
  const html = asSummaryParagraph(withoutNoteRefs(text));
  return ctx.absolute ? absolutizeHtml(html, ctx.baseUrl!) : html;
}

/** The core rules up to the end of block parsing, and those after it. */
function coreRules(md: MarkdownIt): {
  blockRules: ReadonlyArray<(state: StateCore) => void>;
  inlineRules: ReadonlyArray<(state: StateCore) => void>;
} {
  const rules = md.core.ruler.getRules("");
  const split = rules.indexOf(afterBlocks) + 1;
  if (split === 0) {
    throw new QuireError("E_RENDER", "renderMarkdown needs a markdown-it instance made by createMarkdown");
  }
  return { blockRules: rules.slice(0, split), inlineRules: rules.slice(split) };
}

function run(rules: ReadonlyArray<(state: StateCore) => void>, state: StateCore): void {
  for (const rule of rules) rule(state);
}

/** Every URL in the rendered entry made absolute, including footnote and heading anchors and raw HTML. */
function absolutizeEntry(entry: RenderedEntry, baseUrl: string): RenderedEntry {
  const abs = (html: string): string => absolutizeHtml(html, baseUrl);
  return {
    ...entry,
    body: abs(entry.body),
    more: entry.more === null ? null : abs(entry.more),
    bodyOnly: abs(entry.bodyOnly),
    parts: { body: abs(entry.parts.body), more: entry.parts.more === null ? null : abs(entry.parts.more) },
    summary: abs(entry.summary),
    footnotes: { ...entry.footnotes, html: abs(entry.footnotes.html) },
  };
}

/** The HTML a summary is taken from: the body, or the more part when the body is empty. */
export function summarySource(bodyHtml: string, moreHtml: string | null): string {
  return moreHtml !== null && bodyHtml.trim() === "" ? moreHtml : bodyHtml;
}
