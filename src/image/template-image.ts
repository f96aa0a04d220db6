/**
 * The template `image()` global, in Publ's manner: `image("photo.jpg")(width=320)` is a rendition URL, and
 * `.get_img_tag(…)`, `.get_css_background(…)`, `.get_rendition(…)` give markup, CSS and URLs. Nunjucks passes keyword
 * arguments as a final object marked `__keywords: true`.
 */
import { QuireError } from "../errors.js";
import { cssBackground, imageMarkup, type ResolvedImage } from "./html-renderer.js";
import { isArgValue, type ArgMap } from "./image-args.js";
import type { ArgValue } from "./arg-list.js";
import { createImageContext, type ImageContextOptions } from "./render-context.js";
import type { RenditionService } from "./rendition-service.js";

export interface TemplateImageOptions extends ImageContextOptions {
  /** Marks markup as safe for the template engine's autoescape (e.g. nunjucks `runtime.markSafe`). */
  markSafe?: (html: string) => unknown;
}

/** What `image(path)` gives a template: callable for a URL, with Publ's methods. */
export interface TemplateImage {
  (...args: unknown[]): string;
  /** The URL of a rendition (`output_scale` 2 gives the high-density one). */
  get_rendition(...args: unknown[]): string;
  /** `<img>` markup (with its link or lightbox link when asked); an inline error span when the image is missing. */
  get_img_tag(...args: unknown[]): unknown;
  /** `background-image: url(…)` CSS, with an `image-set` for high-density screens. */
  get_css_background(...args: unknown[]): unknown;
  /** The full-size rendition's URL, so `{{ image("a.jpg") }}` prints something useful. */
  toString(): string;
}

/** `templateImage(service, ctx)` is the template global; `(path)` gives that image's helper object. */
export function templateImage(
  service: RenditionService,
  options: TemplateImageOptions = {},
): (path: string) => TemplateImage {
  const ctx = createImageContext(service, options);
  const markSafe = options.markSafe ?? ((html: string) => html);

  return (path: string): TemplateImage => {
    const resolve = (args: ArgMap, title: string | null = null): ResolvedImage =>
      ctx.resolveImage(String(path), args, title);

    const rendition = (...call: unknown[]): string => {
      const parsed = guard(call);
      const { positional, keywords } = parsed;
      const image = parsed.error ?? resolve(keywords);
      if (image.kind === "error") {
        options.logger?.warn({ image: path, problem: image.message }, "template image could not be rendered");
        return "";
      }
      if (image.kind === "url") return image.url;
      return positional[0] === 2 ? (image.plan.x2 ?? image.plan.x1).url : image.plan.x1.url;
    };

    const helper = ((...call: unknown[]) => rendition(...call)) as TemplateImage;
    helper.get_rendition = rendition;
    helper.get_img_tag = (...call: unknown[]) => {
      const { positional, keywords, error } = guard(call);
      const [title, alt] = positional.map((p) => (p === null || p === undefined ? undefined : String(p)));
      if (alt !== undefined) keywords.alt_text = alt;
      return markSafe(imageMarkup(error ?? resolve(keywords, title ?? null), ""));
    };
    helper.get_css_background = (...call: unknown[]) => {
      const { keywords, error } = guard(call);
      const uncomment = keywords.uncomment === true;
      delete keywords.uncomment;
      const image = error ?? resolve(keywords);
      const css =
        image.kind === "error"
          ? `/* not found: ${String(path).replace(/\*\//g, "* /")} */`
          : cssBackground(image);
      return markSafe(uncomment ? ` */ ${css} /* ` : css);
    };
    helper.toString = () => rendition();
    return helper;
  };
}

/** splitCall, with a bad keyword value turned into an error image instead of an exception. */
function guard(call: unknown[]): { positional: unknown[]; keywords: ArgMap; error?: ResolvedImage } {
  try {
    return splitCall(call);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      positional: [],
      keywords: {},
      error: { kind: "error", path: "", message: `Image error: ${message}` },
    };
  }
}

/** Positional values and keyword arguments of a template call (the keywords object may come last). */
export function splitCall(call: unknown[]): { positional: unknown[]; keywords: ArgMap } {
  const last = call[call.length - 1];
  const hasKeywords = typeof last === "object" && last !== null && !Array.isArray(last);
  const positional = hasKeywords ? call.slice(0, -1) : call;
  const keywords: ArgMap = {};
  if (hasKeywords) {
    for (const [key, value] of Object.entries(last as Record<string, unknown>)) {
      if (key === "__keywords" || value === undefined) continue;
      keywords[key] = templateValue(key, value);
    }
  }
  return { positional, keywords };
}

/** A template value as an argument value; objects with their own string form (e.g. `entry.link`) become that string. */
function templateValue(key: string, value: unknown): ArgValue {
  if (isArgValue(value)) return value;
  if (
    (typeof value === "function" || typeof value === "object") &&
    value !== null &&
    value.toString !== Object.prototype.toString
  ) {
    return String(value);
  }
  throw new QuireError("E_IMAGE_SPEC", `Image argument ${key} is not a number, string, boolean or list`, {
    field: key,
  });
}
