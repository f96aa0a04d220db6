/** The URLs Quire emits for entries, categories and static files; one place, so every link agrees with the router. */
import type { IndexedEntry } from "../db/index.js";

/** `/blog/travel/` for a category path (`/` for the root). */
export function categoryPath(category: string): string {
  return category === "" ? "/" : `/${categorySegments(category)}/`;
}

/** The canonical path of an entry: `Path-Canonical` if set, else `/<category>/<id>-<slug>`. */
export function entryPath(entry: Pick<IndexedEntry, "id" | "slug" | "category" | "pathCanonical">): string {
  let path = PATHS.get(entry);
  if (path === undefined) {
    path = pathOf(entry);
    // Entries read from the index are frozen: the path of one such object never changes.
    if (Object.isFrozen(entry)) PATHS.set(entry, path);
  }
  return path;
}

// Pages link to the same entries again and again (listings, neighbours, feeds).
const PATHS = new WeakMap<object, string>();

function pathOf(entry: Pick<IndexedEntry, "id" | "slug" | "category" | "pathCanonical">): string {
  if (entry.pathCanonical)
    return entry.pathCanonical.startsWith("/") ? entry.pathCanonical : `/${entry.pathCanonical}`;
  const tail = entry.slug ? `${entry.id}-${encodeURIComponent(entry.slug)}` : String(entry.id);
  return entry.category === "" ? `/${tail}` : `/${categorySegments(entry.category)}/${tail}`;
}

// Every link to an entry encodes its category's path; a site has few categories.
const CATEGORY_SEGMENTS = new Map<string, string>();

function categorySegments(category: string): string {
  let encoded = CATEGORY_SEGMENTS.get(category);
  if (encoded === undefined) {
    encoded = encodeSegments(category);
    if (CATEGORY_SEGMENTS.size >= 1000) CATEGORY_SEGMENTS.clear();
    CATEGORY_SEGMENTS.set(category, encoded);
  }
  return encoded;
}

/** A named template of a category: `/blog/feed`, `/sitemap.xml`. */
export function templatePath(category: string, template: string): string {
  return `${categoryPath(category)}${encodeURIComponent(template)}`;
}

/** A file under static/: `/static/style.css`. */
export function staticPath(path: string): string {
  return `/static/${encodeSegments(path.replace(/^\/+/, ""))}`;
}

// Pages ask for the same absolute links over and over (the canonical link, cards): each is parsed once.
const ABSOLUTE = new Map<string, string>();
/** Enough for every entry of a 10,000-entry site and its pages: a listing asks for each entry's again and again. */
const MAX_ABSOLUTE = 25_000;

/** An absolute URL for a path, against the site's base URL; the path itself when the site has none. */
export function absoluteUrl(baseUrl: string, path: string): string {
  if (baseUrl === "") return path;
  const key = `${baseUrl}\0${path}`;
  let url = ABSOLUTE.get(key);
  if (url === undefined) {
    url = new URL(path, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`).toString();
    if (ABSOLUTE.size >= MAX_ABSOLUTE) ABSOLUTE.clear();
    ABSOLUTE.set(key, url);
  }
  return url;
}

function encodeSegments(path: string): string {
  return path
    .split("/")
    .filter(Boolean)
    .map((s) => encodeURIComponent(s))
    .join("/");
}
