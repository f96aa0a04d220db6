/**
 * Heading ids, self-links and the table of contents.
 *
 * Each heading gets an id slugified from its text, unique across the entry's body and more
 * (`intro`, `intro-1`, …). Its content is wrapped in a self-link, `<h2 id="x"><a class="heading-anchor"
 * href="#x">Text</a></h2>`: the link's accessible name is the heading text itself, so screen readers
 * announce the heading once and keyboard users can reach and copy the anchor. Themes style
 * `.heading-anchor` to look like the heading (colour inherited, no underline). A heading that already
 * contains a link (or a footnote marker) keeps its id but gets no self-link, since links must not nest;
 * an empty heading gets neither id nor TOC line.
 */

import type MarkdownIt from "markdown-it";
import type StateCore from "markdown-it/lib/rules_core/state_core.mjs";
import type Token from "markdown-it/lib/token.mjs";
import { renderState, type MarkdownEnv, type TocItem } from "./env.js";
import { escapeText } from "./html-scan.js";
import { slugify } from "./slugify.js";

/** Installs heading ids (a core rule) and the self-link markup (renderer rules). */
export function headingsPlugin(md: MarkdownIt): void {
  md.core.ruler.push("quire_heading_ids", assignHeadingIds);

  md.renderer.rules.heading_open = (tokens, idx, options, _env, self) => {
    const token = tokens[idx]!;
    const open = self.renderToken(tokens, idx, options);
    const id = token.attrGet("id");
    if (!id || !token.meta?.selfLink) return open;
    return `${open}<a class="heading-anchor" href="#${fragment(id)}">`;
  };
  md.renderer.rules.heading_close = (tokens, idx, options, _env, self) => {
    const open = tokens[findOpen(tokens, idx)];
    const close = self.renderToken(tokens, idx, options);
    return open?.meta?.selfLink && open.attrGet("id") ? `</a>${close}` : close;
  };
}

/** Core rule: give every heading outside footnote definitions a unique id and record it for the TOC. */
function assignHeadingIds(state: StateCore): void {
  if (state.inlineMode) return;
  const rs = renderState(state.env as MarkdownEnv);
  const tokens = state.tokens;
  let inFootnote = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === "footnote_reference_open") inFootnote++;
    else if (token.type === "footnote_reference_close") inFootnote--;
    if (token.type !== "heading_open" || inFootnote > 0) continue;
    const children = tokens[i + 1]?.children ?? [];
    const text = inlineText(children).replace(/\s+/g, " ").trim();
    // An empty heading would be an empty link and an empty TOC line: it gets neither.
    if (!text && token.attrGet("id") === null) continue;
    // An author's explicit id (from a plugin) wins; it still reserves the name.
    const id = token.attrGet("id") ?? uniqueId(slugify(text) || "section", rs.ids);
    rs.ids.add(id);
    token.attrSet("id", id);
    token.meta = { ...token.meta, selfLink: !containsLink(children) };
    rs.headings.push({ level: Number(token.tag.slice(1)), id, text });
  }
}

/** An id as a URL fragment: Unicode kept readable (browsers match it to the id), only unsafe characters escaped. */
function fragment(id: string): string {
  return escapeText(id.replace(/[\s"#%<>\\^`{|}]/g, (c) => encodeURIComponent(c)));
}

/** `base`, or `base-1`, `base-2`… whichever is not taken yet. */
function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 1; used.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** The visible text of inline tokens: text and code as written, images by their alt text, raw HTML dropped. */
export function inlineText(children: readonly Token[]): string {
  let out = "";
  for (const t of children) {
    if (t.type === "text" || t.type === "code_inline") out += t.content;
    else if (t.type === "softbreak" || t.type === "hardbreak") out += " ";
    else if (t.type === "image" && t.children) out += inlineText(t.children);
  }
  return out;
}

function containsLink(children: readonly Token[]): boolean {
  return children.some(
    (t) =>
      t.type === "link_open" ||
      t.type === "footnote_ref" ||
      (t.type === "html_inline" && /^<a[\s>]/i.test(t.content)),
  );
}

/** Index of the heading_open matching the heading_close at `idx`. */
function findOpen(tokens: Token[], idx: number): number {
  let i = idx - 1;
  while (i >= 0 && tokens[i]!.type !== "heading_open") i--;
  return i;
}

/** Nests headings in document order into a tree by level (an `h4` after an `h2` becomes its child). */
export function buildToc(headings: ReadonlyArray<Omit<TocItem, "children">>): TocItem[] {
  const root: TocItem[] = [];
  const stack: TocItem[] = [];
  for (const h of headings) {
    const item: TocItem = { level: h.level, id: h.id, text: h.text, children: [] };
    while (stack.length > 0 && stack[stack.length - 1]!.level >= item.level) stack.pop();
    (stack.length > 0 ? stack[stack.length - 1]!.children : root).push(item);
    stack.push(item);
  }
  return root;
}

/** Options for renderToc. */
export interface TocOptions {
  /** `<ol>` (default, as in Publ) or `<ul>`. */
  ordered?: boolean;
  /** Leave out items nested deeper than this many levels (1 = top level only). */
  maxDepth?: number;
  /** Prefix for the links, e.g. an entry's permalink when the TOC is shown on another page. */
  linkBase?: string;
}

/** The TOC as nested `<ol>` (or `<ul>`) lists of links to the headings; `""` when there are none. */
export function renderToc(toc: readonly TocItem[], options: TocOptions = {}): string {
  const tag = options.ordered === false ? "ul" : "ol";
  const base = escapeText(options.linkBase ?? "");
  const list = (items: readonly TocItem[], depth: number): string => {
    if (items.length === 0 || (options.maxDepth !== undefined && depth > options.maxDepth)) return "";
    const lis = items.map(
      (item) =>
        `<li><a href="${base}#${fragment(item.id)}">${escapeText(item.text)}</a>` +
        `${list(item.children, depth + 1)}</li>`,
    );
    return `<${tag}>${lis.join("")}</${tag}>`;
  };
  return list(toc, 1);
}
