/** Image markup (pure, given resolved images and their plans): `<img>` with srcset, links, lightbox, figure, count/more. */
import { posix } from "node:path";
import { escapeHtml, makeTag, type AttrValue } from "./html-tag.js";
import type { ImageArgs } from "./image-args.js";
import type { RenditionPlan } from "./rendition-service.js";

/** One image of a set after path resolution and planning. */
export type ResolvedImage = RenditionImage | UrlImage | ErrorImage;

interface Shown {
  /** The path as the author wrote it (for default alt text). */
  path: string;
  /** Defaults, set and image arguments merged and validated. */
  args: ImageArgs;
  title: string | null;
  /** Where a full-size link (`link=True`, `gallery_id`) points. */
  fullsizeUrl: string;
  /** Where `link="…"` points once resolved (static files, entries), when link is a string. */
  linkHref?: string;
  /** For `shape`: the URL of the image whose alpha channel shapes the text flow. */
  shapeUrl?: string;
}

/** A content image served as renditions. */
export interface RenditionImage extends Shown {
  kind: "rendition";
  plan: RenditionPlan;
}

/** A static file (`@path`) or an external URL: shown as-is, never resized. */
export interface UrlImage extends Shown {
  kind: "url";
  url: string;
}

/** An image that could not be shown; the page shows this message in its place. */
export interface ErrorImage {
  kind: "error";
  path: string;
  message: string;
}

/** A whole set ready to write. */
export interface SetMarkupInput {
  alt: string;
  /** Defaults and set-wide arguments (figure, div_class, count, more_text, …). */
  container: ImageArgs;
  images: Array<{ image: ResolvedImage; visible: boolean }>;
  /** The caption as HTML (already rendered from Markdown); otherwise `container.caption` is escaped. */
  captionHtml?: string;
  /** Where `more_text` links when `more_link` is not given (the entry's own page). */
  entryLink?: string;
}

/** The markup of an image set: images (hidden ones only as lightbox links), more text, div and figure wrappers. */
export function renderSetMarkup(input: SetMarkupInput): string {
  const c = input.container;
  let text = input.images.map(({ image, visible }) => imageMarkup(image, input.alt, visible)).join("");
  const remain = input.images.filter((i) => !i.visible).length;
  if (remain > 0 && c.more_text) {
    const more = escapeHtml(
      c.more_text.replace(/\{count\}/g, String(input.images.length)).replace(/\{remain\}/g, String(remain)),
    );
    const href = c.more_link ?? input.entryLink;
    if (href)
      text += `${makeTag("a", [
        ["href", href],
        ["class", c.more_class],
      ])}${more}</a>`;
    else text += c.more_class ? `${makeTag("span", [["class", c.more_class]])}${more}</span>` : more;
  }
  if (text && (c.div_class || c.div_style)) {
    text = `${makeTag("div", [
      ["class", c.div_class],
      ["style", c.div_style],
    ])}${text}</div>`;
  }
  if (text && (c.figure || c.caption)) {
    const caption = input.captionHtml ?? (c.caption ? escapeHtml(c.caption) : "");
    const figClass = typeof c.figure === "string" ? c.figure : undefined;
    text = `${makeTag("figure", [["class", figClass]])}${text}${caption ? `<figcaption>${caption}</figcaption>` : ""}</figure>`;
  }
  return text;
}

/** One image: its `<img>` wrapped in a link or lightbox link; a hidden image is only its lightbox link (or nothing). */
export function imageMarkup(image: ResolvedImage, setAlt: string, visible = true): string {
  if (image.kind === "error") return visible ? errorSpan(image.message) : "";
  const thumb = visible ? imgTag(image, setAlt) : "";
  const a = image.args;
  if (a.link !== undefined) {
    if (a.link === false || !thumb) return thumb;
    const href = a.link === true ? image.fullsizeUrl : (image.linkHref ?? a.link);
    return `${makeTag("a", [
      ["href", href],
      ["class", a.link_class],
    ])}${thumb}</a>`;
  }
  if (a.gallery_id) {
    const link = makeTag("a", [
      ["href", image.fullsizeUrl],
      ["data-lightbox", a.gallery_id],
      ["title", image.title],
      ["class", a.link_class],
    ]);
    return `${link}${thumb}</a>`;
  }
  return thumb;
}

