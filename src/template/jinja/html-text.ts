/** Publ's HTML filters: `strip_html` (text without tags, some tags or elements kept or dropped) and
 *  `first_paragraph` (the HTML up to the end of the first paragraph that has text). */
import { SafeString } from "./python.js";

const TAG = /<!--[\s\S]*?-->|<(\/?)([A-Za-z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
const ATTR = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** Python's `html.unescape` for the entities that occur in rendered entries. */
export function unescapeHtml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const n = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) ? String.fromCodePoint(n) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

function list(v: unknown): Set<string> {
  if (v === null || v === undefined) return new Set();
  if (Array.isArray(v)) return new Set(v.map(String));
  return new Set([String(v)]);
}

function attrs(raw: string): [string, string | null][] {
  const out: [string, string | null][] = [];
  for (const m of raw.matchAll(ATTR)) out.push([m[1]!.toLowerCase(), m[2] ?? m[3] ?? m[4] ?? null]);
  return out;
}

function makeTag(tag: string, attributes: [string, string | null][], selfClosing: boolean): string {
  const a = attributes
    .map(([k, v]) => (v === null ? ` ${k}` : ` ${k}="${v.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"`))
    .join("");
  return `<${tag}${a}${selfClosing ? " /" : ""}>`;
}

/** Publ's `strip_html(text, allowed_tags=None, allowed_attrs=None, remove_elements=None)`. */
export function stripHtml(
  html: string,
  allowedTags?: unknown,
  allowedAttrs?: unknown,
  removeElements?: unknown,
): string {
  const allowed = list(allowedTags);
  const keepAttrs = list(allowedAttrs);
  const remove = list(removeElements);
  let depth = 0;
  let out = "";
  let last = 0;
  for (const m of html.matchAll(TAG)) {
    if (depth === 0) out += html.slice(last, m.index);
    last = m.index! + m[0].length;
    if (m[0].startsWith("<!--")) continue;
    const [, close, rawName, rawAttrs, selfClose] = m;
    const tag = rawName!.toLowerCase();
    if (allowed.has(tag)) {
      out += close
        ? `</${tag}>`
        : makeTag(
            tag,
            attrs(rawAttrs!).filter(([k]) => keepAttrs.has(k)),
            Boolean(selfClose),
          );
    } else if (remove.has(tag) && !selfClose) depth = Math.max(0, depth + (close ? -1 : 1));
  }
  if (depth === 0) out += html.slice(last);
  return unescapeHtml(out).replace(/ +/g, " ").trim();
}

/** Publ's `first_paragraph(html)`: everything up to the end of the first `<p>` (or top-level element) with text. */
export function firstParagraph(html: string): unknown {
  let consume = true;
  let found = false;
  const stack: string[] = [];
  let out = "";
  let last = 0;
  const data = (text: string) => {
    if (consume && text.trim()) {
      found = true;
      out += text;
    }
  };
  for (const m of html.matchAll(TAG)) {
    data(html.slice(last, m.index));
    last = m.index! + m[0].length;
    if (m[0].startsWith("<!--")) continue;
    const [, close, rawName, rawAttrs, selfClose] = m;
    const tag = rawName!.toLowerCase();
    if (selfClose) {
      if (consume) out += makeTag(tag, attrs(rawAttrs!), true);
    } else if (!close) {
      if (tag === "table") consume = false;
      if (tag === "p" && found) consume = false;
      stack.push(tag);
      if (consume) out += makeTag(tag, attrs(rawAttrs!), false);
    } else {
      while (stack.length && stack.pop() !== tag);
      if (consume) out += `</${tag}>`;
      if (tag === "table" && !found) consume = true;
      if ((stack.length === 0 || tag === "p") && found) consume = false;
    }
  }
  data(html.slice(last));
  return new SafeString(out.replace(/<p> *<\/p>/g, ""));
}
