/**
 * Publ's image syntax for markdown-it: image sets `![alt{args}](a.jpg{…} "title" | b.png)`, rendition links
 * `[text](photo.jpg{format="jpg"})`, and `<img src="photo.jpg{320}">` in raw HTML. Rendering is delegated to `env.quire`.
 */
import type { MarkdownIt, StateInline, Token } from "markdown-it";
import { escapeHtml, makeTag } from "./html-tag.js";
import { rewriteHtmlImages, type HtmlImage } from "./html-images.js";
import type { ArgMap } from "./image-args.js";
import { parseImageRef, parseImageSet, type ImageSet } from "./image-set.js";
import { pathKind } from "./source-path.js";
import { dollarAttributesPlugin, rewriteAttrRenditions, type AttrResolver } from "./attr-renditions.js";

/** What the Markdown module puts at `env.quire` so image syntax renders as renditions. */
export interface ImageRenderer {
  /** Markup for a whole set (never throws: problems become inline error spans). */
  renderImageSet(set: ImageSet): string;
  /** The URL a `[text](photo.jpg{args})` link should point to, or null to keep the path. */
  renderImageLink?(path: string, args: ArgMap): string | null;
  /** Markup replacing an `<img>` tag found in raw HTML, or null to keep it. */
  renderHtmlImage?(img: HtmlImage): string | null;
  /** True when the set renders as a block (`<figure>`/`<div>`), so its paragraph wrapper is dropped. */
  isBlockImageSet?(set: ImageSet): boolean;
}

/** The token type an image set is parsed into (its `meta.set` is the ImageSet). */
export const IMAGE_SET_TOKEN = "quire_image_set";
// Bound the look-ahead so a stray `![` in a long paragraph costs little.
const MAX_SCAN = 20_000;

/** Install the syntax: inline rules before markdown-it's `image` and `link`, and the render rules that call `env.quire`. */
export function imageSyntaxPlugin(md: MarkdownIt): void {
  md.use(dollarAttributesPlugin);
  md.inline.ruler.before("image", "quire_image_set", imageSetRule);
  md.inline.ruler.before("link", "quire_image_link", imageLinkRule);
  // Right after inline parsing, before any link-resolving core rule: images that will become renditions, and
  // rendition links, are marked `meta.resolved` so nothing rewrites their paths (e.g. to `/_file/…`) first.
  md.core.ruler.after("inline", "quire_image_tokens", (state) => {
    const rendering = renderer(state.env) !== null;
    for (const block of state.tokens) {
      for (const token of block.children ?? []) {
        const isLink =
          token.type === "link_open" && (token.meta as { imageLink?: unknown } | null)?.imageLink;
        if (isLink || (rendering && token.type === "image"))
          token.meta = { ...(token.meta ?? {}), resolved: true };
      }
    }
  });

  md.renderer.rules[IMAGE_SET_TOKEN] = (tokens, idx, _options, env) => {
    const set = { ...(tokens[idx]!.meta as { set: ImageSet }).set };
    if (typeof set.args.caption === "string") set.captionHtml = md.renderInline(set.args.caption, env);
    return renderer(env)?.renderImageSet(set) ?? plainImages(set);
  };

  // Ordinary images (`![alt](a.jpg "t")`, reference images) become one-image sets too.
  const defaultImage = md.renderer.rules.image;
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const quire = renderer(env);
    const token = tokens[idx]!;
    if (!quire)
      return defaultImage
        ? defaultImage(tokens, idx, options, env, self)
        : self.renderToken(tokens, idx, options);
    const path = decodePath(token.attrGet("src") ?? "");
    const alt = self.renderInlineAsText(token.children ?? [], options, env);
    return quire.renderImageSet({
      alt,
      args: {},
      images: [{ path, args: {}, title: token.attrGet("title") }],
    });
  };

  const defaultLinkOpen = md.renderer.rules.link_open;
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const link = (tokens[idx]!.meta as { imageLink?: { path: string; args: ArgMap } } | null)?.imageLink;
    if (link)
      tokens[idx]!.attrSet("href", renderer(env)?.renderImageLink?.(link.path, link.args) ?? link.path);
    return defaultLinkOpen
      ? defaultLinkOpen(tokens, idx, options, env, self)
      : self.renderToken(tokens, idx, options);
  };

  for (const type of ["html_block", "html_inline"] as const) {
    const original = md.renderer.rules[type];
    md.renderer.rules[type] = (tokens, idx, options, env, self) => {
      const token = tokens[idx]!;
      const quire = renderer(env);
      // Where raw HTML is shown as text (e.g. a Summary header), there are no images to render.
      if ((env as { quireState?: { escapeHtml?: boolean } } | null)?.quireState?.escapeHtml) {
        return original ? original(tokens, idx, options, env, self) : token.content;
      }
      // Images first, so later URL rewriting (link resolution, absolute URLs) sees the rendition URLs.
      const content = token.content;
      token.content = rewriteHtmlImages(content, (img) =>
        quire?.renderHtmlImage ? quire.renderHtmlImage(img) : plainHtmlImage(img),
      );
      if (quire) token.content = rewriteAttrRenditions(token.content, attrResolver(quire, env));
      try {
        return original ? original(tokens, idx, options, env, self) : token.content;
      } finally {
        token.content = content;
      }
    };
  }

  for (const type of ["paragraph_open", "paragraph_close"] as const) {
    const original = md.renderer.rules[type];
    md.renderer.rules[type] = (tokens, idx, options, env, self) => {
      const inline = tokens[type === "paragraph_open" ? idx + 1 : idx - 1];
      if (inline && isBlockImageParagraph(inline, env)) return type === "paragraph_close" ? "\n" : "";
      return original ? original(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
    };
  }
}

