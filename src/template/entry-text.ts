/** An entry's text as templates print it: `body`, `more`, `footnotes`, `summary` and `toc` rendered with a
 *  template's arguments, and Publ's OpenGraph card (`entry.card(…)`). */
import { renderToc, titlePlainText, htmlToText, htmlToLines, notesForPlainText } from "../markdown/index.js";
import type { IndexedEntry } from "../db/index.js";
import type { Kwargs } from "./callable.js";
import { escapeAttr, truthy } from "./category-object.js";
import type { TemplateRuntime } from "./runtime.js";

/** The parts of an entry's text a template can print or call. */
export const TEXT_CALLS = ["body", "more", "footnotes", "summary", "toc"] as const;
export type TextPart = (typeof TEXT_CALLS)[number];

/** One part of the text of an entry the reader may read, rendered with a template's arguments; "" (printable
 *  and callable) when empty. */
export function entryText(rt: TemplateRuntime, record: IndexedEntry, part: TextPart, kw: Kwargs): unknown {
  const absolute = truthy(kw.absolute);
  const args = Object.keys(kw).length === 0 ? undefined : kw;
  let html: string;
  if (part === "summary") html = rt.summary(record, absolute, args);
  else {
    const r = rt.content(record, absolute, args);
    // As in Publ, body and more never carry the notes: templates print `entry.footnotes`.
    if (part === "body") html = r.parts.body;
    else if (part === "more") html = r.parts.more ?? "";
    else if (part === "footnotes") html = r.footnotes.html;
    else {
      const depth = Number(kw.max_depth);
      const linkBase = typeof kw.toc_link === "string" ? kw.toc_link : undefined;
      html = renderToc(r.toc, {
        ...(Number.isFinite(depth) && depth > 0 ? { maxDepth: depth } : {}),
        ...(linkBase !== undefined ? { linkBase } : {}),
      });
    }
  }
  // Plain text keeps its lines, as Publ's does (a .txt template shows paragraphs and list items apart).
  if (kw.markup === false) return htmlToLines(notesForPlainText(html));
  // A test, not a trim: bodies are long, and this runs for every entry of a listing.
  return /\S/.test(html) ? rt.safe(html) : "";
}

/**
 * Publ's OpenGraph card of an entry the reader may read: title, URL (`url`, the entry's absolute link), the first
 * `count` images at the given size, and the summary (its `Summary` header, `summaryHeader`, or one made from the
 * text).
 */
export function entryCard(
  rt: TemplateRuntime,
  record: IndexedEntry,
  url: string,
  summaryHeader: unknown,
  kw: Kwargs,
): unknown {
  const tag = (property: string, content: string) =>
    `<meta property="${property}" content="${escapeAttr(content)}">`;
  let out = tag("og:title", titlePlainText(record.title)) + tag("og:url", url);
  if (kw.image !== false) {
    const r = rt.content(record, true, { ...kw, absolute: true });
    // A test, not a trim: bodies are long.
    const source = /\S/.test(r.body) ? r.body : (r.more ?? "");
    const count = typeof kw.count === "number" ? kw.count : 1;
    // As Publ does: each image's URL with the width and height its `<img>` was given. A relative URL (no
    // public address is set) would not be fetched by any card reader, so none is sent (the site warned).
    for (const image of cardImages(source).slice(0, count)) {
      if (!/^https?:\/\//i.test(image.src)) continue;
      out += tag("og:image", image.src);
      // Publ gives the size of its renditions only; a static or remote image's real size is not known.
      if (!image.src.includes("/_img/")) continue;
      if (image.width) out += tag("og:image:width", image.width);
      if (image.height) out += tag("og:image:height", image.height);
    }
  }
  const description = String(summaryHeader || htmlToText(rt.summary(record, false)));
  if (description.trim() !== "") out += tag("og:description", description.trim());
  return rt.safe(out);
}

/** The `src`, `width` and `height` of each `<img>` in rendered HTML, in order (entities in the URL decoded). */
export function cardImages(html: string): readonly CardImage[] {
  // The same entry's card on every render of its page: its text is the same string each time.
  let images = CARD_IMAGES.get(html);
  if (images === undefined) {
    images = findImages(html);
    if (CARD_IMAGES.size >= 2_000) CARD_IMAGES.clear();
    CARD_IMAGES.set(html, images);
  }
  return images;
}

type CardImage = { readonly src: string; readonly width: string | null; readonly height: string | null };
const CARD_IMAGES = new Map<string, readonly CardImage[]>();

function findImages(html: string): CardImage[] {
  const out: CardImage[] = [];
  for (const m of html.matchAll(/<img\b[^>]*>/gi)) {
    const attr = (name: string) =>
      new RegExp(`\\s${name}="([^"]*)"`, "i").exec(m[0])?.[1]?.replace(/&amp;/g, "&") ?? null;
    const src = attr("src");
    if (src) out.push({ src, width: attr("width"), height: attr("height") });
  }
  return out;
}
