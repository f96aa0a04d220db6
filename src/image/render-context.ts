/**
 * The per-entry image render context (what the Markdown module puts at `env.quire`): resolves paths, plans renditions
 * through the service, and writes markup. A plain object of functions, so it can be spread into another context.
 */
import { isQuireError } from "../errors.js";
import type { Logger } from "../log.js";
import { htmlImgTag, imgTag, renderSetMarkup, errorSpan, type ResolvedImage } from "./html-renderer.js";
import { rewriteHtmlImages, type HtmlImage } from "./html-images.js";
import { rewriteAttrRenditions } from "./attr-renditions.js";
import { normalizeImageArgs, pickImageArgs, type ArgMap, type ImageArgs } from "./image-args.js";
import type { ImageSet } from "./image-set.js";
import type { ImageRenderer } from "./markdown-plugin.js";
import type { RenditionService } from "./rendition-service.js";
import { candidatePaths, pathKind, type SearchContext } from "./source-path.js";

export interface ImageContextOptions extends SearchContext {
  /** Template-wide defaults (site config, `entry.body(...)` keywords); non-image keys are ignored. */
  defaults?: Record<string, unknown>;
  /** Write absolute URLs (feeds), prefixed with `baseUrl`. */
  absolute?: boolean;
  /** The site's base URL, for absolute rendition URLs. */
  baseUrl?: string;
  /** The entry's own URL: where `more_text` links unless `more_link` is given. */
  entryLink?: string;
  /** The URL of a static file for `@path` (default `/static/<path>`). */
  staticUrl?: (path: string) => string;
  logger?: Logger;
}

/** Everything `env.quire` needs for images, plus helpers for `.html` entries and templates. */
export interface ImageRenderContext extends Required<ImageRenderer> {
  /** `.html` entries: every `<img src="path{args}">` replaced by rendered markup. */
  rewriteHtml(html: string): string;
  /** Resolve and plan one image (defaults merged under `args`); failures come back as an error image. */
  resolveImage(path: string, args: ArgMap, title?: string | null): ResolvedImage;
  /** Read the sources of these sets/paths without blocking, so the synchronous render finds them cached. */
  prepare(items: Array<ImageSet | HtmlImage | string>): Promise<void>;
}

const BLOCK_KEYS = ["figure", "caption", "div_class", "div_style"];