/** `![alt](…)` whose alt or destination uses Publ's `{…}` or `|`; plain images are left to markdown-it. */
function imageSetRule(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== 0x21 /* ! */ || src.charCodeAt(start + 1) !== 0x5b /* [ */) return false;
  const max = Math.min(state.posMax, start + MAX_SCAN);
  const labelEnd = closing(src, start + 1, max, "[", "]", false);
  if (labelEnd < 0 || src.charCodeAt(labelEnd + 1) !== 0x28 /* ( */) return false;
  const destEnd = closing(src, labelEnd + 1, max, "(", ")", true);
  if (destEnd < 0) return false;
  const alt = src.slice(start + 2, labelEnd);
  const specs = src.slice(labelEnd + 2, destEnd);
  if (!/[{|]/.test(alt + specs)) return false;
  if (!silent) {
    const token: Token = state.push(IMAGE_SET_TOKEN, "img", 0);
    token.meta = { set: parseImageSet(alt, specs) };
  }
  state.pos = destEnd + 1;
  return true;
}

/** `[text](photo.jpg{args} "title")`: a link to a rendition; the text is parsed as usual. */
function imageLinkRule(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== 0x5b /* [ */) return false;
  const max = Math.min(state.posMax, start + MAX_SCAN);
  const labelEnd = state.md.helpers.parseLinkLabel(state, start, true);
  if (labelEnd < 0 || labelEnd >= max || src.charCodeAt(labelEnd + 1) !== 0x28 /* ( */) return false;
  const destEnd = closing(src, labelEnd + 1, max, "(", ")", true);
  if (destEnd < 0) return false;
  const inner = src.slice(labelEnd + 2, destEnd);
  if (!inner.includes("{")) return false;
  // A link whose arguments do not parse is left to markdown-it, which shows it as written.
  const ref = parseImageRef(inner);
  if (ref.error || pathKind(ref.path) !== "local") return false;
  if (!silent) {
    const oldMax = state.posMax;
    state.pos = start + 1;
    state.posMax = labelEnd;
    const open = state.push("link_open", "a", 1);
    open.attrs = [["href", ref.path]];
    if (ref.title) open.attrs.push(["title", ref.title]);
    open.meta = { imageLink: { path: ref.path, args: ref.args }, resolved: true };
    // markdown-it tracks link depth (so linkify never nests a link); its type definitions omit the field.
    const linked = state as StateInline & { linkLevel: number };
    linked.linkLevel++;
    state.md.inline.tokenize(state);
    linked.linkLevel--;
    state.push("link_close", "a", -1);
    state.posMax = oldMax;
  }
  state.pos = destEnd + 1;
  return true;
}

