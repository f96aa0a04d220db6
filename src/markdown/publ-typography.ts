/**
 * Typography written as Publ's Markdown (misaka with SmartyPants) writes it: typographic quotes, dashes and
 * ellipses as named entities (`&rsquo;`, `&ldquo;`, `&mdash;`…) and strikethrough as `<del>`. A browser shows
 * the same either way; a plain-text template that prints `entry.body` shows the HTML itself, and there a Publ
 * site's output stays as it was.
 */
import type MarkdownIt from "markdown-it";
import { escapeHtml } from "./markdown-it.js";

const ENTITIES: Record<string, string> = {
  "\u2018": "&lsquo;",
  "\u2019": "&rsquo;",
  "\u201c": "&ldquo;",
  "\u201d": "&rdquo;",
  "\u2013": "&ndash;",
  "\u2014": "&mdash;",
  "\u2026": "&hellip;",
};
const TYPOGRAPHIC = /[\u2018\u2019\u201c\u201d\u2013\u2014\u2026]/g;

/** Text with its typographic characters as the named entities SmartyPants writes, HTML-escaped. */
export function typographicEntities(text: string): string {
  return escapeHtml(text).replace(TYPOGRAPHIC, (c) => ENTITIES[c]!);
}

/** Installs the renderer rules: entities in text, `<del>` for `~~struck~~` text. */
export function publTypographyPlugin(md: MarkdownIt): void {
  md.renderer.rules.text = (tokens, idx) => typographicEntities(tokens[idx]!.content);
  md.renderer.rules.s_open = () => "<del>";
  md.renderer.rules.s_close = () => "</del>";
}
