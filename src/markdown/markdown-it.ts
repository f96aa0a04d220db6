/**
 * markdown-it and its string helpers, loaded from the package's one-file CommonJS build (its ES module
 * build is about a hundred files), and only when first used: `quire index` slugs plain titles without
 * it, which keeps ~15 ms off every index run.
 */
import { createRequire } from "node:module";
import type { default as MarkdownItClass, Options, PresetName } from "markdown-it";

export type MarkdownIt = MarkdownItClass;
type MarkdownItConstructor = typeof MarkdownItClass;

const require = createRequire(import.meta.url);
let constructor: MarkdownItConstructor | undefined;
let utils: MarkdownItClass["utils"] | undefined;

/** The markdown-it constructor, loaded on the first call. */
export function markdownIt(): MarkdownItConstructor {
  return (constructor ??= require("markdown-it") as MarkdownItConstructor);
}

/** A new markdown-it instance: `newMarkdownIt("default", options)`. */
export function newMarkdownIt(preset: PresetName, options?: Options): MarkdownIt {
  const MarkdownIt = markdownIt();
  return options === undefined ? new MarkdownIt(preset) : new MarkdownIt(preset, options);
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Escapes `&`, `<`, `>` and `"` for HTML text and attribute values (as markdown-it's own `escapeHtml`). */
export function escapeHtml(text: string): string {
  return /[&<>"]/.test(text) ? text.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]!) : text;
}

/** Resolves backslash escapes and HTML entities, as markdown-it does for link targets and info strings. */
export function unescapeAll(text: string): string {
  // The CommonJS build exposes its helpers only on instances; one bare instance lends them to everyone.
  utils ??= newMarkdownIt("zero").utils;
  return utils.unescapeAll(text);
}
