/** The image work, with sharp: probing a source's real format and size, and turning a recipe into encoded bytes. */
import type sharp from "sharp";
import type { Sharp } from "sharp";
import { QuireError } from "../errors.js";
import { loadSharp } from "./decoders.js";
import { looksLikeSvg, svgSize, type HeaderInfo } from "./header-probe.js";
import { contentTypeFor, extensionFor } from "./naming.js";
import { DEFAULT_LIMITS, type PixelRecipe, type Recipe, type RecipeLimits } from "./recipe.js";

/** Encoded rendition bytes and what they are. */
export interface GeneratedRendition {
  body: Buffer;
  contentType: string;
  width: number;
  height: number;
}

/** Format, oriented size and frame count as libvips reads them (header only: nothing is decoded). */
export async function probeImage(
  bytes: Buffer,
  limits: RecipeLimits = DEFAULT_LIMITS,
  label = "image",
): Promise<HeaderInfo> {
  if (looksLikeSvg(bytes)) return { format: "svg", ...svgSize(bytes.toString("utf8", 0, 4096)), pages: 1 };
  const sharp = loadSharp();
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: limits.maxInputPixels }).metadata();
  } catch (err) {
    throw imageError(err, label);
  }
  const format = meta.format === "heif" ? (meta.compression === "av1" ? "avif" : null) : meta.format;
  if (format !== "jpeg" && format !== "png" && format !== "webp" && format !== "gif" && format !== "avif") {
    throw new QuireError("E_IMAGE_DECODE", `${label}: ${String(meta.format)} images are not supported`);
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!(width > 0 && height > 0)) throw new QuireError("E_IMAGE_DECODE", `${label}: the image has no size`);
  return { format, width, height, pages: meta.pages ?? 1 };
}

/**
 * AVIF's encoder effort (0–9, sharp's default 4), by output size. A 2048² picture at quality 100 took 104 s at
 * effort 4, 16 s at 2 and 6 s at 0 (files 11 % and 15 % larger than at 4): large pictures get 0, the rest 2.
 * The encoder heeds no timeout once it runs: costly renditions run in a process that can be killed at the budget
 * (`encoder-process.ts`), and the effort keeps them within it.
 */
export function avifEffort(width: number, height: number): number {
  return width * height > 1_000_000 ? 0 : 2;
}

/** Decode, orient, cut, scale, flatten and encode; metadata (EXIF, GPS, ICC) is never copied to the output. */
export async function generateRendition(
  sourceBytes: Buffer,
  recipe: Recipe,
  limits: RecipeLimits = DEFAULT_LIMITS,
  label = "image",
  /** libvips stops the work after this long (whole seconds; 0 for no limit); AVIF's encoder does not heed it, so
   *  costly renditions run where they can be killed (`encoder-process.ts`). */
  budgetSeconds = 0,
): Promise<GeneratedRendition> {
  if (recipe.kind === "passthrough") {
    return {
      body: sourceBytes,
      contentType: contentTypeFor(`x.svg`),
      width: recipe.width,
      height: recipe.height,
    };
  }
  const sharp = loadSharp();
  let image: Sharp;
  try {
    image = sharp(sourceBytes, {
      limitInputPixels: limits.maxInputPixels,
      animated: recipe.animated,
      // Orientation is meaningless for a frame strip; for still images sizes are planned on the oriented picture.
      autoOrient: !recipe.animated,
      failOn: "error",
    });
    applyRecipe(image, recipe);
    if (budgetSeconds > 0) image.timeout({ seconds: budgetSeconds });
  } catch (err) {
    throw imageError(err, label);
  }
  try {
    const body = await image.toBuffer();
    return { body, contentType: contentTypeFor(`x.${extensionFor(recipe.format)}`), ...sizeOf(recipe) };
  } catch (err) {
    if (/timeout/i.test(err instanceof Error ? err.message : "")) {
      throw new QuireError(
        "E_IMAGE_TIMEOUT",
        `${label}: the rendition took more than ${budgetSeconds} s to make and was stopped`,
        { cause: err },
      );
    }
    throw imageError(err, label);
  }
}

function applyRecipe(image: Sharp, recipe: PixelRecipe): void {
  const g = recipe.geometry;
  if (g.region) image.extract(g.region);
  // An unchanged size skips resampling, so "format only" renditions keep every pixel.
  image.resize(g.width, g.height, { fit: "fill", kernel: recipe.kernel as keyof sharp.KernelEnum });
  if (recipe.background) image.flatten({ background: recipe.background });
  const quality = recipe.quality ?? undefined;
  switch (recipe.format) {
    case "jpeg":
      image.jpeg({ quality });
      break;
    case "png":
      image.png(recipe.quantize ? { palette: true, colours: recipe.quantize } : {});
      break;
    case "webp":
      image.webp({ quality, lossless: recipe.lossless });
      break;
    case "avif":
      image.avif({ quality, lossless: recipe.lossless, effort: avifEffort(g.width, g.height) });
      break;
    case "gif":
      image.gif(recipe.quantize ? { colours: recipe.quantize } : {});
      break;
  }
}

function sizeOf(recipe: PixelRecipe): { width: number; height: number } {
  return { width: recipe.geometry.width, height: recipe.geometry.height };
}

/** A sharp/libvips failure as a QuireError: too many pixels, a bad colour, or an undecodable source. */
export function imageError(err: unknown, label: string): QuireError {
  if (err instanceof QuireError) return err;
  const message = err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err);
  if (/pixel limit/i.test(message)) {
    return new QuireError("E_IMAGE_TOO_LARGE", `${label}: the image has more pixels than the limit allows`, {
      cause: err,
    });
  }
  if (/parse colou?r/i.test(message)) {
    return new QuireError("E_IMAGE_SPEC", `${label}: ${message}`, { field: "background", cause: err });
  }
  return new QuireError("E_IMAGE_DECODE", `${label}: the image cannot be decoded (${message})`, {
    cause: err,
  });
}

/** Throws E_IMAGE_SPEC when sharp cannot read a background colour, without touching any image. */
export function checkColour(colour: string): void {
  try {
    loadSharp()().flatten({ background: colour });
  } catch (err) {
    throw imageError(err, `background ${JSON.stringify(colour)}`);
  }
}
