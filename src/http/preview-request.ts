/** Preview links on the request path: a valid `?preview=` token opens its entry, and such a page is never shared. */
import type { Page } from "./pages.js";
import type { RouteContext } from "./route.js";
import { PREVIEW_PARAM, type PreviewLinks } from "../preview/preview-links.js";

/** The route context for a request: when it carries a preview token, that token may open the entry it names. */
export function previewContext(ctx: RouteContext, links: PreviewLinks, query: URLSearchParams): RouteContext {
  const token = query.get(PREVIEW_PARAM);
  if (token === null) return ctx;
  return { ...ctx, preview: (entry) => links.check(entry.file, token, ctx.now) === "valid" };
}

/**
 * A page asked for with a preview token: never stored in the page cache nor by a shared cache, never
 * indexed by search engines (whether the token opened anything or not).
 */
export function previewPage(page: Page, query: URLSearchParams): Page {
  if (!query.has(PREVIEW_PARAM)) return page;
  return {
    ...page,
    cacheable: false,
    headers: { ...page.headers, "Cache-Control": "private, no-store", "X-Robots-Tag": "noindex" },
  };
}
