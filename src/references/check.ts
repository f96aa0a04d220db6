/**
 * Checks what entries point at: images that are not there, images without alt text, and links to an entry
 * file, static file or site path that nothing answers. Each problem names the file, the line and what was
 * expected. They are warnings: the page still renders, as Publ renders it, but a reader would meet the gap.
 */
import { readFileSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { QuireError } from "../errors.js";
import { candidatePaths, pathKind } from "../image/source-path.js";
import { routeRequest, type RouteContext } from "../http/route.js";
import { contentAsset, staticFile } from "../http/site-files.js";
import { isIconPath } from "../http/site-icons.js";
import type { SiteRoots } from "../content/site-roots.js";
import type { ContentIndex } from "../db/index.js";
import { entryReferences, type Reference } from "./scan.js";

/** What the checks read: the site's folders, its index and how it routes a path. */
export interface ReferenceDeps {
  contentDir: string;
  roots: SiteRoots;
  index: ContentIndex;
  route: RouteContext;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const ENTRY_FILE = /\.(md|markdown|html?)$/i;

/** The reference problems of every indexed entry, by file and line. */
export function referenceProblems(deps: ReferenceDeps): QuireError[] {
  const rows = deps.index.db.prepare("SELECT file, category FROM entries ORDER BY file").all() as {
    file: string;
    category: string;
  }[];
  const out: QuireError[] = [];
  for (const row of rows) out.push(...entryReferenceProblems(deps, row.file, row.category));
  return out;
}

/** The reference problems of one entry file (relative to content/). */
export function entryReferenceProblems(deps: ReferenceDeps, file: string, category: string): QuireError[] {
  let text: string;
  try {
    text = readFileSync(join(deps.contentDir, file), "utf8");
  } catch {
    return []; // an unreadable file is reported by the index already
  }
  const format = ENTRY_FILE.test(file) && !/\.html?$/i.test(file) ? "markdown" : "html";
  const out: QuireError[] = [];
  for (const ref of entryReferences(text, format)) out.push(...checkReference(deps, file, category, ref));
  return out;
}

function checkReference(deps: ReferenceDeps, file: string, category: string, ref: Reference): QuireError[] {
  const where = { file: `content/${file}`, line: ref.line };
  if (ref.kind === "image") {
    const out: QuireError[] = [];
    for (const path of ref.paths) {
      const missing = missingImage(deps, file, category, path);
      if (missing)
        out.push(new QuireError("E_ENTRY_IMAGE_MISSING", missing, { ...where, field: path.slice(0, 200) }));
    }
    if (!ref.hasAlt) {
      const names = ref.paths.map((p) => posix.basename(p.split(/[?#]/, 1)[0]!)).join(", ");
      out.push(
        new QuireError(
          "E_ENTRY_IMAGE_ALT",
          `${ref.paths.length === 1 ? "image" : "images"} ${names} ${ref.paths.length === 1 ? "has" : "have"} no alt text, so screen readers read out the file name; describe ${ref.paths.length === 1 ? "it" : "them"} in ![…](…) or with {alt="…"}`,
          { ...where, field: ref.paths[0]!.slice(0, 200) },
        ),
      );
    }
    return out;
  }
  const broken = brokenLink(deps, file, category, ref.target);
  return broken
    ? [new QuireError("E_ENTRY_LINK", broken, { ...where, field: ref.target.slice(0, 200) })]
    : [];
}

/** Why an image path finds no file, or null when it does (or is someone else's URL). */
function missingImage(deps: ReferenceDeps, file: string, category: string, raw: string): string | null {
  const path = decode(raw);
  const kind = pathKind(path);
  if (kind === "external") return null;
  if (kind === "static") {
    return staticFile(deps.roots, encodePath(path.slice(1)))
      ? null
      : `image ${raw} not found: expected static/${path.slice(1)}; readers see an error in its place`;
  }
  const candidates = candidatePaths(path, { entryFile: file, category });
  if (candidates.some((c) => isFile(join(deps.contentDir, c)))) return null;
  const looked = candidates.map((c) => `content/${c}`).join(", ") || "a path inside content/";
  return `image ${raw} not found: expected ${looked}; readers see an error in its place`;
}

/** Why a link leads nowhere, or null when something answers it (or it leaves the site). */
function brokenLink(deps: ReferenceDeps, file: string, category: string, raw: string): string | null {
  if (raw === "" || raw.startsWith("#") || raw.startsWith("//") || SCHEME.test(raw)) return null;
  const path = decode(raw.split(/[?#]/, 1)[0]!);
  if (path === "") return null;
  if (path.startsWith("@")) {
    return staticFile(deps.roots, encodePath(path.slice(1)))
      ? null
      : `link to ${raw} leads nowhere: expected static/${path.slice(1)}`;
  }
  if (/^\d+$/.test(path)) {
    return deps.index.entryById(Number(path))
      ? null
      : `link to ${raw} leads nowhere: no entry has ID ${path}`;
  }
  if (path.startsWith("/") && !ENTRY_FILE.test(path)) return brokenSitePath(deps, raw, path);
  // `/notes/a.md` names an entry file; any other such path is a URL, as the renderer treats it.
  if (path.startsWith("/") && !deps.index.entryByFile(posix.normalize(path).slice(1)))
    return brokenSitePath(deps, raw, path);
  // A relative path (or `/x.md`): an entry file or a file under content/, as the renderer resolves it.
  const folder = posix.dirname(file) === "." ? "" : posix.dirname(file);
  const candidates = path.startsWith("/")
    ? [posix.normalize(path).slice(1)]
    : [...new Set([posix.join(folder, path), posix.join(category, path), posix.normalize(path)])].filter(
        (p) => p !== "." && !p.startsWith(".."),
      );
  for (const c of candidates) {
    if (ENTRY_FILE.test(c) && deps.index.entryByFile(c)) return null;
    if (isFile(join(deps.contentDir, c))) return null;
  }
  // Other relative paths may be pages relative to the entry's URL, as may paths that leave content/: only
  // file names inside content/ are judged.
  if (candidates.length === 0 || (!ENTRY_FILE.test(path) && !/\.[a-z0-9]{1,5}$/i.test(path))) return null;
  const what = ENTRY_FILE.test(path) ? "an entry file" : "a file";
  return `link to ${raw} leads nowhere: expected ${what} at ${candidates.map((c) => `content/${c}`).join(" or ")}`;
}

/** A root-relative link: a static or content file, or a path the router answers. */
function brokenSitePath(deps: ReferenceDeps, raw: string, path: string): string | null {
  if (path.startsWith("/static/")) {
    return staticFile(deps.roots, encodePath(path.slice("/static/".length)))
      ? null
      : `link to ${raw} leads nowhere: expected static/${path.slice("/static/".length)}`;
  }
  if (path.startsWith("/_file/")) {
    return contentAsset(deps.roots, encodePath(path.slice("/_file/".length)))
      ? null
      : `link to ${raw} leads nowhere: expected content/${path.slice("/_file/".length)}`;
  }
  // Renditions, sign-in and the like are Quire's own routes.
  if (path.startsWith("/_") || isIconPath(path)) return null;
  const route = routeRequest(deps.route, encodePath(path), "");
  if (route.kind !== "error" || route.status !== 404) return null;
  return `link to ${raw} leads nowhere: no entry, category, template or alias answers ${path}`;
}

function decode(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}

function encodePath(p: string): string {
  return p.split("/").map(encodeURIComponent).join("/");
}

function isFile(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}

/**
 * Where in an entry file a link to `url` (a root-relative path, as a built page holds it) is written:
 * `content/blog/a.md:12`, or the file alone when the link came out of a template or could not be matched.
 */
export function linkSource(contentDir: string, file: string, url: string, page = "/"): string {
  return linkLine(contentDir, file, url, page) ?? `content/${file}`;
}

/**
 * `content/<file>:<line>` where the entry file writes a link to `url`, or null. A relative link is matched
 * as the renderer leaves it (relative to the page showing it) and as a path beside the file.
 */
export function linkLine(contentDir: string, file: string, url: string, page = "/"): string | null {
  const wanted = decode(url.split(/[?#]/, 1)[0]!);
  let text = "";
  try {
    text = readFileSync(join(contentDir, file), "utf8");
  } catch {
    return null;
  }
  const format = /\.html?$/i.test(file) ? "html" : "markdown";
  for (const ref of entryReferences(text, format)) {
    if (ref.kind !== "link") continue;
    const target = decode(ref.target.split(/[?#]/, 1)[0]!);
    if (target === wanted) return `content/${file}:${ref.line}`;
    if (target.startsWith("/")) continue;
    const pageDir = page.endsWith("/") ? page : posix.dirname(page);
    for (const base of [pageDir, posix.dirname(`/${file}`)])
      if (posix.join(base, target) === wanted) return `content/${file}:${ref.line}`;
  }
  return null;
}
