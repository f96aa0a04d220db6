/** Renders content routes into responses: entry pages, category pages with named templates, themed error pages. */
import { createHash } from "node:crypto";
import { PRIVATE_REASON, type Route } from "./route.js";
import type { IndexedEntry } from "../db/index.js";
import { QuireError, isQuireError } from "../errors.js";
import type { FoundTemplate } from "../template/loader.js";
import { ANONYMOUS_READER, isSignedIn, type Reader } from "../auth/reader.js";
import { devErrorPage } from "./dev-error.js";
import { IMMUTABLE, isCurrentVersion } from "../template/theme-helpers.js";
import { DEFAULT_ACCEPT } from "../template/negotiate.js";
import { isBudgetError } from "../template/budget.js";

/** A rendered response, ready to send or to store in the page cache. */
export interface Page {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** Only plain successful pages are cached. */
  cacheable: boolean;
  /** The error code of the failure a 500 page stands for (the page renderer remembers some failures). */
  failure?: string;
}

/** What the page renderer needs from the site. */
export interface PageSite {
  /** A template by name for a category; with `accept` (see template/negotiate), only a variant the request takes. */
  findTemplate(name: string, category: string, accept?: readonly string[]): FoundTemplate | null;
  renderTemplate(template: FoundTemplate, context: Record<string, unknown>): string;
  /** Template variables for an entry page, rendered for a reader; `path` is the request's path. */
  entryContext(
    entry: IndexedEntry,
    query: URLSearchParams,
    reader: Reader,
    path?: string,
  ): Record<string, unknown>;
  /** Template variables for a category page (`view` built from the query), rendered for a reader. */
  categoryContext(
    category: string,
    query: URLSearchParams,
    reader: Reader,
    path?: string,
  ): Record<string, unknown>;
  /** Template variables for an error page; `entry` is the entry the reader was refused (shown as a stub). */
  errorContext(
    status: number,
    category: string,
    message: string,
    reader: Reader,
    entry?: IndexedEntry,
    path?: string,
  ): Record<string, unknown>;
  logError(err: unknown, context: Record<string, unknown>): void;
  /** How many entry files were found missing under the index so far (a deploy under way). */
  vanishedEntries?(): number;
  /** True when this entry's file was found missing; its page answers 503 until the index catches up. */
  isVanished?(entry: IndexedEntry): boolean;
  /** Development: a rendering error is shown in the browser with its template, line and message. */
  readonly dev?: boolean;
}

/** How often a page is rendered again after entries it shows were found missing (each try leaves them out). */
const VANISHED_RETRIES = 3;

const REASONS: Record<number, string> = {
  400: "Bad request",
  401: "This entry is private: sign in to read it",
  403: "This entry is not published",
  404: "Not found",
  406: "No variant of this page is in a format the request accepts",
  410: "This entry has been removed",
  414: "The address is too long",
  418: "I'm a teapot",
  451: "Unavailable for legal reasons",
  500: "Something went wrong",
  503: "The site is starting up",
};

/** A strong ETag from the body's bytes. */
export function bodyEtag(body: string | Buffer): string {
  return `"${createHash("sha1").update(body).digest("base64url").slice(0, 22)}"`;
}

/**
 * Renders a route that is not a redirect, for a reader. A signed-in reader's page is theirs alone: never
 * cached here, and `Cache-Control: private` for anything between us and them.
 */
export function renderRoute(
  site: PageSite,
  route: Exclude<Route, { kind: "redirect" }>,
  query: URLSearchParams,
  reader: Reader,
  path = "/",
  accept: readonly string[] = DEFAULT_ACCEPT,
): Page {
  const page = renderFor(site, route, query, reader, path, accept);
  if (!isSignedIn(reader)) return page;
  page.cacheable = false;
  page.headers["Cache-Control"] = page.status === 200 ? "private, no-cache" : "private, no-store";
  page.headers.Vary = page.headers.Vary
    ? `${page.headers.Vary}, Cookie, Authorization`
    : "Cookie, Authorization";
  return page;
}

function renderFor(
  site: PageSite,
  route: Exclude<Route, { kind: "redirect" }>,
  query: URLSearchParams,
  reader: Reader,
  path: string,
  accept: readonly string[],
): Page {
  for (let attempt = 0; ; attempt++) {
    const vanished = site.vanishedEntries?.() ?? 0;
    try {
      const page = renderOnce(site, route, query, reader, path, accept);
      // A page that left out missing entries is right only until the index catches up: not cached.
      return attempt === 0 ? page : { ...page, cacheable: false };
    } catch (err) {
      // Over its time budget: the caller decides (render it on a thread, or answer 503).
      if (isBudgetError(err)) throw err;
      // A listing that met an entry whose file moved away renders again without it (the index is refreshing).
      if (attempt < VANISHED_RETRIES && (site.vanishedEntries?.() ?? 0) > vanished) continue;
      if (route.kind === "entry" && site.isVanished?.(route.entry))
        return retryLater(site, route.entry.category, reader);
      if (isQuireError(err) && err.status === 400) return renderError(site, 400, "", err.message, reader);
      if (isQuireError(err) && err.status === 404) return renderError(site, 404, "", err.message, reader);
      site.logError(err, { route: route.kind });
      if (site.dev) {
        const what =
          route.kind === "entry"
            ? `content/${route.entry.file}`
            : route.kind === "category"
              ? `the ${route.template} page of /${route.category}`
              : `a ${route.status} page`;
        return devErrorPage(err, what);
      }
      const failure = isQuireError(err) ? err.code : "E_INTERNAL";
      return { ...renderError(site, 500, "", REASONS[500]!, reader), failure };
    }
  }
}

