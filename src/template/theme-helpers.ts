/**
 * Quire's own template helpers for themes (the default theme uses them; Publ has no such names, so a Publ
 * site's templates never meet them): `template_url("style.css")`, a URL that changes with the template's
 * source so it can be cached for a year, and the `eager_first` filter, which lets a page's first image load
 * at once while the others stay lazy.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";

/** The query parameter that carries a template's version (`/style.css?v=…`). */
export const VERSION_PARAM = "v";

/** How long a response at a versioned URL may be kept: its URL changes whenever its source does. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

const versions = new Map<string, { mtimeMs: number; size: number; version: string }>();

/**
 * A short hash of a template file's bytes, or "" when it cannot be read. Memoised by modification time and
 * size, so a page asking for it costs a `stat`.
 */
export function templateVersion(file: string): string {
  let mtimeMs: number;
  let size: number;
  try {
    ({ mtimeMs, size } = statSync(file));
  } catch {
    return "";
  }
  const known = versions.get(file);
  if (known && known.mtimeMs === mtimeMs && known.size === size) return known.version;
  let version = "";
  try {
    version = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 12);
  } catch {
    return "";
  }
  versions.set(file, { mtimeMs, size, version });
  return version;
}

/** The root-relative URL of a template page with its version: `/style.css?v=1a2b3c4d5e6f`. */
export function versionedUrl(name: string, file: string | null): string {
  const path = `/${name.replace(/^\/+/, "")}`;
  const version = file ? templateVersion(file) : "";
  return version ? `${path}?${VERSION_PARAM}=${version}` : path;
}

/**
 * True when a request for a template page names the version that template has now: the answer may be
 * cached for a year. Any other version (an old page still in a cache) gets the current file, revalidated.
 */
export function isCurrentVersion(query: URLSearchParams, file: string): boolean {
  const asked = query.get(VERSION_PARAM);
  return asked !== null && asked !== "" && asked === templateVersion(file);
}

const LAZY_IMG = /<img\b[^>]*?\sloading="lazy"[^>]*>/i;
const LAZY_ATTR = /loading="lazy"/i;

/**
 * The HTML with its first lazily loaded image made eager (and fetched early): the image a reader sees first
 * should not wait for layout, as `loading="lazy"` makes it; the ones further down stay lazy.
 */
export function eagerFirstImage(html: string): string {
  // Most pages have no lazy image: a plain search says so without trying the tag pattern at every `<img`.
  if (!LAZY_ATTR.test(html)) return html;
  return html.replace(LAZY_IMG, (tag) =>
    tag.replace(/\sloading="lazy"/i, ' loading="eager" fetchpriority="high"'),
  );
}
