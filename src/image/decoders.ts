/** Which libvips decoders may run: only the safe list (JPEG, PNG, WebP, GIF, AVIF), the runtime form of VIPS_BLOCK_UNTRUSTED. */
import { createRequire } from "node:module";
import type Sharp from "sharp";

/** libvips loaders left enabled; every other `VipsForeignLoad*` (SVG, PDF, TIFF, magick, FITS, …) is blocked. */
export const ALLOWED_LOADERS = [
  "VipsForeignLoadJpegBuffer",
  "VipsForeignLoadJpegFile",
  "VipsForeignLoadPngBuffer",
  "VipsForeignLoadPngFile",
  "VipsForeignLoadWebpBuffer",
  "VipsForeignLoadWebpFile",
  "VipsForeignLoadNsgifBuffer",
  "VipsForeignLoadNsgifFile",
  "VipsForeignLoadHeifBuffer",
  "VipsForeignLoadHeifFile",
] as const;

let restricted = false;
let sharpModule: typeof Sharp | undefined;

/**
 * sharp and libvips, loaded on the first image work rather than at boot (loading them costs tens of
 * milliseconds that a server answering cached pages need not pay), with the decoders restricted.
 */
export function loadSharp(): typeof Sharp {
  sharpModule ??= createRequire(import.meta.url)("sharp") as typeof Sharp;
  restrictDecoders();
  return sharpModule;
}

/**
 * Block every libvips loader except the safe list, once per process. The setting is process-wide in libvips,
 * so it is applied when the image pipeline first runs rather than at import time.
 */
export function restrictDecoders(): void {
  if (restricted) return;
  const sharp = (sharpModule ??= createRequire(import.meta.url)("sharp") as typeof Sharp);
  sharp.block({ operation: ["VipsForeignLoad"] });
  sharp.unblock({ operation: [...ALLOWED_LOADERS] });
  restricted = true;
}