/** The `<img>` tag itself. */
export function imgTag(image: RenditionImage | UrlImage, setAlt: string): string {
  const a = image.args;
  const alt = a.alt ?? a.alt_text ?? (setAlt || posix.basename(image.path.replace(/[?#].*$/, "")));
  const attrs: Array<[string, AttrValue]> = [
    ...sourceAttrs(image),
    ["loading", a.image_loading ?? "lazy"],
    ["decoding", "async"],
    ["alt", alt],
    ["title", a.title ?? image.title],
    ...styleAttrs(image),
  ];
  return makeTag("img", attrs, a.xhtml === true);
}

/** `<img>` for a tag found in raw HTML: computed source attributes replace the author's, everything else is kept. */
export function htmlImgTag(
  image: RenditionImage | UrlImage,
  original: Array<[string, string | true]>,
): string {
  const computed = [...sourceAttrs(image), ...styleAttrs(image)].filter(
    ([, v]) => v !== undefined && v !== null && v !== false,
  );
  const replaced = new Set(["src", "srcset", "width", "height", ...computed.map(([k]) => k)]);
  const kept: Array<[string, AttrValue]> = original.filter(([k]) => !replaced.has(k));
  const has = (k: string) => kept.some(([key]) => key === k);
  const extra: Array<[string, AttrValue]> = [];
  if (!has("loading")) extra.push(["loading", image.args.image_loading ?? "lazy"]);
  if (!has("decoding")) extra.push(["decoding", "async"]);
  return makeTag("img", [...computed, ...extra, ...kept], image.args.xhtml === true);
}

/** CSS for a hidpi-aware background: `background-image: url(…)`, plus an `image-set` when there is a 2x. */
export function cssBackground(image: RenditionImage | UrlImage): string {
  if (image.kind === "url") return `background-image: url("${cssString(image.url)}");`;
  const one = cssString(image.plan.x1.url);
  let css = `background-image: url("${one}");`;
  if (image.plan.x2) {
    const set = `image-set(url("${one}") 1x, url("${cssString(image.plan.x2.url)}") 2x)`;
    css += `background-image: ${set};background-image: -webkit-${set};`;
  }
  return css;
}

/** The inline error shown in place of an image. */
export function errorSpan(message: string): string {
  return `<span class="error">${escapeHtml(message)}</span>`;
}

function sourceAttrs(image: RenditionImage | UrlImage): Array<[string, AttrValue]> {
  if (image.kind === "url") {
    const { width, height } = image.args;
    return [
      ["src", image.url],
      ["width", width],
      ["height", height],
    ];
  }
  const { x1, x2 } = image.plan;
  return [
    ["src", x1.url],
    ["srcset", x2 ? `${x1.url} 1x, ${x2.url} 2x` : null],
    ["width", image.plan.width || null],
    ["height", image.plan.height || null],
  ];
}

function styleAttrs(image: RenditionImage | UrlImage): Array<[string, AttrValue]> {
  const a = image.args;
  // As in Publ, `style` (usually the image's own) is written after `img_style` (usually the set's), so it wins.
  const styles = [
    a.img_style,
    a.style,
    image.shapeUrl ? `shape-outside: url('${cssString(image.shapeUrl)}')` : undefined,
  ].filter(Boolean);
  return [
    ["class", a.img_class ?? a.class],
    ["id", a.img_id ?? a.id],
    ["style", styles.length ? styles.join(";") : null],
  ];
}

function cssString(url: string): string {
  return url.replace(/[\\"'\n\r]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `);
}
