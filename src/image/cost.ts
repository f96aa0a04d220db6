/**
 * What a rendition costs to make, estimated from its recipe before any work (pure): output pixels weighted by
 * how slow the format's encoder is, plus decoding the source. Renditions above a threshold go to a lane of
 * their own, so that a 4096² AVIF never keeps a thumbnail waiting.
 */
import type { OutputFormat } from "./image-args.js";
import type { Recipe, SourceImage } from "./recipe.js";

/** Encoder cost per megapixel, relative to JPEG (measured roughly with sharp's defaults and Quire's AVIF effort). */
const FORMAT_COST: Record<OutputFormat, number> = { jpeg: 1, png: 2, gif: 2, webp: 3, avif: 12 };

/** Decoding costs about a quarter of encoding JPEG, per source megapixel. */
const DECODE_COST = 0.25;

/** Above this a rendition is costly: ~8 megapixels of JPEG, a 1024² AVIF, a 2048² WebP. */
export const COSTLY_RENDITION = 8;

/** The estimated cost of a rendition, in megapixels of JPEG encoding. */
export function renditionCost(
  recipe: Recipe,
  source: Pick<SourceImage, "width" | "height" | "pages">,
): number {
  if (recipe.kind === "passthrough") return 0;
  const frames = recipe.animated ? source.pages : 1;
  const out = ((recipe.geometry.width * recipe.geometry.height) / 1e6) * frames;
  const encode = out * FORMAT_COST[recipe.format] * (recipe.lossless ? 2 : 1);
  return encode + ((source.width * source.height) / 1e6) * frames * DECODE_COST;
}
