/** Link resolution: every URL an entry contains goes through the context's resolver, and in absolute mode is made absolute. */

import type MarkdownIt from "markdown-it";
import type StateCore from "markdown-it/lib/rules_core/state_core.mjs";
import type Token from "markdown-it/lib/token.mjs";
import { createEnv, renderState, type LinkKind, type MarkdownEnv, type RenderContext } from "./env.js";
import { rewriteHtmlLinks } from "./html-links.js";
import { escapeText } from "./html-scan.js";

// A scheme ("https:", "mailto:", "data:") means the URL is already absolute.
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The URL to emit for `url` under `ctx`'s resolver (decoded for it, see RenderContext), or null to keep it. */
export function resolveUrl(url: string, kind: LinkKind, ctx: RenderContext | undefined): string | null {
  if (!ctx?.resolveLink) return null;
  let target = url;
  try {
    target = decodeURI(url);
  } catch {
    // A stray "%" is not an escape; hand the URL over as written.
  }
  const next = ctx.resolveLink(target, kind);
  // A resolver that hands back what it was given means "unchanged": keep the original, still-encoded URL.
  return next === target ? null : next;
}

/** `url` made absolute against `baseUrl`; URLs with a scheme and empty ones come back unchanged. */
export function absolutizeUrl(url: string, baseUrl: string): string {
  if (url === "" || HAS_SCHEME.test(url)) return url;
  try {
    return new URL(url, baseUrl).href;
  } catch {
    return url;
  }
}

/** Makes every URL attribute in rendered HTML absolute; safe to apply to HTML that already went through the resolver. */
export function absolutizeHtml(html: string, baseUrl: string): string {
  return rewriteHtmlLinks(html, (url) => absolutizeUrl(url, baseUrl));
}

/** An `.html` entry's markup with its links resolved (and made absolute when `ctx.absolute`): the HTML counterpart of renderMarkdown. */
export function renderHtml(html: string, ctx: RenderContext = {}): string {
  createEnv(ctx); // validates the context the same way renderMarkdown does
  let out = ctx.resolveLink ? rewriteHtmlLinks(html, (url, kind) => resolveUrl(url, kind, ctx)) : html;
  if (ctx.absolute) out = absolutizeHtml(out, ctx.baseUrl!);
  return out;
}

/** Installs the link rules: resolve Markdown link and image URLs as tokens, and raw HTML URLs as it is rendered. */
export function linksPlugin(md: MarkdownIt): void {
  md.core.ruler.push("quire_links", resolveTokenLinks);

  md.renderer.rules.html_block = (tokens, idx, _options, env: MarkdownEnv) =>
    rawHtml(tokens[idx]!.content, env);
  md.renderer.rules.html_inline = (tokens, idx, _options, env: MarkdownEnv) =>
    rawHtml(tokens[idx]!.content, env);
}

/** Raw HTML as authored, with its URLs resolved; shown as text where raw HTML is not allowed (headers). */
function rawHtml(content: string, env: MarkdownEnv): string {
  if (env.quireState?.escapeHtml) return escapeText(content);
  const ctx = env.quire;
  if (!ctx?.resolveLink) return content;
  return rewriteHtmlLinks(content, (url, kind) => resolveUrl(url, kind, ctx));
}

/** Core rule: `link_open` hrefs and `image` srcs through the resolver. Tokens with `meta.resolved` are left to their plugin. */
function resolveTokenLinks(state: StateCore): void {
  const env = state.env as MarkdownEnv;
  renderState(env);
  const ctx = env.quire;
  if (!ctx?.resolveLink) return;
  for (const token of state.tokens) {
    if (token.children) resolveChildren(token.children, ctx);
  }
}

function resolveChildren(children: Token[], ctx: RenderContext): void {
  for (const child of children) {
    if (child.meta?.resolved === true) continue;
    const attr = child.type === "link_open" ? "href" : child.type === "image" ? "src" : null;
    if (!attr) continue;
    const url = child.attrGet(attr);
    if (url === null) continue;
    const next = resolveUrl(url, attr === "src" ? "image" : "link", ctx);
    if (next !== null) child.attrSet(attr, next);
  }
}
