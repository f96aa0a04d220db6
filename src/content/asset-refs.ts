/**
 * Which files under content/ an entry may refer to, read from its text without rendering it: the index keeps
 * them so that a file only private entries use is served only to readers one of those entries admits.
 * It errs towards finding too much (a path-like word that names no file costs a row and nothing else).
 */
import { posix } from "node:path";

/** At most this many paths are kept per entry, so a hostile file cannot grow the index without bound. */
export const MAX_REFERENCES = 2000;

// `](target)`, the target up to the closing parenthesis on its line (spaces allowed, as links may have them).
// Bounded, so that a line of `](` without a `)` costs linear time, not quadratic.
const LINK_TARGET = /\]\(([^)\n]{0,1000})\)/g;
// `[label]: target` reference definitions.
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)/gm;
// Any quoted HTML attribute value (src, href, srcset, Publ's `$data-…`), whatever the attribute's name.
const ATTRIBUTE_VALUE = /=[ \t]{0,20}(["'])([^"'\n]{0,1000})\1/g;
// Words end at spaces and Markdown punctuation, and a word that ends in a dot and an extension, trailing
// punctuation aside, looks like a file name. Only the words around a dot followed by a letter or digit are
// looked at: splitting all the text into words cost most of the time of a 10,000-entry index's extraction.
const BREAK = /[\s"'<>()[\]|{}`*=,;]/;
/** BREAK for each ASCII character (1: breaks); other characters are tested with BREAK itself. */
const ASCII_BREAK = new Uint8Array(128).map((_, code) => (BREAK.test(String.fromCharCode(code)) ? 1 : 0));
const DOT_EXTENSION = /\.[A-Za-z0-9]/g;
const FILE_WORD = /^(.+\.[A-Za-z0-9]{1,10})[.:!?]*$/;
const MAX_WORD = 1000;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
// A name without a folder, an escape, a query or a fragment, that is not `.` or `..` nor starts with `@`.
const BARE_NAME = /^(?!\.\.?$)[^@/%?#][^/%?#]*$/;

/**
 * The content paths (relative to content/, `/`-separated) that an entry file's text may link to or show:
 * each written target resolved as the renderer resolves it (beside the entry, in its category, from
 * content/), for Markdown links and images (Publ's image sets too), reference definitions, HTML attributes
 * and bare file names.
 */
export function referencedAssets(entryFile: string, category: string, text: string): string[] {
  const written = new Set<string>();
  // Each pattern needs its two characters: most entries have no link or reference definition at all.
  if (text.includes("]("))
    for (const m of text.matchAll(LINK_TARGET))
      for (const part of m[1]!.split("|")) written.add(linkTarget(part));
  if (text.includes("]:")) for (const m of text.matchAll(REFERENCE_DEFINITION)) written.add(m[1]!);
  if (text.includes("="))
    for (const m of text.matchAll(ATTRIBUTE_VALUE))
      for (const part of m[2]!.split(",")) written.add(part.trim().split(/\s+/)[0]!);
  for (const word of dottedWords(text)) {
    const m = FILE_WORD.exec(word);
    if (m) written.add(m[1]!);
  }
  const folder = posix.dirname(entryFile) === "." ? "" : posix.dirname(entryFile);
  const out = new Set<string>();
  for (const target of written) {
    for (const path of resolvedPaths(target, folder, category)) {
      if (out.size >= MAX_REFERENCES) return [...out];
      out.add(path);
    }
  }
  return [...out];
}

/**
 * The words (runs between break characters, at most MAX_WORD long) that hold a dot followed by a letter or
 * digit, each once. Linear: the scan resumes after the end of the word it found.
 */
function dottedWords(text: string): string[] {
  const words: string[] = [];
  const breaks = (i: number): boolean => {
    const code = text.charCodeAt(i);
    return code < 128 ? ASCII_BREAK[code] === 1 : BREAK.test(text[i]!);
  };
  DOT_EXTENSION.lastIndex = 0;
  for (let m = DOT_EXTENSION.exec(text); m; m = DOT_EXTENSION.exec(text)) {
    let start = m.index;
    while (start > 0 && !breaks(start - 1) && m.index - start <= MAX_WORD) start--;
    let end = m.index + 1;
    while (end < text.length && !breaks(end) && end - start <= MAX_WORD) end++;
    if (end - start <= MAX_WORD) words.push(text.slice(start, end));
    DOT_EXTENSION.lastIndex = end;
  }
  return words;
}

/** One image or link of a `](…)` target: without `{arguments}`, a `"title"` and `<…>` brackets. */
function linkTarget(part: string): string {
  let s = part.replace(/\{[^}]*\}?/g, "").trim();
  s = s.replace(/\s+(?:"[^"]*"|'[^']*')\s*$/, "").trim();
  if (s.startsWith("<") && s.endsWith(">")) s = s.slice(1, -1);
  return s.trim();
}

/** The content paths a written target may name, as the renderer tries them. */
function resolvedPaths(target: string, folder: string, category: string): string[] {
  // Most targets are a bare name (`photo.jpg`, and the dotted words of code): nothing to split, decode or
  // normalise, so the joins are plain concatenation (`folder` is a normalised dirname).
  if (BARE_NAME.test(target) && !HAS_SCHEME.test(target)) {
    const beside = folder === "" ? target : `${folder}/${target}`;
    return inside([beside, category === folder ? beside : posix.join(category, target), target]);
  }
  let path = target.split(/[?#]/, 1)[0]!;
  if (path === "" || path.startsWith("@") || path.startsWith("//") || HAS_SCHEME.test(path)) return [];
  try {
    path = decodeURI(path);
  } catch {
    // A stray "%" is not an escape: the renderer keeps it as written too.
  }
  if (path.startsWith("/_file/")) path = path.slice("/_file".length);
  if (path.startsWith("/")) return inside([posix.normalize(path).slice(1)]);
  return inside([posix.join(folder, path), posix.join(category, path), posix.normalize(path)]);
}

function inside(paths: string[]): string[] {
  return paths.filter((p) => p !== "" && p !== "." && !p.startsWith("..") && !p.startsWith("/"));
}