/**
 * Index of the bracket closing the one at `open`, or -1. `{…}` (with quoted strings) may hold any character; in a
 * destination list (`titles`), so may a `"title"` that follows whitespace. A blank line ends the search.
 */
function closing(
  src: string,
  open: number,
  max: number,
  left: string,
  right: string,
  titles: boolean,
): number {
  let depth = 0;
  let braces = 0;
  let quote: string | null = null;
  for (let i = open; i < max; i++) {
    const c = src[i] as string;
    if (c === "\n" && src[i + 1] === "\n") return -1;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (braces > 0) {
      if (c === '"' || c === "'") quote = c;
      else if (c === "{") braces++;
      else if (c === "}") braces--;
    } else if (c === "\\") {
      i++;
    } else if (c === "{") {
      braces++;
    } else if (titles && c === '"' && /\s/.test(src[i - 1] ?? "")) {
      quote = c;
    } else if (c === left) {
      depth++;
    } else if (c === right && --depth === 0) {
      return i;
    }
  }
  return -1;
}

function renderer(env: unknown): ImageRenderer | null {
  const quire = (env as { quire?: unknown } | null | undefined)?.quire as ImageRenderer | undefined;
  return quire && typeof quire.renderImageSet === "function" ? quire : null;
}

/** True when a paragraph holds nothing but image sets that render as blocks (so `<p>` would wrap a `<figure>`). */
function isBlockImageParagraph(inline: Token, env: unknown): boolean {
  if (inline.type !== "inline" || !inline.children) return false;
  const quire = renderer(env);
  const sets: ImageSet[] = [];
  for (const t of inline.children) {
    if (t.type === IMAGE_SET_TOKEN) sets.push((t.meta as { set: ImageSet }).set);
    // Plain images are sets too when a render context draws them (its defaults may ask for a figure).
    else if (t.type === "image" && quire) sets.push({ alt: "", args: {}, images: [] });
    else if (!(t.type === "softbreak" || (t.type === "text" && t.content.trim() === ""))) return false;
  }
  if (sets.length === 0) return false;
  return sets.every((set) =>
    quire?.isBlockImageSet
      ? quire.isBlockImageSet(set)
      : ["figure", "caption", "div_class", "div_style"].some((k) => set.args[k]),
  );
}

/** Without a render context: plain `<img>` tags (no renditions), errors shown inline. */
function plainImages(set: ImageSet): string {
  if (set.error) return `<span class="error">${escapeHtml(set.error)}</span>`;
  return set.images
    .map((img) =>
      img.error
        ? `<span class="error">${escapeHtml(img.error)}</span>`
        : makeTag("img", [
            ["src", encodeURI(img.path)],
            ["alt", set.alt],
            ["title", img.title],
          ]),
    )
    .join("");
}

function plainHtmlImage(img: HtmlImage): string | null {
  return img.hasArgs ? makeTag("img", [["src", img.path], ...img.attrs]) : null;
}

function decodePath(src: string): string {
  try {
    return decodeURI(src);
  } catch {
    return src;
  }
}

const IMAGE_FILE = /\.(jpe?g|png|gif|webp|avif|tiff?|bmp|svg)$/i;

/** How `$` attributes and rendition links in raw HTML become URLs: renditions, else the entry's link rules. */
function attrResolver(quire: ImageRenderer, env: unknown): AttrResolver {
  const links = (env as { quire?: { resolveLink?: (href: string, kind: "link") => string | null } }).quire;
  return {
    image: (path, args) =>
      IMAGE_FILE.test(path) || Object.keys(args).length > 0
        ? (quire.renderImageLink?.(path, args) ?? null)
        : null,
    link: (path) => links?.resolveLink?.(path, "link") ?? null,
  };
}
