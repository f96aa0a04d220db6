/** What a rendition name may look like in a store (a strict charset, so it is safe as a file name and an S3 key), and its content type. */
import { QuireError } from "../errors.js";

/**
 * Letters, digits, `.`, `_`, `-`; starting with a letter or digit; at most 200 characters (file systems
 * allow 255 bytes and the local store appends a temporary suffix while writing). No `/`, no `..`, no NUL:
 * a name can never leave the store's folder or prefix.
 */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
  gif: "image/gif",
  svg: "image/svg+xml",
  tif: "image/tiff",
  tiff: "image/tiff",
  heic: "image/heic",
  heif: "image/heif",
  jxl: "image/jxl",
};

/** True when `name` is acceptable as a rendition name. */
export function isRenditionName(name: string): boolean {
  return NAME_PATTERN.test(name) && !name.includes("..");
}

/** Throws a QuireError E_STORE unless `name` is acceptable as a rendition name. */
export function assertRenditionName(name: string): void {
  if (typeof name !== "string" || !isRenditionName(name)) {
    const shown = typeof name === "string" ? JSON.stringify(name.slice(0, 80)) : String(name);
    throw new QuireError(
      "E_STORE",
      `${shown} is not a valid rendition name (letters, digits, ".", "_" and "-", at most 200 characters, no "..")`,
      { field: "name" },
    );
  }
}

/** The content type a rendition name's extension implies; `application/octet-stream` when unknown. */
export function contentTypeFor(name: string): string {
  const dot = name.lastIndexOf(".");
  if (dot < 0) return "application/octet-stream";
  return CONTENT_TYPES[name.slice(dot + 1).toLowerCase()] ?? "application/octet-stream";
}
