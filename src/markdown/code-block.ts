/**
 * Fenced code blocks: server-side highlighting by highlight.js (CSS classes only, never inline styles)
 * and Publ's caption line.
 *
 * As in Publ, the language is the first word of the fence's info string (Publ's `{…}` arguments after
 * it are ignored), and a block whose first line starts with `!` takes the rest of that line as its
 * caption, rendered as inline Markdown: the block becomes `<figure class="blockcode"><figcaption>…
 * </figcaption><pre>…</pre></figure>`. A first line starting `\!` is code that begins with `!`, and a
 * leading blank line is dropped, both as in Publ.
 */

import { createRequire } from "node:module";
import type { HLJSApi } from "highlight.js";
import type MarkdownIt from "markdown-it";
import { unescapeAll } from "./markdown-it.js";
import type { MarkdownEnv } from "./env.js";
import { escapeText } from "./html-scan.js";

/** Installs the fence renderer. */
export function codeBlockPlugin(md: MarkdownIt): void {
  md.renderer.rules.fence = (tokens, idx, _options, env: MarkdownEnv) => {
    const token = tokens[idx]!;
    const { caption, code } = splitCaption(token.content);
    const pre = renderCode(code, fenceLanguage(token.info));
    if (caption === null) return `${pre}\n`;
    const captionHtml = md.renderInline(caption, env).trim();
    if (!captionHtml) return `${pre}\n`;
    return `<figure class="blockcode"><figcaption>${captionHtml}</figcaption>${pre}</figure>\n`;
  };
}

/** The language named by a fence's info string: its first word, without Publ's `{…}` arguments. */
export function fenceLanguage(info: string): string {
  const first = unescapeAll(info).trim().split(/\s+/)[0] ?? "";
  return first.replace(/\{.*$/, "");
}

/** Publ's caption convention: a first line `!caption` is the caption; `\!` escapes it; a leading blank line goes. */
export function splitCaption(content: string): { caption: string | null; code: string } {
  if (content.startsWith("!")) {
    const nl = content.indexOf("\n");
    return nl < 0
      ? { caption: content.slice(1).trim(), code: "" }
      : { caption: content.slice(1, nl).trim(), code: content.slice(nl + 1) };
  }
  if (content.startsWith("\\!") || content.startsWith("\n")) return { caption: null, code: content.slice(1) };
  return { caption: null, code: content };
}

const requireHljs = createRequire(import.meta.url);
let common: HLJSApi | undefined;
let full: HLJSApi | undefined;

/**
 * highlight.js for `language`, or null when it has no such language. Loading every language costs over
 * 100 ms, so the common set (the same core instance) is loaded on the first code block, and the rest only
 * when a block names a language outside it.
 */
function highlighterFor(language: string): HLJSApi | null {
  common ??= requireHljs("highlight.js/lib/common") as HLJSApi;
  if (common.getLanguage(language)) return common;
  full ??= requireHljs("highlight.js") as HLJSApi;
  return full.getLanguage(language) ? full : null;
}

/** Loads highlight.js with its common languages now, rather than at the first code block. */
export function loadHighlighter(): void {
  highlighterFor("plaintext");
}

/** `<pre><code class="language-x hljs">` with highlight.js's class spans, or escaped plainly for an unknown or absent language. */
export function renderCode(code: string, language: string): string {
  if (!language) return `<pre><code>${escapeText(code)}</code></pre>`;
  const langClass = `language-${escapeText(language)}`;
  const hljs = highlighterFor(language);
  if (!hljs) return `<pre><code class="${langClass}">${escapeText(code)}</code></pre>`;
  const html = hljs.highlight(code, { language, ignoreIllegals: true }).value;
  return `<pre><code class="${langClass} hljs">${html}</code></pre>`;
}
