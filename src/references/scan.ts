/**
 * What an entry's text points at, line by line: its images (Markdown, Publ's image sets, `<img>` tags) and
 * its links (Markdown, reference definitions, `<a href>`), as `quire check` reads them. Pure: text in, list out.
 */
import { parseImageRef, parseImageSet } from "../image/image-set.js";

/** One image set (a plain image is a set of one) and where it is. */
export interface ImageReference {
  kind: "image";
  /** 1-based line in the file. */
  line: number;
  /** The paths as written, without their `{…}` arguments or titles. */
  paths: string[];
  /** True when the set or each image has alt text (`![text](…)`, `{alt="…"}`, `alt="…"`). */
  hasAlt: boolean;
}

/** One link and where it is. */
export interface LinkReference {
  kind: "link";
  line: number;
  /** The URL as written (entities and `<…>` removed). */
  target: string;
}

export type Reference = ImageReference | LinkReference;

// `[text](url "title")` not preceded by `!`.
const MD_LINK = /(?<!!)\[[^\]\n]*\]\(\s*(<[^>\n]*>|[^\s)]+)(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/g;
// `[label]: url` reference definitions.
const MD_DEFINITION = /^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)/;
const HTML_IMG = /<img\b[^>]*>/gi;
const HTML_LINK = /<a\b[^>]*?\shref\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;

/** Every image and link in an entry file's text (headers skipped), with its line. */
export function entryReferences(text: string, format: "markdown" | "html"): Reference[] {
  const out: Reference[] = [];
  const lines = text.split("\n");
  let fenced = false;
  for (let i = bodyStart(lines); i < lines.length; i++) {
    const raw = lines[i]!;
    const line = i + 1;
    if (format === "markdown") {
      if (/^ {0,3}(```|~~~)/.test(raw)) {
        fenced = !fenced;
        continue;
      }
      // Images and links shown as code (in a fence, indented or in backticks) are not references.
      if (fenced || /^( {4}|\t)/.test(raw)) continue;
    }
    const text = format === "markdown" ? raw.replace(/`[^`]*`/g, (code) => " ".repeat(code.length)) : raw;
    if (format === "markdown") markdownReferences(text, line, out);
    htmlReferences(text, line, out);
  }
  return out;
}

function markdownReferences(text: string, line: number, out: Reference[]): void {
  if (text.includes("![")) {
    for (const [alt, specs] of markdownImages(text)) {
      const set = parseImageSet(alt, specs);
      const paths = set.images.map((img) => img.path).filter(Boolean);
      if (paths.length === 0) continue;
      const hasAlt =
        set.alt.trim() !== "" ||
        hasAltArg(set.args) ||
        (set.images.length > 0 && set.images.every((img) => hasAltArg(img.args)));
      out.push({ kind: "image", line, paths, hasAlt });
    }
  }
  if (text.includes("](")) {
    for (const m of text.matchAll(MD_LINK)) {
      const target = unwrap(m[1]!);
      // `[text](photo.jpg{320})` links to a rendition: the image must be there.
      if (target.includes("{"))
        out.push({ kind: "image", line, paths: [parseImageRef(target).path], hasAlt: true });
      else out.push({ kind: "link", line, target });
    }
  }
  const def = MD_DEFINITION.exec(text);
  if (def) out.push({ kind: "link", line, target: unwrap(def[1]!) });
}

/**
 * The `[alt, specs]` of each `![alt](specs)` on a line. Publ's arguments may hold brackets, parentheses and
 * quoted strings (`{crop=(1,2,3,4), caption="a (b)"}`), so the ends are found by scanning, not by a pattern.
 */
function markdownImages(text: string): [string, string][] {
  const out: [string, string][] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf("![", from);
    if (start < 0) return out;
    const labelEnd = closing(text, start + 1, "[", "]");
    if (labelEnd < 0 || text[labelEnd + 1] !== "(") {
      from = start + 2;
      continue;
    }
    const destEnd = closing(text, labelEnd + 1, "(", ")");
    if (destEnd < 0) return out;
    out.push([text.slice(start + 2, labelEnd), text.slice(labelEnd + 2, destEnd)]);
    from = destEnd + 1;
  }
}

/** The index of the bracket closing the one at `open` (braces and quoted strings skipped), or -1. */
function closing(text: string, open: number, left: string, right: string): number {
  let depth = 0;
  let braces = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === "\\") i++;
    else if (braces > 0 && (c === '"' || c === "'")) quote = c;
    else if (c === "{") braces++;
    else if (c === "}") braces = Math.max(0, braces - 1);
    else if (braces > 0) continue;
    else if (c === '"' && left === "(" && /\s/.test(text[i - 1] ?? "")) quote = c;
    else if (c === left) depth++;
    else if (c === right && --depth === 0) return i;
  }
  return -1;
}

function htmlReferences(text: string, line: number, out: Reference[]): void {
  if (!text.includes("<")) return;
  for (const m of text.matchAll(HTML_IMG)) {
    const src = attribute(m[0], "src");
    if (src === null) continue;
    const ref = parseImageRef(src);
    if (!ref.path) continue;
    // `alt=""` is the author's word that the image is decoration; only a missing attribute is reported.
    out.push({ kind: "image", line, paths: [ref.path], hasAlt: attribute(m[0], "alt") !== null });
  }
  for (const m of text.matchAll(HTML_LINK)) {
    out.push({ kind: "link", line, target: decodeEntities(m[1]!.replace(/^["']|["']$/g, "")) });
  }
}

function hasAltArg(args: Record<string, unknown>): boolean {
  for (const key of ["alt", "alt_text"]) {
    const v = args[key];
    if (typeof v === "string" && v.trim() !== "") return true;
  }
  return false;
}

function attribute(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*("[^"]*"|'[^']*'|[^\\s>]+)`, "i").exec(tag);
  return m ? decodeEntities(m[1]!.replace(/^["']|["']$/g, "")) : null;
}

function unwrap(target: string): string {
  return target.startsWith("<") && target.endsWith(">") ? target.slice(1, -1) : target;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** The index of the first line after the headers: YAML front matter between `---` lines, or Publ's headers up to a blank line. */
function bodyStart(lines: string[]): number {
  if (/^---\s*$/.test(lines[0] ?? "")) {
    const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
    return end < 0 ? lines.length : end + 1;
  }
  // Publ-style headers are `Name: value` lines (and their continuations) up to the first blank line; a file
  // without any starts with its text.
  if (!/^[A-Za-z][A-Za-z0-9_-]*:/.test(lines[0] ?? "")) return 0;
  const blank = lines.findIndex((l) => l.trim() === "");
  return blank < 0 ? lines.length : blank + 1;
}
