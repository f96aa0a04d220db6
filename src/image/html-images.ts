/** `<img src="photo.jpg{320}">` in raw HTML and `.html` entries (pure): finding such tags and replacing them with rendered markup. */
import type { ArgValue } from "./arg-list.js";
import { decodeEntities } from "./html-tag.js";
import type { ArgMap } from "./image-args.js";
import { parseImageRef } from "./image-set.js";

/** One `<img>` tag found in HTML. */
export interface HtmlImage {
  /** The src without its `{…}`. */
  path: string;
  /** Arguments: `width`/`height` attributes, overridden by the src's `{…}`. */
  args: ArgMap;
  /** The tag's other attributes in their original order (`true` for a bare attribute), values decoded. */
  attrs: Array<[string, string | true]>;
  /** The tag exactly as written. */
  tag: string;
  /** True when the src carried `{…}` arguments (an explicit request for a rendition). */
  hasArgs: boolean;
  /** Set when the src's `{…}` could not be parsed. */
  error?: string;
}

// Comments are matched so that tags inside them are left alone.
const TAG = /<!--[\s\S]*?-->|<img\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const ATTR = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/** Every `<img>` with a `src`, in document order. */
export function findHtmlImages(html: string): HtmlImage[] {
  const found: HtmlImage[] = [];
  rewriteHtmlImages(html, (img) => {
    found.push(img);
    return null;
  });
  return found;
}

/** Replace each `<img src=…>` by `render(img)`; a null answer keeps the tag as written. */
export function rewriteHtmlImages(html: string, render: (img: HtmlImage) => string | null): string {
  if (!/<img\b/i.test(html)) return html;
  return html.replace(TAG, (tag) => {
    if (tag.startsWith("<!--")) return tag;
    const img = parseImgTag(tag);
    if (!img) return tag;
    return render(img) ?? tag;
  });
}

/** Parse one `<img …>` tag; null when it has no src. */
export function parseImgTag(tag: string): HtmlImage | null {
  const inner = tag.replace(/^<img\b/i, "").replace(/\/?>$/, "");
  const attrs: Array<[string, string | true]> = [];
  let src: string | null = null;
  const sizes: ArgMap = {};
  for (const m of inner.matchAll(ATTR)) {
    const key = (m[1] as string).toLowerCase();
    const raw = m[2] ?? m[3] ?? m[4];
    const value = raw === undefined ? true : decodeEntities(raw);
    if (key === "src") {
      if (typeof value === "string") src = value;
      continue;
    }
    if ((key === "width" || key === "height") && typeof value === "string" && /^\s*\d+\s*$/.test(value)) {
      sizes[key] = Number(value) as ArgValue;
    }
    attrs.push([key, value]);
  }
  if (src === null || src.trim() === "") return null;
  const ref = parseImageRef(src);
  const hasArgs = /\}\s*$/.test(src);
  const img: HtmlImage = { path: ref.path, args: { ...sizes, ...ref.args }, attrs, tag, hasArgs };
  if (ref.error) img.error = ref.error;
  return img;
}
