/** Renders content routes into responses: entry pages, category pages with named templates, themed error pages. */
import { createHash } from "node:crypto";
import type { Route } from "./route.js";
import type { IndexedEntry } from "../db/index.js";
import { QuireError, isQuireError } from "../errors.js";
import type { FoundTemplate } from "../template/loader.js";
import { devErrorPage } from "./dev-error.js";

/** A rendered response, ready to send or to store in the page cache. */
export interface Page {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** Only plain successful pages are cached. */
  cacheable: boolean;
}

/** What the page renderer needs from the site. */
export interface PageSite {
  findTemplate(name: string, category: string): FoundTemplate | null;
  renderTemplate(template: FoundTemplate, context: Record<string, unknown>): string;
  /** Template variables for an entry page. */
  entryContext(entry: IndexedEntry, query: URLSearchParams): Record<string, unknown>;
  /** Template variables for a category page (`view` built from the query). */
  categoryContext(category: string, query: URLSearchParams): Record<string, unknown>;
  errorContext(status: number, category: string, message: string): Record<string, unknown>;
  logError(err: unknown, context: Record<string, unknown>): void;
  /** Development: a rendering error is shown in the browser with its template, line and message. */
  readonly dev?: boolean;
}

const REASONS: Record<number, string> = {
  400: "Bad request",
  403: "This entry is not published",
  404: "Not found",
  410: "This entry has been removed",
  418: "I'm a teapot",
  451: "Unavailable for legal reasons",
  500: "Something went wrong",
  503: "The site is starting up",
};

/** A strong ETag from the body's bytes. */
export function bodyEtag(body: string | Buffer): string {
  return `"${createHash("sha1").update(body).digest("base64url").slice(0, 22)}"`;
}

/** Renders a route that is not a redirect. */
export function renderRoute(
  site: PageSite,
  route: Exclude<Route, { kind: "redirect" }>,
  query: URLSearchParams,
): Page {
  try {
    if (route.kind === "entry") {
      const name = route.template ?? "entry";
      const template =
        site.findTemplate(name, route.entry.category) ?? site.findTemplate("entry", route.entry.category);
      if (!template) throw new QuireError("E_TEMPLATE_NOT_FOUND", `no template "${name}" for entries`);
      return ok(site.renderTemplate(template, site.entryContext(route.entry, query)), template.mimeType);
    }
    if (route.kind === "category") {
      const template = site.findTemplate(route.template, route.category);
      if (!template) return renderError(site, 404, route.category, REASONS[404]!);
      return ok(
        site.renderTemplate(template, site.categoryContext(route.category, query)),
        template.mimeType,
      );
    }
    return renderError(site, route.status, route.category, REASONS[route.status] ?? "Error");
  } catch (err) {
    if (isQuireError(err) && err.status === 400) return renderError(site, 400, "", err.message);
    if (isQuireError(err) && err.status === 404) return renderError(site, 404, "", err.message);
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
    return renderError(site, 500, "", REASONS[500]!);
  }
}

/** A themed error page: `<status>` template, then `error`, then a plain built-in page if even those fail. */
export function renderError(site: PageSite, status: number, category: string, message: string): Page {
  const headers = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" };
  try {
    const template = site.findTemplate(String(status), category) ?? site.findTemplate("error", category);
    if (template) {
      const body = site.renderTemplate(template, site.errorContext(status, category, message));
      return { status, body, headers: { ...headers, "Content-Type": template.mimeType }, cacheable: false };
    }
  } catch (err) {
    site.logError(err, { status });
  }
  const body = `<!doctype html><meta charset="utf-8"><title>${status}</title><h1>${status}</h1><p>${escapeHtml(message)}</p>`;
  return { status, body, headers, cacheable: false };
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
