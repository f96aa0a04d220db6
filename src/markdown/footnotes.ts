/**
 * Footnotes (markdown-it-footnote), numbered across an entry's body and more.
 *
 * The plugin parses references and definitions; Quire lifts every definition out of the token stream
 * (after all other core rules have run on it, so its links are resolved and its quotes curled) and
 * builds the list itself, so that renderMarkdown can place it: once, at the end of `more` when the
 * entry has one, else at the end of `body`, plus a second list for pages that show the body alone,
 * holding only the notes the body refers to. Called directly (`md.render(src)`), the list is
 * appended to the document as usual.
 */

import type MarkdownIt from "markdown-it";
import type StateCore from "markdown-it/lib/rules_core/state_core.mjs";
import type Token from "markdown-it/lib/token.mjs";
import footnote from "markdown-it-footnote";
import { renderState, type MarkdownEnv, type RenderState } from "./env.js";

/** One entry of markdown-it-footnote's `env.footnotes.list`, in numbering order. */
interface NoteEntry {
  label?: string;
  /** Times the note was referenced (absent for inline `^[…]` notes, which have exactly one). */
  count?: number;
  /** Parsed content of an inline `^[…]` note. */
  tokens?: Token[];
  content?: string;
  emitted?: boolean;
}

/** The notes of an env, in the order they are numbered. */
export function noteList(env: MarkdownEnv): NoteEntry[] {
  const footnotes = env.footnotes as { list?: NoteEntry[] } | undefined;
  return footnotes?.list ?? [];
}

/** How many back-links a note gets: one per reference. */
export function referenceCount(note: NoteEntry): number {
  return note.count && note.count > 0 ? note.count : 1;
}

/** Installs markdown-it-footnote with Quire's placement of the list. */
export function footnotesPlugin(md: MarkdownIt): void {
  md.use(footnote);
  // Replaces the plugin's own tail, which would append the list to each parsed document.
  md.core.ruler.at("footnote_tail", emitInlineNotes);
  md.core.ruler.push("quire_footnotes", liftDefinitions);
  // A reference reads "1", as in Publ (the plugin writes "[1]"), and a second one to the same note "1" again,
  // not the plugin's "[1:1]".
  md.renderer.rules.footnote_caption = (tokens, idx) => `${Number(tokens[idx]!.meta.id) + 1}`;
  const reference = md.renderer.rules.footnote_ref!;
  md.renderer.rules.footnote_ref = (tokens, idx, options, env: MarkdownEnv, self) => {
    const html = reference(tokens, idx, options, env, self);
    const page = env.quire?.footnotesLink;
    return page ? html.replace(' href="#', ` href="${escapeHref(page)}#`) : html;
  };
}

function escapeHref(url: string): string {
  return url.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
}

/** Core rule (right after inline parsing): put inline notes' content into the stream so later rules reach it. */
function emitInlineNotes(state: StateCore): void {
  const list = noteList(state.env as MarkdownEnv);
  list.forEach((note, id) => {
    if (!note.tokens || note.emitted) return;
    note.emitted = true;
    const open = new state.Token("footnote_reference_open", "", 1);
    open.meta = { inlineId: id };
    const inline = new state.Token("inline", "", 0);
    inline.children = note.tokens;
    inline.content = note.content ?? "";
    state.tokens.push(open, ...paragraph(state, inline), new state.Token("footnote_reference_close", "", -1));
  });
}

function paragraph(state: StateCore, inline: Token): Token[] {
  const open = new state.Token("paragraph_open", "p", 1);
  open.block = true;
  const close = new state.Token("paragraph_close", "p", -1);
  close.block = true;
  return [open, inline, close];
}

/** Core rule (last): move definitions out of the document into the render state, keyed by note. */
function liftDefinitions(state: StateCore): void {
  const env = state.env as MarkdownEnv;
  const rs = renderState(env);
  const open: Array<{ key: string; tokens: Token[] }> = [];
  const kept: Token[] = [];
  for (const token of state.tokens) {
    if (token.type === "footnote_reference_open") {
      const key = token.meta?.inlineId !== undefined ? `#${token.meta.inlineId}` : `:${token.meta?.label}`;
      open.push({ key, tokens: [] });
    } else if (token.type === "footnote_reference_close") {
      const done = open.pop();
      if (done) rs.notes.set(done.key, done.tokens);
    } else {
      (open.length > 0 ? open[open.length - 1]!.tokens : kept).push(token);
    }
  }
  state.tokens = kept;
  if (!rs.deferFootnotes && !state.inlineMode && noteList(env).length > 0) {
    state.tokens.push(...footnoteBlock(state.Token, env, (note) => referenceCount(note)));
  }
}

/**
 * The tokens of a footnote list holding the notes for which `backLinks` returns more than 0, each
 * with that many back-links (`↩` to the first, second… reference).
 */
export function footnoteBlock(
  TokenClass: typeof Token,
  env: MarkdownEnv,
  backLinks: (note: NoteEntry, id: number) => number,
): Token[] {
  const rs: RenderState = renderState(env);
  const out: Token[] = [new TokenClass("footnote_block_open", "", 1)];
  noteList(env).forEach((note, id) => {
    const links = backLinks(note, id);
    if (links <= 0) return;
    const item = new TokenClass("footnote_open", "", 1);
    item.meta = { id, label: note.label };
    const body = [...(rs.notes.get(note.tokens ? `#${id}` : `:${note.label}`) ?? [])];
    // The back-links go inside the note's last paragraph, as markdown-it-footnote places them.
    const lastParagraph = body[body.length - 1]?.type === "paragraph_close" ? body.pop() : undefined;
    out.push(item, ...body);
    for (let subId = 0; subId < links; subId++) {
      const anchor = new TokenClass("footnote_anchor", "", 0);
      anchor.meta = { id, subId, label: note.label };
      out.push(anchor);
    }
    if (lastParagraph) out.push(lastParagraph);
    out.push(new TokenClass("footnote_close", "", -1));
  });
  out.push(new TokenClass("footnote_block_close", "", -1));
  return out;
}

/**
 * An entry's HTML made ready for plain text as Publ's `markup=False` gives it: a reference to a note reads `[1]`
 * (it reads `1` in HTML), each note opens with its number (`[1] …`), and the links back to the text (`↩︎`),
 * which mean nothing without links, are left out.
 */
export function notesForPlainText(html: string): string {
  if (!html.includes("footnote-")) return html;
  let n = 0;
  return html
    .replace(/(<sup class="footnote-ref"><a\b[^>]*>)(\d+)(?=<\/a>)/g, "$1[$2]")
    .replace(/<a\b[^>]*\bclass="footnote-backref"[^>]*>[\s\S]*?<\/a>/g, "")
    .replace(/<li\b[^>]*\bclass="footnote-item"[^>]*>\s*(?:<p>)?/g, (open) => `${open}[${++n}] `);
}
