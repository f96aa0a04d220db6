/** A small forgiving HTML tokenizer (tags, attributes, text, comments): enough to rewrite URLs and pull out text without a DOM. */

import { escapeHtml, unescapeAll } from "./markdown-it.js";

/** One attribute of a tag; positions index the scanned string. */
export interface HtmlAttr {
  /** Lowercased name. */
  name: string;
  /** Raw value as written (entities not decoded); null for a bare attribute such as `async`. */
  value: string | null;
  /** Start of the attribute's name. */
  start: number;
  /** End of the whole attribute, including a closing quote. */
  end: number;
}

/** A piece of HTML: text, a tag, a comment/doctype, or the raw content of `<script>`-like elements. */
export interface HtmlPiece {
  type: "text" | "tag" | "comment" | "rawtext";
  start: number;
  end: number;
  /** Lowercased tag name (for `tag` and `rawtext`, the element it belongs to). */
  name?: string;
  closing?: boolean;
  attrs?: HtmlAttr[];
}

// Elements whose content is not markup: a "<img src=…>" inside a script string is not an image.
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp"]);

const isSpace = (c: string | undefined): boolean =>
  c === " " || c === "\n" || c === "\t" || c === "\r" || c === "\f";
const isLetter = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);

/**
 * Calls `visit` for every piece of `html` in order, until it returns true; malformed markup is passed
 * over as text, never thrown on.
 */
export function scanHtml(html: string, visit: (piece: HtmlPiece) => boolean | void): void {
  let i = 0;
  let textStart = 0;
  const emit = (piece: HtmlPiece): boolean => visit(piece) === true;
  const flushText = (end: number): boolean =>
    end > textStart && emit({ type: "text", start: textStart, end });
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    if (lt < 0) break;
    const next = html[lt + 1];
    if (next === "!" || next === "?") {
      const close = html.startsWith("<!--", lt) ? "-->" : html.startsWith("<![CDATA[", lt) ? "]]>" : ">";
      const found = html.indexOf(close, lt + 2);
      const end = found < 0 ? html.length : found + close.length;
      if (flushText(lt) || emit({ type: "comment", start: lt, end })) return;
      i = textStart = end;
      continue;
    }
    const closing = next === "/";
    const nameStart = closing ? lt + 2 : lt + 1;
    if (!isLetter(html[nameStart])) {
      i = lt + 1;
      continue;
    }
    const tag = parseTag(html, lt, nameStart, closing);
    if (!tag) break; // an unterminated tag: leave the rest as it is
    if (flushText(lt) || emit(tag)) return;
    i = textStart = tag.end;
    if (!closing && RAW_TEXT.has(tag.name!)) {
      const endTag = findEndTag(html, tag.end, tag.name!);
      if (endTag > tag.end && emit({ type: "rawtext", start: tag.end, end: endTag, name: tag.name! })) return;
      i = textStart = endTag;
    }
  }
  flushText(html.length);
}

/** Parses one start or end tag at `lt`; null when it never closes. */
function parseTag(html: string, lt: number, nameStart: number, closing: boolean): HtmlPiece | null {
  let pos = nameStart;
  while (pos < html.length && !isSpace(html[pos]) && html[pos] !== "/" && html[pos] !== ">") pos++;
  const name = html.slice(nameStart, pos).toLowerCase();
  const attrs: HtmlAttr[] = [];
  for (;;) {
    while (pos < html.length && (isSpace(html[pos]) || html[pos] === "/")) pos++;
    if (pos >= html.length) return null;
    if (html[pos] === ">") break;
    const start = pos;
    // As in the HTML spec, a leading "=" belongs to the name rather than starting a value.
    pos++;
    while (pos < html.length && !isSpace(html[pos]) && !"/>=".includes(html[pos]!)) pos++;
    const attrName = html.slice(start, pos).toLowerCase();
    let p = pos;
    while (p < html.length && isSpace(html[p])) p++;
    let value: string | null = null;
    if (html[p] === "=") {
      p++;
      while (p < html.length && isSpace(html[p])) p++;
      const quote = html[p];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, p + 1);
        if (close < 0) return null;
        value = html.slice(p + 1, close);
        pos = close + 1;
      } else {
        const vStart = p;
        while (p < html.length && !isSpace(html[p]) && html[p] !== ">") p++;
        value = html.slice(vStart, p);
        pos = p;
      }
    }
    attrs.push({ name: attrName, value, start, end: pos });
  }
  return { type: "tag", start: lt, end: pos + 1, name, closing, attrs };
}

/** Index of `</name` (any case) at or after `from`, or the end of the string. */
function findEndTag(html: string, from: number, name: string): number {
  const re = new RegExp(`</${name}(?=[\\s/>])`, "gi");
  re.lastIndex = from;
  const m = re.exec(html);
  return m ? m.index : html.length;
}

/** Decodes HTML entities (`&amp;`, `&#8217;`, `&eacute;`) and nothing else. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  // unescapeAll also removes Markdown backslash escapes, so it only ever sees the entity itself.
  return text.replace(/&[a-z#][a-z0-9]{1,31};/gi, (entity) => unescapeAll(entity));
}

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeText(text: string): string {
  return escapeHtml(text);
}
