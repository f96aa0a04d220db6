/** Rendition names (pure): a readable, content-addressed file name for a recipe applied to a source. */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import type { Recipe, SourceFormat } from "./recipe.js";

/** Bump when processing changes so every rendition gets a new name (old cached objects are simply never asked for again). */
export const RENDITION_VERSION = 1;

const EXTENSIONS: Record<SourceFormat, string> = {
  jpeg: "jpg",
  png: "png",
  webp: "webp",
  avif: "avif",
  gif: "gif",
  svg: "svg",
};
const CONTENT_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
  gif: "image/gif",
  svg: "image/svg+xml",
};

/** `<source-slug>_<hash10>_<W>x<H>.<ext>`; SVG passthroughs have no size part. */
export const RENDITION_NAME =
  /^[a-z0-9][a-z0-9-]{0,47}_[0-9a-f]{10}(?:_[1-9][0-9]{0,4}x[1-9][0-9]{0,4})?\.(?:jpg|png|webp|avif|gif|svg)$/;

/** The file name of a rendition: slug of the source's base name, a digest of (version, source hash, recipe), size and extension. */
export function renditionName(sourcePath: string, sourceHash: string, recipe: Recipe): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([RENDITION_VERSION, sourceHash, canonicalRecipe(recipe)]))
    .digest("hex")
    .slice(0, 10);
  const slug = sourceSlug(sourcePath);
  const ext = EXTENSIONS[recipe.format];
  if (recipe.kind === "passthrough") return `${slug}_${digest}.${ext}`;
  return `${slug}_${digest}_${recipe.geometry.width}x${recipe.geometry.height}.${ext}`;
}

/** The base name without extension, lowercased, runs of anything else collapsed to `-`; `image` when nothing is left. */
export function sourceSlug(sourcePath: string): string {
  const base = posix.basename(sourcePath).replace(/\.[^.]*$/, "");
  const slug = base
    .normalize("NFKD")
    // Decomposed accents dropped: "Crème" reads as "creme", not "cre-me".
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug || "image";
}

/** The MIME type for a rendition name's extension (application/octet-stream when unknown). */
export function contentTypeFor(name: string): string {
  const ext = name.slice(name.lastIndexOf(".") + 1);
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

/** The extension Quire writes for a format. */
export function extensionFor(format: SourceFormat): string {
  return EXTENSIONS[format];
}

/** A recipe as a stable array, so key order or optional fields never change a name. */
function canonicalRecipe(recipe: Recipe): unknown[] {
  if (recipe.kind === "passthrough") return ["passthrough"];
  const g = recipe.geometry;
  const region = g.region ? [g.region.left, g.region.top, g.region.width, g.region.height] : null;
  return [
    recipe.format,
    g.width,
    g.height,
    region,
    recipe.quality,
    recipe.lossless,
    recipe.background,
    recipe.quantize,
    recipe.kernel,
    recipe.animated,
  ];
}
