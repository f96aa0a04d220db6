/**
 * Publ's `$` attributes in raw HTML: `<img $data-ondemand="photo.jpg{192,192}">` becomes
 * `data-ondemand="<rendition URL>"`, a `$` before any attribute name making its value a path the entry resolves
 * (a rendition with `{…}`, an entry, a file), and `href="photo.jpg{640}"` links to a rendition. Pure: the caller
 * says how a path becomes a URL.
 */
import type { StateInline } from "markdown-it";
import type MarkdownIt from "markdown-it";
import { escapeText, scanHtml } from "../markdown/html-scan.js";
import { decodeEntities } from "./html-tag.js";
import { parseImageRef } from "./image-set.js";
import type { ArgMap } from "./image-args.js";

/** Turns an attribute's path into a URL: `image` for a rendition (path and `{…}` arguments), `link` otherwise. */
export interface AttrResolver {
  image(path: string, args: ArgMap): string | null;
  link(path: string): string | null;
}

/** The `$`-attributes and rendition `href`s of every tag rewritten; the rest of `html` kept byte for byte. */
export function rewriteAttrRenditions(html: string, resolve: AttrResolver): string {
  if (!/\$|\}\s*["']?/.test(html)) return html;
  let out = "";
  let copied = 0;
  scanHtml(html, (piece) => {
    if (piece.type !== "tag" || piece.closing || !piece.attrs) return;
    for (const attr of piece.attrs) {
      const dollar = attr.name.startsWith("$") && attr.name.length > 1;
      if (attr.value === null || (!dollar && attr.name !== "href")) continue;
      const value = decodeEntities(attr.value);
      const withArgs = /\}\s*$/.test(value);
      if (!dollar && !withArgs) continue;
      let url: string | null = null;
      if (withArgs) {
        const ref = parseImageRef(value);
        if (!ref.error) url = resolve.image(ref.path, ref.args);
      } else url = resolve.image(value, {}) ?? resolve.link(value);
      const name = dollar ? attr.name.slice(1) : attr.name;
      out += `${html.slice(copied, attr.start)}${name}="${escapeText(url ?? value)}"`;
      copied = attr.end;
    }
  });
  return copied === 0 ? html : out + html.slice(copied);
}

// An opening tag whose attribute names may start with `$` (markdown-it's own HTML rule refuses them).
const DOLLAR_TAG =
  /^<[A-Za-z][A-Za-z0-9-]*(?:\s+\$?[A-Za-z_:][A-Za-z0-9:._-]*(?:\s*=\s*(?:[^"'=<>`\s]+|'[^']*'|"[^"]*"))?)*\s*\/?>/;

/** An inline rule that keeps a tag with `$` attributes as raw HTML, where markdown-it would show it as text. */
export function dollarAttributesPlugin(md: MarkdownIt): void {
  md.inline.ruler.before("html_inline", "quire_dollar_tag", (state: StateInline, silent: boolean) => {
    if (!state.md.options.html || state.src.charCodeAt(state.pos) !== 0x3c /* < */) return false;
    const m = DOLLAR_TAG.exec(state.src.slice(state.pos, state.pos + 4096));
    if (!m || !/\s\$[A-Za-z_:]/.test(m[0])) return false;
    if (!silent) state.push("html_inline", "", 0).content = m[0];
    state.pos += m[0].length;
    return true;
  });
}
