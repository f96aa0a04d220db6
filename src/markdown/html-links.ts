/** URL rewriting inside HTML: `href`, `src`, `srcset` and `poster` of every tag, for raw HTML in Markdown and for `.html` entries. */

import type { LinkKind } from "./env.js";
import { decodeEntities, escapeText, scanHtml, type HtmlAttr, type HtmlPiece } from "./html-scan.js";

/** Maps one URL (entities already decoded) to its replacement, or null to keep it. */
export type UrlRewriter = (url: string, kind: LinkKind) => string | null;

// Tags whose `src` is something shown in the page rather than a link target.
const IMAGE_TAGS = new Set(["img", "source", "picture", "image", "input", "video", "audio", "track"]);

/** Rewrites the URL attributes of every tag in `html`; everything else, including attribute quoting it does not change, is kept byte for byte. */
export function rewriteHtmlLinks(html: string, rewrite: UrlRewriter): string {
  // Fast path: most paragraphs of raw HTML carry no URL at all.
  if (!/href|src|poster/i.test(html)) return html;
  let out = "";
  let copied = 0;
  scanHtml(html, (piece: HtmlPiece) => {
    if (piece.type !== "tag" || piece.closing || !piece.attrs) return;
    for (const attr of piece.attrs) {
      const replacement = rewriteAttr(attr, piece.name!, rewrite);
      if (replacement === null) continue;
      out += html.slice(copied, attr.start) + replacement;
      copied = attr.end;
    }
  });
  return copied === 0 ? html : out + html.slice(copied);
}

/** The new text of one attribute, or null when it is not a URL attribute or its URL stays the same. */
function rewriteAttr(attr: HtmlAttr, tag: string, rewrite: UrlRewriter): string | null {
  if (attr.value === null) return null;
  const value = decodeEntities(attr.value);
  let next: string | null;
  switch (attr.name) {
    case "href":
      next = rewrite(value, "link");
      break;
    case "src":
      next = rewrite(value, IMAGE_TAGS.has(tag) ? "image" : "link");
      break;
    case "poster":
      next = rewrite(value, "image");
      break;
    case "srcset":
      next = rewriteSrcset(value, rewrite);
      break;
    default:
      return null;
  }
  if (next === null || next === value) return null;
  return `${attr.name}="${escapeText(next)}"`;
}

/** Rewrites each candidate URL of a `srcset` (`a.jpg 1x, b.jpg 2x`); null when none changed. */
export function rewriteSrcset(srcset: string, rewrite: UrlRewriter): string | null {
  const candidates = parseSrcset(srcset);
  let changed = false;
  const parts = candidates.map(({ url, descriptor }) => {
    const next = rewrite(url, "image");
    if (next !== null && next !== url) changed = true;
    const finalUrl = next ?? url;
    return descriptor ? `${finalUrl} ${descriptor}` : finalUrl;
  });
  return changed ? parts.join(", ") : null;
}

/** Splits a srcset the way browsers do: a URL runs to whitespace, trailing commas end it, descriptors run to the next comma. */
function parseSrcset(srcset: string): Array<{ url: string; descriptor: string }> {
  const out: Array<{ url: string; descriptor: string }> = [];
  let pos = 0;
  const n = srcset.length;
  while (pos < n) {
    while (pos < n && /[\s,]/.test(srcset[pos]!)) pos++;
    if (pos >= n) break;
    const urlStart = pos;
    while (pos < n && !/\s/.test(srcset[pos]!)) pos++;
    let url = srcset.slice(urlStart, pos);
    let descriptor = "";
    if (/,+$/.test(url)) {
      // "a.jpg," — the commas end the candidate, and a URL such as a data: URL may contain inner commas.
      url = url.replace(/,+$/, "");
    } else {
      const descStart = pos;
      while (pos < n && srcset[pos] !== ",") pos++;
      descriptor = srcset.slice(descStart, pos).trim();
    }
    if (url) out.push({ url, descriptor });
  }
  return out;
}
