/** The URL router for content: maps a request path to an entry, a category page, a redirect or an error; no I/O beyond index lookups. */
import type { ContentIndex, IndexedEntry } from "../db/index.js";
import { entryPath, categoryPath } from "../template/urls.js";
import { mayRead, type ReaderAccess } from "../auth/access-rule.js";
import { attachmentParentsAllow } from "../view/attachments.js";

export type Route =
  | { kind: "entry"; entry: IndexedEntry; template: string | null }
  | { kind: "category"; category: string; template: string }
  | { kind: "redirect"; location: string; status: 301 | 302 }
  | { kind: "error"; status: number; category: string; reason: string; entry?: IndexedEntry };

export interface RouteContext {
  index: ContentIndex;
  now: number;
  /** Who asks: an entry whose `Auth:` refuses them answers 401 (signed out) or 403 (signed in). */
  reader: ReaderAccess;
  /** Serve DRAFT entries at their URLs (`quire serve --dev --drafts`, an author's preview). */
  drafts?: boolean;
  /** Every category path (from `index.categories()`, memoised by the caller). */
  categories: ReadonlySet<string>;
  /** The template of a category's index pages (`Index-Template` of its `.cat` file, default `index`). */
  indexTemplate: (category: string) => string;
  /** The default template of a category's entries (`Entry-Template` of its `.cat` file), or null. */
  entryTemplate: (category: string) => string | null;
  /** True when a template of this name exists for this category (routable templates only). */
  hasTemplate: (category: string, name: string) => boolean;
  /** True when the request carries a valid preview link for this entry (a draft or a scheduled entry). */
  preview?: (entry: IndexedEntry) => boolean;
}

/** The reason of an error route for an entry the reader may not read (pages render it with its own template). */
export const PRIVATE_REASON = "the entry is private";

/** Status codes for entry statuses that are not served normally. */
const STATUS_ERRORS: Partial<Record<IndexedEntry["status"], number>> = {
  DRAFT: 403,
  GONE: 410,
  DELETED: 410,
  ILLEGAL: 451,
  DMCA: 451,
  TEAPOT: 418,
};

/**
 * The most path segments a routable URL has. Categories, an entry and a template name take a handful; a path
 * with more is refused before any lookup, so routing work stays bounded whatever the URL.
 */
export const MAX_PATH_SEGMENTS = 64;

/** Routes a decoded request path; `search` is the raw query string with its `?` (kept on redirects). */
export function routeRequest(ctx: RouteContext, rawPath: string, search: string): Route {
  if (segmentCount(rawPath) > MAX_PATH_SEGMENTS) return tooManySegments();
  const path = decodePath(rawPath);
  if (path === null || path.includes("\0")) return notFound("", "the path is not valid UTF-8");
  const segments = path.split("/").filter(Boolean);
  // Encoded slashes (`%2F`) count once decoded too.
  if (segments.length > MAX_PATH_SEGMENTS) return tooManySegments();
  if (segments.some((s) => s === "." || s === "..")) return notFound("", "the path has dot segments");
  // As in Publ, a path whose first segment starts with `_` is never an entry, category or template
  // (`/_login/12-x` is not entry 12); only an alias can claim it.
  if (segments[0]?.startsWith("_")) return aliasRoute(ctx, path, rawPath, search) ?? notFound("", "no alias");
  const trailingSlash = path.endsWith("/");
  const categories = ctx.categories;

  if (segments.length === 0) return { kind: "category", category: "", template: ctx.indexTemplate("") };
  const last = segments[segments.length - 1]!;
  const parent = segments.slice(0, -1).join("/");
  const whole = segments.join("/");

  if (trailingSlash && categories.has(whole)) {
    return { kind: "category", category: whole, template: ctx.indexTemplate(whole) };
  }

  const idMatch = /^(\d{1,15})(?:-(.*))?$/.exec(last);
  if (idMatch && !trailingSlash) {
    const entry = ctx.index.entryById(Number(idMatch[1]));
    if (entry) return entryRoute(ctx, entry, rawPath, search, false);
  }

  if (!trailingSlash && categories.has(parent) && isRoutableTemplate(last) && ctx.hasTemplate(parent, last)) {
    return { kind: "category", category: parent, template: last };
  }
  if (!trailingSlash && categories.has(whole)) {
    return { kind: "redirect", location: categoryPath(whole) + search, status: 301 };
  }

  const aliased = aliasRoute(ctx, path, rawPath, search);
  if (aliased) return aliased;
  const nearest = nearestCategory(categories, segments);
  return notFound(nearest, "no entry, category or template at this path");
}

/**
 * A path claimed by a `Path-Alias`, `Path-Mount` or `Path-Canonical` (of an entry or a `.cat` file), as Publ
 * routes them: an alias redirects (to the entry, or with a template to that category view positioned at the
 * entry); a mount or canonical path serves in place (with the template named, if any).
 */
function aliasRoute(ctx: RouteContext, path: string, rawPath: string, search: string): Route | null {
  const alias = ctx.index.alias(path);
  if (!alias) return null;
  if (alias.kind === "category" || alias.kind === "category-mount") {
    const meta = ctx.index.db
      .prepare("SELECT category FROM category_files WHERE file = ?")
      .get(alias.file) as { category: string } | undefined;
    if (!meta) return null;
    const template = alias.template ?? ctx.indexTemplate(meta.category);
    if (alias.kind === "category-mount") return { kind: "category", category: meta.category, template };
    return {
      kind: "redirect",
      location: categoryViewPath(ctx, meta.category, template) + search,
      status: 301,
    };
  }
  const entry = ctx.index.entryByFile(alias.file);
  if (!entry) return null;
  if (alias.kind === "alias" && alias.template !== null) {
    const blocked = entryBlocked(ctx, entry);
    if (blocked) return blocked;
    const view = categoryViewPath(ctx, entry.category, alias.template);
    return { kind: "redirect", location: `${view}?id=${entry.id}`, status: 301 };
  }
  const route = entryRoute(ctx, entry, rawPath, search, alias.kind !== "alias");
  if (route.kind === "entry" && alias.kind === "mount" && alias.template !== null)
    return { ...route, template: alias.template };
  return route;
}

