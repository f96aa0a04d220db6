/** Rendition geometry (pure): from the oriented source size and the sizing arguments to an output size and a source region. */
import { QuireError } from "../errors.js";
import type { PixelArgs } from "./image-args.js";

/** A rectangle on the oriented source, in whole pixels. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** What to cut from the (oriented) source and what size to scale it to. */
export interface Geometry {
  width: number;
  height: number;
  /** The part of the source to use, or null for all of it. */
  region: Box | null;
}

export interface Size {
  width: number;
  height: number;
}

/** No output edge is ever longer than this, whatever the arguments say. */
export const MAX_OUTPUT_EDGE = 4096;

type SizeArgs = Pick<
  PixelArgs,
  | "width"
  | "height"
  | "max_width"
  | "max_height"
  | "scale"
  | "scale_min_width"
  | "scale_min_height"
  | "resize"
  | "crop"
  | "fill_crop_x"
  | "fill_crop_y"
>;

/** Output size and source region for one density (`outputScale` 1 or 2); never larger than the source. */
export function planGeometry(
  source: Size,
  args: SizeArgs,
  outputScale = 1,
  maxEdge = MAX_OUTPUT_EDGE,
): Geometry {
  const crop = cropBox(source, args.crop);
  const base = crop ?? { left: 0, top: 0, width: source.width, height: source.height };
  const mode = args.resize ?? "fit";
  if (mode === "fit") return fitGeometry(base, crop, args, outputScale, maxEdge);
  return boxGeometry(base, crop, args, outputScale, maxEdge, mode === "fill");
}

/** `fit`: keep the aspect ratio, shrink until every limit holds (Publ's order: scale, minimums, targets, maximums). */
function fitGeometry(base: Box, crop: Box | null, args: SizeArgs, k: number, maxEdge: number): Geometry {
  const w0 = base.width;
  const h0 = base.height;
  let factor = args.scale ? 1 / args.scale : 1;
  if (args.scale_min_width && w0 * factor < args.scale_min_width) factor = args.scale_min_width / w0;
  if (args.scale_min_height && h0 * factor < args.scale_min_height) factor = args.scale_min_height / h0;
  for (const limit of [args.width, args.max_width]) if (limit) factor = Math.min(factor, limit / w0);
  for (const limit of [args.height, args.max_height]) if (limit) factor = Math.min(factor, limit / h0);
  // The density multiplies, then the never-upscale and edge limits clamp; so a clamped 2x can equal the 1x.
  factor = Math.min(factor * k, 1, maxEdge / w0, maxEdge / h0);
  return {
    width: clampEdge(Math.round(w0 * factor), w0),
    height: clampEdge(Math.round(h0 * factor), h0),
    region: crop,
  };
}

/** `fill` and `stretch`: the output box is each axis's smallest limit; fill crops the source to its aspect. */
function boxGeometry(
  base: Box,
  crop: Box | null,
  args: SizeArgs,
  k: number,
  maxEdge: number,
  fill: boolean,
): Geometry {
  const w0 = base.width;
  const h0 = base.height;
  // Each side of the box is its tightest limit; a side with no limit keeps the source's length, as in Publ.
  const side = (length: number, target?: number, max?: number, min?: number): number => {
    const scaled = args.scale ? Math.max(length / args.scale, min ?? 0) : undefined;
    const limits = [target, max, scaled].filter((n): n is number => n !== undefined && n > 0);
    return limits.length > 0 ? Math.min(...limits) : length;
  };
  const tw = side(w0, args.width, args.max_width, args.scale_min_width);
  const th = side(h0, args.height, args.max_height, args.scale_min_height);
  // Shrink both axes together so neither exceeds the source: the output keeps the shape the author asked for.
  const factor = Math.min(k, w0 / tw, h0 / th, maxEdge / tw, maxEdge / th);
  const width = clampEdge(Math.round(tw * factor), w0);
  const height = clampEdge(Math.round(th * factor), h0);
  if (!fill) return { width, height, region: crop };

  // The crop box follows the requested aspect (tw:th), not the rounded output, so 1x and 2x cut the same region.
  const boxW = Math.min(w0, Math.max(1, Math.round((h0 * tw) / th)));
  const boxH = Math.min(h0, Math.max(1, Math.round((w0 * th) / tw)));
  const left = base.left + Math.round((w0 - boxW) * (args.fill_crop_x ?? 0.5));
  const top = base.top + Math.round((h0 - boxH) * (args.fill_crop_y ?? 0.5));
  const region = { left, top, width: boxW, height: boxH };
  const whole = boxW === w0 && boxH === h0;
  return { width, height, region: whole ? crop : region };
}

/** The author's crop box clipped to the source; a box entirely outside it is an error. */
function cropBox(source: Size, crop: SizeArgs["crop"]): Box | null {
  if (!crop) return null;
  const [x, y, w, h] = crop;
  const left = Math.min(x, source.width);
  const top = Math.min(y, source.height);
  const width = Math.min(w, source.width - left);
  const height = Math.min(h, source.height - top);
  if (width <= 0 || height <= 0) {
    throw new QuireError(
      "E_IMAGE_SPEC",
      `crop (${crop.join(",")}) lies outside the ${source.width}×${source.height} image`,
      {
        field: "crop",
      },
    );
  }
  if (left === 0 && top === 0 && width === source.width && height === source.height) return null;
  return { left, top, width, height };
}

function clampEdge(n: number, limit: number): number {
  return Math.max(1, Math.min(n, limit));
}
