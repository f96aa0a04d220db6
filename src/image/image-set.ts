/** Image sets (pure): `alt{set args}` + `a.jpg{args} "title" | b.png{…}` parsed into the data a renderer receives. */
import { isQuireError } from "../errors.js";
import { decodeEntities } from "./html-tag.js";
import type { ArgMap } from "./image-args.js";
import { parseImageArgs } from "./image-args.js";

/** One image of a set, as the author wrote it. */
export interface ImageRef {
  /** The path or URL, without its `{…}`. */
  path: string;
  /** Per-image arguments (raw; merged over the set's and validated at render time). */
  args: ArgMap;
  title: string | null;
  /** Set when this image's spec could not be parsed; the renderer shows it instead of the image. */
  error?: string;
}

/** What `env.quire.renderImageSet(set)` receives for `![alt{args}](a.jpg{…} "title" | b.jpg)`. */
export interface ImageSet {
  /** Alt text without its `{…}`, shared by every image of the set. */
  alt: string;
  /** Set-wide arguments from the alt text's `{…}`. */
  args: ArgMap;
  images: ImageRef[];
  /** Set when the set-wide arguments could not be parsed. */
  error?: string;
  /** The `caption` argument already rendered as inline Markdown, when a Markdown renderer was at hand. */
  captionHtml?: string;
}

/** Parse the bracketed alt text and the parenthesised spec list of an image set; never throws. */
export function parseImageSet(alt: string, specs: string): ImageSet {
  const set: ImageSet = { alt: alt.trim(), args: {}, images: [] };
  try {
    const split = splitArgs(alt);
    set.alt = decodeEntities(split.text.trim());
    if (split.args !== null) set.args = parseImageArgs(split.args);
  } catch (err) {
    set.error = message(err);
  }
  for (const spec of splitTopLevel(specs, "|")) {
    if (spec.trim() !== "") set.images.push(parseImageRef(spec));
  }
  return set;
}

/** Parse one `path{args} "title"`; a bad spec comes back with `error` set rather than thrown. */
export function parseImageRef(spec: string): ImageRef {
  let rest = spec.trim();
  let title: string | null = null;
  const quote = titleStart(rest);
  if (quote >= 0) {
    // As Publ does, the title's character references are decoded (`&amp;` is `&`).
    title = decodeEntities(rest.slice(quote + 1, -1).replace(/\\(.)/g, "$1"));
    rest = rest.slice(0, quote).trim();
  }
  try {
    const split = splitArgs(rest);
    const path = split.text.trim().replace(/^<(.*)>$/, "$1");
    return { path, args: split.args === null ? {} : parseImageArgs(split.args), title };
  } catch (err) {
    return { path: rest.replace(/\{[\s\S]*$/, "").trim(), args: {}, title, error: message(err) };
  }
}

/** `text{args}` → the text and the argument text; `args` is null when there is no trailing `{…}`. */
export function splitArgs(text: string): { text: string; args: string | null } {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith("}")) return { text, args: null };
  const open = topLevelIndex(trimmed, "{");
  if (open < 0) return { text, args: null };
  const close = matchingBrace(trimmed, open);
  if (close !== trimmed.length - 1) throw new Error(`unbalanced braces in ${JSON.stringify(clip(trimmed))}`);
  return { text: trimmed.slice(0, open), args: trimmed.slice(open + 1, close) };
}

/** Split on `sep` where it is outside `{…}` and outside quoted titles. */
export function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  scan(text, (i, c) => {
    if (c === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    return false;
  });
  parts.push(text.slice(start));
  return parts;
}

/** Index of the `"` that opens a trailing title (outside braces, after whitespace), or -1. */
function titleStart(spec: string): number {
  if (!spec.endsWith('"') || spec.length < 2) return -1;
  let found = -1;
  scan(
    spec,
    (i, c) => {
      if (c === '"' && i > 0 && /\s/.test(spec[i - 1] as string)) {
        found = i;
        return true;
      }
      return false;
    },
    false,
  );
  return found === spec.length - 1 ? -1 : found;
}

function topLevelIndex(text: string, target: string): number {
  let found = -1;
  scan(
    text,
    (i, c) => {
      if (c === target) {
        found = i;
        return true;
      }
      return false;
    },
    false,
  );
  return found;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}

/**
 * Walk `text` calling `visit` for each character at top level (outside `{…}` and its quoted strings, and — when
 * `skipTitles` — outside `"…"` titles). `visit` answers true to stop.
 */
function scan(text: string, visit: (i: number, c: string) => boolean, skipTitles = true): void {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (depth > 0) {
      if (c === '"' || c === "'") quote = c;
      else if (c === "{") depth++;
      else if (c === "}") depth--;
      continue;
    }
    if (c === "{") {
      if (visit(i, c)) return;
      depth++;
    } else if (c === '"' && skipTitles) {
      quote = c;
    } else if (visit(i, c)) {
      return;
    }
  }
}

function message(err: unknown): string {
  if (isQuireError(err)) return err.message;
  return err instanceof Error ? err.message : String(err);
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