/** `/<category>/` for the category's own index template, else `/<category>/<template>`. */
function categoryViewPath(ctx: RouteContext, category: string, template: string): string {
  const base = categoryPath(category);
  return template === ctx.indexTemplate(category) ? base : base + encodeURIComponent(template);
}

/** The error an entry's status or schedule gives before anything else about it, or null. */
function entryBlocked(ctx: RouteContext, entry: IndexedEntry): Route | null {
  // A signed preview link opens a draft or a scheduled entry before its date (never past its Auth: rule).
  const unpublished = entry.status === "DRAFT" || (entry.status === "SCHEDULED" && entry.date > ctx.now);
  const previewed = unpublished && ctx.preview?.(entry) === true;
  const status =
    previewed || (entry.status === "DRAFT" && ctx.drafts) ? undefined : STATUS_ERRORS[entry.status];
  if (status) return { kind: "error", status, category: entry.category, reason: entry.status, entry };
  if (!previewed && !isVisible(entry, ctx.now))
    return notFound(entry.category, "the entry is not published yet");
  // Before any redirect: the canonical URL carries the slug (the title) and Redirect-To is the author's to keep.
  // An attachment-only entry is private where every entry it is attached to is.
  const parentsAllow = attachmentParentsAllow(ctx, entry, (parent) => mayRead(ctx.reader, parent.auth));
  if (!mayRead(ctx.reader, entry.auth) || !parentsAllow) {
    const status = ctx.reader.signedIn ? 403 : 401;
    return { kind: "error", status, category: entry.category, reason: PRIVATE_REASON, entry };
  }
  return null;
}

function entryRoute(
  ctx: RouteContext,
  entry: IndexedEntry,
  rawPath: string,
  search: string,
  mounted: boolean,
): Route {
  const blocked = entryBlocked(ctx, entry);
  if (blocked) return blocked;
  if (entry.redirectTo) {
    const location = safeLocation(entry.redirectTo);
    if (location) return { kind: "redirect", location, status: 301 };
  }
  const canonical = entryPath(entry);
  if (!mounted && rawPath !== canonical)
    return { kind: "redirect", location: canonical + search, status: 301 };
  return { kind: "entry", entry, template: entry.entryTemplate ?? ctx.entryTemplate(entry.category) };
}

/**
 * Templates that can be asked for by URL: not private (`_name`), and not the ones that need an entry or an
 * error to render (`entry`, `error`, `404`…), which would only fail or mislead when requested directly.
 */
export function isRoutableTemplate(name: string): boolean {
  return !name.startsWith("_") && name !== "entry" && name !== "error" && !/^\d{3}$/.test(name);
}

/**
 * Whether an entry's own URL answers: scheduled entries only once their date has passed. Attachments answer
 * at their URL as Publ's do (they are only left out of listings).
 */
export function isVisible(entry: Pick<IndexedEntry, "status" | "date">, now: number): boolean {
  if (entry.status === "SCHEDULED") return entry.date <= now;
  return true;
}

/** A redirect target safe to put in a Location header: no control characters (header injection), no scheme tricks. */
export function safeLocation(target: string): string | null {
  const t = target.trim();
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused here
  if (t === "" || /[\u0000-\u001f\u007f]/.test(t)) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(t) && !/^https?:/i.test(t)) return null;
  try {
    // Encodes spaces and non-ASCII so the header stays valid.
    return /^https?:/i.test(t) ? new URL(t).toString() : encodeURI(decodeURISafe(t));
  } catch {
    return null;
  }
}

function decodeURISafe(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}

function decodePath(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** The `/`-separated segments of a raw path, counted in one pass without splitting it. */
function segmentCount(rawPath: string): number {
  let count = 0;
  let inSegment = false;
  for (let i = 0; i < rawPath.length; i++) {
    if (rawPath.charCodeAt(i) === 47) inSegment = false;
    else if (!inSegment) {
      inSegment = true;
      count++;
    }
  }
  return count;
}

function tooManySegments(): Route {
  return { kind: "error", status: 414, category: "", reason: "the path has too many segments" };
}

// The depth of the deepest category, per category set (the set is replaced whenever the categories change).
const depths = new WeakMap<ReadonlySet<string>, number>();

function categoryDepth(categories: ReadonlySet<string>): number {
  let depth = depths.get(categories);
  if (depth === undefined) {
    depth = 0;
    for (const c of categories) if (c !== "") depth = Math.max(depth, c.split("/").length);
    depths.set(categories, depth);
  }
  return depth;
}

/** The deepest category that is a prefix of the path: only prefixes no deeper than the deepest category are tried. */
function nearestCategory(categories: ReadonlySet<string>, segments: string[]): string {
  const prefixes: string[] = [];
  let prefix = "";
  for (const segment of segments.slice(0, categoryDepth(categories))) {
    prefix = prefix === "" ? segment : `${prefix}/${segment}`;
    prefixes.push(prefix);
  }
  for (let i = prefixes.length - 1; i >= 0; i--) if (categories.has(prefixes[i]!)) return prefixes[i]!;
  return "";
}

function notFound(category: string, reason: string): Route {
  return { kind: "error", status: 404, category, reason };
}