/** A render context for one entry (or one template render). */
export function createImageContext(
  service: RenditionService,
  options: ImageContextOptions = {},
): ImageRenderContext {
  const defaults = pickImageArgs(options.defaults);
  const staticUrl =
    options.staticUrl ?? ((p: string) => `/static/${p.split("/").map(encodeURIComponent).join("/")}`);
  const planOptions = {
    absolute: options.absolute ?? false,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  };

  const locate = (path: string): string | null =>
    candidatePaths(path, options).find((p) => service.exists(p)) ?? null;

  const fail = (path: string, err: unknown): ResolvedImage => {
    const notFound = isQuireError(err) && err.code === "E_IMAGE_NOT_FOUND";
    if (!notFound)
      options.logger?.warn({ err, image: path, entry: options.entryFile }, "image could not be rendered");
    const message = notFound
      ? notFoundMessage(path)
      : `Image error: ${isQuireError(err) ? err.message : String(err)}`;
    return { kind: "error", path, message };
  };

  const resolveImage = (path: string, raw: ArgMap, title: string | null = null): ResolvedImage => {
    try {
      const args = normalizeImageArgs({ ...defaults, ...raw });
      const kind = pathKind(path);
      if (kind !== "local") {
        const url = kind === "static" ? staticUrl(path.slice(1)) : path;
        return { kind: "url", path, args, title, url, fullsizeUrl: url, ...linkHref(args) };
      }
      const source = locate(path);
      if (!source) return { kind: "error", path, message: notFoundMessage(path) };
      const plan = service.planSync(source, args, planOptions);
      const wantsFull = args.link === true || (args.gallery_id !== undefined && args.link === undefined);
      const fullsizeUrl = wantsFull
        ? service.planSync(source, fullsizeArgs(args), planOptions).x1.url
        : plan.x1.url;
      const image: ResolvedImage = {
        kind: "rendition",
        path,
        args,
        title,
        plan,
        fullsizeUrl,
        ...linkHref(args),
      };
      if (args.shape) image.shapeUrl = shapeUrl(args.shape === true ? plan.x1.url : args.shape, args);
      return image;
    } catch (err) {
      return fail(path, err);
    }
  };

  const linkHref = (args: ImageArgs): { linkHref?: string } =>
    typeof args.link === "string" && args.link.startsWith("@")
      ? { linkHref: staticUrl(args.link.slice(1)) }
      : {};

  const shapeUrl = (shape: string, args: ImageArgs): string | undefined => {
    if (shape.includes("/_img/")) return shape;
    const sized: ArgMap = {};
    for (const key of ["width", "height", "max_width", "max_height"] as const)
      if (args[key] !== undefined) sized[key] = args[key]!;
    const other = resolveImage(shape, sized);
    return other.kind === "rendition" ? other.plan.x1.url : other.kind === "url" ? other.url : undefined;
  };

  const renderImageSet = (set: ImageSet): string => {
    try {
      if (set.error) return errorSpan(`Couldn't parse image arguments: ${set.error}`);
      const container = normalizeImageArgs({ ...defaults, ...set.args });
      const first = container.count === undefined ? 0 : (container.count_offset ?? 0);
      const last = container.count === undefined ? Infinity : first + container.count;
      const images = set.images.map((ref, i) => {
        const visible = i >= first && i < last;
        // A hidden image only matters as a lightbox entry; skip the planning otherwise.
        if (!visible && !{ ...defaults, ...set.args, ...ref.args }.gallery_id)
          return { image: hidden(ref.path), visible };
        const image: ResolvedImage = ref.error
          ? { kind: "error", path: ref.path, message: `Couldn't parse image spec ${ref.path}: ${ref.error}` }
          : resolveImage(ref.path, { ...set.args, ...ref.args }, ref.title);
        return { image, visible };
      });
      const input = {
        alt: set.alt,
        container,
        images,
        ...(set.captionHtml !== undefined ? { captionHtml: set.captionHtml } : {}),
      };
      return renderSetMarkup(options.entryLink ? { ...input, entryLink: options.entryLink } : input);
    } catch (err) {
      return errorSpan(`Image error: ${isQuireError(err) ? err.message : String(err)}`);
    }
  };

  const renderImageLink = (path: string, args: ArgMap): string | null => {
    const source = pathKind(path) === "local" ? locate(path) : null;
    if (!source) return null;
    try {
      return service.planSync(source, normalizeImageArgs(args), planOptions).x1.url;
    } catch (err) {
      options.logger?.warn({ err, image: path, entry: options.entryFile }, "image link could not be planned");
      return null;
    }
  };

  const renderHtmlImage = (img: HtmlImage): string | null => {
    if (img.error) return errorSpan(`Couldn't parse image spec ${img.path}: ${img.error}`);
    if (pathKind(img.path) === "external") return null;
    // Without `{…}`, a src that is not a content image (e.g. a theme's `/static/…`) is left exactly as written.
    if (!img.hasArgs && pathKind(img.path) === "local" && !locate(img.path)) return null;
    const image = resolveImage(img.path, img.args);
    if (image.kind === "error") return errorSpan(image.message);
    return htmlImgTag(image, img.attrs);
  };

  const prepare = async (items: Array<ImageSet | HtmlImage | string>): Promise<void> => {
    const paths = items.flatMap((item) =>
      typeof item === "string" ? [item] : "images" in item ? item.images.map((i) => i.path) : [item.path],
    );
    const sources = new Set(
      paths
        .filter((p) => pathKind(p) === "local")
        .map(locate)
        .filter((p): p is string => p !== null),
    );
    await Promise.all([...sources].map((p) => service.catalog.describe(p).catch(() => undefined)));
  };

  return {
    renderImageSet,
    renderImageLink,
    renderHtmlImage,
    isBlockImageSet: (set) => BLOCK_KEYS.some((k) => Boolean({ ...defaults, ...set.args }[k])),
    // `.html` entries: `<img src="a.jpg{…}">`, then `$` attributes and `href`s that name renditions.
    rewriteHtml: (html) =>
      rewriteAttrRenditions(rewriteHtmlImages(html, renderHtmlImage), {
        image: (path, args) => renderImageLink(path, args),
        link: () => null,
      }),
    resolveImage,
    prepare,
  };
}

/** Publ's full-size rendition for links and lightboxes: the source, sized only by the `fullsize_*` arguments. */
export function fullsizeArgs(args: ImageArgs): ImageArgs {
  const out: ImageArgs = {};
  if (args.fullsize_width !== undefined) out.width = args.fullsize_width;
  if (args.fullsize_height !== undefined) out.height = args.fullsize_height;
  if (args.fullsize_crop !== undefined) out.crop = args.fullsize_crop;
  if (args.fullsize_quality !== undefined) out.quality = args.fullsize_quality;
  if (args.fullsize_format !== undefined) out.format = args.fullsize_format;
  if (args.fullsize_background !== undefined) out.background = args.fullsize_background;
  return out;
}

/** The message for a missing image; a space in the path usually means a forgotten `|` between two images. */
function notFoundMessage(path: string): string {
  return `Image not found: ${path}${/\s/.test(path.trim()) ? " (did you forget a | between images?)" : ""}`;
}

/** A placeholder for an image hidden by `count` that is not in a lightbox: it writes nothing. */
function hidden(path: string): ResolvedImage {
  return { kind: "error", path, message: "" };
}

/** The `<img>` tag alone for a resolved image (templates); an error image becomes its error span. */
export function imageTag(image: ResolvedImage, alt = ""): string {
  return image.kind === "error" ? errorSpan(image.message) : imgTag(image, alt);
}
