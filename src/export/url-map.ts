/** The static URL scheme (pure): where a page URL's file lives in the export, and the folder paths that replace
 *  the `?id=`, `?date=` and `?tag=` query strings a static host cannot serve. */
import { createHash } from "node:crypto";
import { tagKey } from "../db/refresh.js";
import { specFromQuery, type ViewSpec } from "../view/index.js";
import { slugify } from "../markdown/index.js";

/** The query parameters that pick a view page; everything else in a query string is left alone. */
export const VIEW_PARAMS: readonly string[] = ["id", "date", "tag"];

/** Joins the tags of a multi-tag page: `/blog/tag/photos,travel/`. Not `+`, which some hosts read as a space. */
export const TAG_SEPARATOR = ",";

// A tag key made only of these is its own folder name; anything else gets a slug and a short hash.
const PLAIN_TAG = /^[\p{L}\p{N}\p{M}][\p{L}\p{N}\p{M} _.~-]*$/u;

/** The folder name of one tag: its case-folded key when that is a safe file name, else `slug-<hash8>`. */
export function tagSegment(tag: string): string {
  const key = tagKey(tag);
  if (PLAIN_TAG.test(key) && !key.endsWith(".")) return key;
  const hash = createHash("sha1").update(key).digest("hex").slice(0, 8);
  return `${slugify(key) || "tag"}-${hash}`;
}

/** True when a query string carries any view parameter. */
export function hasViewParams(params: URLSearchParams): boolean {
  return VIEW_PARAMS.some((name) => params.has(name));
}

/** The static path of a view page under `base` (which ends with `/`): tags first, then the date or the anchor. */
export function viewStaticPath(base: string, spec: Pick<ViewSpec, "tag" | "date" | "id">): string {
  let path = base.endsWith("/") ? base : `${base}/`;
  const segments = [...new Set(spec.tag.map(tagSegment))].filter((s) => s !== "").sort();
  if (segments.length > 0) path += `tag/${segments.map(encodeURIComponent).join(TAG_SEPARATOR)}/`;
  if (spec.date !== null) path += `date/${encodeURIComponent(spec.date)}/`;
  else if (spec.id !== null) path += `id/${spec.id}/`;
  return path;
}

/** A view URL mapped to its static form: the folder path and the query parameters that remain (never view ones). */
export interface MappedUrl {
  path: string;
  search: string;
}

/**
 * `/blog/?tag=Travel&id=123` → `/blog/tag/travel/id/123/`; `/archive?date=2024` → `/archive/date/2024/`.
 * Null when the URL has no view parameter or they are not valid (the link is then left as written).
 */
export function mapViewUrl(pathname: string, params: URLSearchParams): MappedUrl | null {
  if (!hasViewParams(params)) return null;
  let spec: ViewSpec;
  try {
    spec = specFromQuery(params);
  } catch {
    return null;
  }
  const rest = new URLSearchParams();
  for (const [name, value] of params) if (!VIEW_PARAMS.includes(name)) rest.append(name, value);
  const search = rest.size > 0 ? `?${rest.toString()}` : "";
  return { path: viewStaticPath(pathname, spec), search };
}

/** File extensions by response type, for feeds and other templates routed without one (`/feed` → `feed.xml`). */
const EXTENSIONS: Record<string, string> = {
  "application/atom+xml": "xml",
  "application/rss+xml": "xml",
  "application/xml": "xml",
  "text/xml": "xml",
  "application/json": "json",
  "text/plain": "txt",
  "text/css": "css",
  "text/javascript": "js",
  "image/svg+xml": "svg",
};

/** Where a page is written, relative to the output folder; `typed` is true when a file has no extension to type it. */
export interface PageFiles {
  files: string[];
  /** The extensionless file that needs a Content-Type header on the host (`_headers`), if any. */
  untyped: string | null;
}

/**
 * The files of a page at `urlPath` (already mapped) with this response type: HTML pages become
 * `<path>/index.html` (served at the extensionless URL by every host), a path ending in `.html` or in the
 * type's own extension is written as it is, and a page whose URL has no extension (`/feed`) is written both
 * at that exact path and with its extension (`feed.xml`). Null when the path cannot be a file name.
 */
export function pageFiles(urlPath: string, mimeType: string): PageFiles | null {
  const segments = fileSegments(urlPath);
  if (!segments) return null;
  const dir = urlPath.endsWith("/");
  const last = segments[segments.length - 1];
  const joined = segments.join("/");
  const type = mimeType.split(";")[0]!.trim().toLowerCase();
  if (type === "text/html") {
    if (dir || !last) return { files: [joined ? `${joined}/index.html` : "index.html"], untyped: null };
    if (/\.html?$/i.test(last)) return { files: [joined], untyped: null };
    return { files: [`${joined}/index.html`], untyped: null };
  }
  const ext = EXTENSIONS[type] ?? "bin";
  if (dir || !last) return { files: [joined ? `${joined}/index.${ext}` : `index.${ext}`], untyped: null };
  if (/\.[A-Za-z0-9]{1,8}$/.test(last)) return { files: [joined], untyped: null };
  return { files: [joined, `${joined}.${ext}`], untyped: joined };
}

/** The file written for a redirect from `urlPath`: `old/index.html`, or the path itself when it ends in `.html`. */
export function redirectFile(urlPath: string): string | null {
  const segments = fileSegments(urlPath);
  if (!segments || segments.length === 0) return null;
  const joined = segments.join("/");
  return /\.html?$/i.test(segments[segments.length - 1]!) ? joined : `${joined}/index.html`;
}

/** True when a page at this URL is written as `…/index.html` although its URL has no trailing slash. */
export function gainsSlash(urlPath: string, files: readonly string[]): boolean {
  return !urlPath.endsWith("/") && files[0]?.endsWith("/index.html") === true;
}

/** Decoded path segments that are safe as file names, or null (dot segments, separators, NUL, control characters). */
export function fileSegments(urlPath: string): string[] | null {
  const out: string[] = [];
  for (const raw of urlPath.split("/")) {
    if (raw === "") continue;
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return null;
    }
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a file name
    if (s === "." || s === ".." || /[\\/\u0000-\u001f\u007f]/.test(s) || s.length > 255) return null;
    out.push(s);
  }
  return out;
}
