/** A rendition recipe (pure): everything that decides a rendition's bytes — geometry, format and encoder settings. */
import { planGeometry, MAX_OUTPUT_EDGE, type Geometry } from "./geometry.js";
import type { OutputFormat, PixelArgs } from "./image-args.js";

/** Source formats Quire decodes (SVG is never decoded: it is passed through as-is). */
export type SourceFormat = OutputFormat | "svg";

/** What the recipe needs to know about a source image (sizes after EXIF orientation). */
export interface SourceImage {
  format: SourceFormat;
  width: number;
  height: number;
  /** Frames of an animated GIF/WebP; 1 otherwise. */
  pages: number;
}

/** A pixel recipe: decode, orient, cut, scale, flatten, encode. */
export interface PixelRecipe {
  kind: "pixels";
  geometry: Geometry;
  format: OutputFormat;
  quality: number | null;
  lossless: boolean;
  /** Flatten transparency onto this colour, or null to keep alpha. */
  background: string | null;
  /** Palette size for GIF/PNG output, or null. */
  quantize: number | null;
  kernel: string;
  /** Keep every frame (animated GIF/WebP that is only scaled). */
  animated: boolean;
}

/** SVG (or any passthrough): the source bytes, untouched. */
export interface PassthroughRecipe {
  kind: "passthrough";
  format: "svg";
  width: number;
  height: number;
}

export type Recipe = PixelRecipe | PassthroughRecipe;

export interface RecipeLimits {
  maxInputPixels: number;
  maxOutputEdge: number;
}

/** Defaults: a 50-megapixel input ceiling and Quire's output edge limit. */
export const DEFAULT_LIMITS: RecipeLimits = { maxInputPixels: 50_000_000, maxOutputEdge: MAX_OUTPUT_EDGE };

const ANIMATABLE: ReadonlySet<OutputFormat> = new Set(["gif", "webp"]);

/** The recipe for one density of a rendition of `source` with these (already validated) pixel arguments. */
export function planRecipe(
  source: SourceImage,
  args: PixelArgs,
  outputScale: number,
  limits: RecipeLimits = DEFAULT_LIMITS,
): Recipe {
  if (source.format === "svg") {
    // Vector sources are served as they are: rasterising untrusted SVG is a risk and rarely an improvement.
    return { kind: "passthrough", format: "svg", width: source.width, height: source.height };
  }
  const geometry = planGeometry(source, args, outputScale, limits.maxOutputEdge);
  const format = args.format ?? source.format;
  const framePixels = source.width * source.height;
  const animated =
    source.pages > 1 &&
    ANIMATABLE.has(format) &&
    geometry.region === null &&
    framePixels * source.pages <= limits.maxInputPixels;
  // JPEG cannot hold alpha: flatten onto the author's colour, or white, which is what most pages sit on.
  const background = args.background ?? (format === "jpeg" ? "#ffffff" : null);
  return {
    kind: "pixels",
    geometry,
    format,
    quality: args.quality ?? null,
    lossless: (format === "webp" || format === "avif") && args.lossless === true,
    background,
    quantize: format === "gif" || format === "png" ? (args.quantize ?? null) : null,
    kernel: args.scale_filter ?? "lanczos3",
    animated,
  };
}

/** The recipe's output size. */
export function recipeSize(recipe: Recipe): { width: number; height: number } {
  return recipe.kind === "passthrough" ? { width: recipe.width, height: recipe.height } : recipe.geometry;
}
