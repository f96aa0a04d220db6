/**
 * markdown-it and its string helpers, loaded from the package's one-file CommonJS build: its ES module
 * build is about a hundred files, which costs every process start (server, indexing thread) ~13 ms more.
 */
import { createRequire } from "node:module";
import type MarkdownItClass from "markdown-it";

/** The markdown-it constructor (also usable as the instance type). */
export const MarkdownIt = createRequire(import.meta.url)("markdown-it") as typeof MarkdownItClass;
export type MarkdownIt = MarkdownItClass;

// The CommonJS build exposes its helpers only on instances; one bare instance lends them to everyone.
const utils = new MarkdownIt("zero").utils;

/** Escapes `&`, `<`, `>` and `"` for HTML text and attribute values. */
export const escapeHtml: (text: string) => string = utils.escapeHtml;

/** Resolves backslash escapes and HTML entities, as markdown-it does for link targets and info strings. */
export const unescapeAll: (text: string) => string = utils.unescapeAll;