function renderOnce(
  site: PageSite,
  route: Exclude<Route, { kind: "redirect" }>,
  query: URLSearchParams,
  reader: Reader,
  path: string,
  accept: readonly string[],
): Page {
  if (route.kind === "entry") {
    const name = route.template ?? "entry";
    const category = route.entry.category;
    const template =
      site.findTemplate(name, category, accept) ?? site.findTemplate("entry", category, accept);
    if (!template) {
      // Templates exist, but none in a format the request takes (Publ answers 406 too).
      if (site.findTemplate(name, category) ?? site.findTemplate("entry", category))
        return renderError(site, 406, category, REASONS[406]!, reader);
      throw new QuireError("E_TEMPLATE_NOT_FOUND", `no template "${name}" for entries`);
    }
    return negotiated(
      ok(
        site.renderTemplate(template, site.entryContext(route.entry, query, reader, path)),
        template.mimeType,
      ),
      template,
    );
  }
  if (route.kind === "category") {
    const template = site.findTemplate(route.template, route.category, accept);
    if (!template) {
      const status = site.findTemplate(route.template, route.category) ? 406 : 404;
      return renderError(site, status, route.category, REASONS[status]!, reader);
    }
    const page = negotiated(
      ok(
        site.renderTemplate(template, site.categoryContext(route.category, query, reader, path)),
        template.mimeType,
      ),
      template,
    );
    // `/style.css?v=<its hash>` (the default theme's `template_url`) changes whenever the file does.
    if (query.size > 0 && isCurrentVersion(query, template.file)) page.headers["Cache-Control"] = IMMUTABLE;
    return page;
  }
  if (route.reason === PRIVATE_REASON) {
    // Publ's `unauthorized` template for a signed-in reader the rule refuses; 401 offers the sign-in.
    const message = route.status === 401 ? REASONS[401]! : "This entry is not shared with you";
    return renderError(
      site,
      route.status,
      route.category,
      message,
      reader,
      route.status === 403 ? "unauthorized" : null,
      route.entry,
    );
  }
  return renderError(site, route.status, route.category, REASONS[route.status] ?? "Error", reader);
}

/** An entry whose file is gone while the index still lists it: moved or removed by a deploy under way. */
function retryLater(site: PageSite, category: string, reader: Reader): Page {
  const page = renderError(site, 503, category, "This page is being updated; try again in a moment", reader);
  return { ...page, headers: { ...page.headers, "Retry-After": "1" } };
}

/** A themed error page: `first` template if given, `<status>`, then `error`, then a plain built-in page if even those fail. */
export function renderError(
  site: PageSite,
  status: number,
  category: string,
  message: string,
  reader: Reader = ANONYMOUS_READER,
  first: string | null = null,
  entry?: IndexedEntry,
): Page {
  const headers: Record<string, string> = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
  };
  try {
    const template =
      (first === null ? null : site.findTemplate(first, category)) ??
      site.findTemplate(String(status), category) ??
      site.findTemplate("error", category);
    if (template) {
      const body = site.renderTemplate(template, site.errorContext(status, category, message, reader, entry));
      return { status, body, headers: { ...headers, "Content-Type": template.mimeType }, cacheable: false };
    }
  } catch (err) {
    site.logError(err, { status });
  }
  const signIn = status === 401 ? `<p><a href="/_login">Sign in</a></p>` : "";
  const body = `<!doctype html><meta charset="utf-8"><title>${status}</title><h1>${status}</h1><p>${escapeHtml(message)}</p>${signIn}`;
  return { status, body, headers, cacheable: false };
}

/** A page whose template the `Accept` header chose among several says so to caches along the way. */
function negotiated(page: Page, template: FoundTemplate): Page {
  if ((template.variants ?? 0) > 1) page.headers.Vary = "Accept";
  return page;
}

function ok(body: string, contentType: string): Page {
  let etag: string | undefined;
  return {
    status: 200,
    body,
    headers: {
      "Content-Type": contentType,
      // Hashed when first read: a static export writes pages without ever sending them.
      get ETag() {
        return (etag ??= bodyEtag(body));
      },
      "Cache-Control": "public, max-age=0, must-revalidate",
    },
    cacheable: true,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
