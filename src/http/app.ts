/** The express app factory: security headers, static files, renditions, content assets and content routes. Never listens by itself. */
import express, { type Request, type Response, type NextFunction } from "express";
import type { Site } from "../site.js";
import { routeRequest } from "./route.js";
import { renderRoute, renderError, type Page } from "./pages.js";
import { X_CACHE_HEADER as CACHE_HEADER } from "../cache/index.js";
import { isQuireError } from "../errors.js";
import { liveReloadRoutes } from "./live-reload.js";
import { contentAsset, SECURITY_HEADERS } from "./site-files.js";
import { previewContext, previewPage } from "./preview-request.js";

/** Builds the express app for a site. */
export function createApp(site: Site): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  app.use((_req: Request, res: Response, next: NextFunction) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    // Cache hits never reach express (the fast path answers them), so everything here is a miss.
    res.setHeader(CACHE_HEADER, "miss");
    next();
  });

  app.use(
    "/static",
    express.static(site.paths.staticDir, {
      index: false,
      dotfiles: "ignore",
      etag: true,
      lastModified: true,
      maxAge: "1h",
    }),
  );

  if (site.dev) liveReloadRoutes(app, site);

  app.get("/_img/{*rest}", async (req: Request, res: Response) => {
    if (!site.ready) return notReady(res);
    try {
      await site.serveRendition(req, res);
    } catch (err) {
      const status = isQuireError(err) ? err.status : 500;
      if (status >= 500) site.logger.error({ err, url: req.originalUrl }, "rendition failed");
      if (!res.headersSent)
        res
          .status(status)
          .type("text/plain")
          .send(isQuireError(err) ? err.message : "error");
    }
  });

  app.get("/_file/{*rest}", (req: Request, res: Response) => {
    const file = contentAsset(site.paths.contentDir, req.path.slice("/_file/".length));
    if (!file) return sendPage(res, renderError(site, 404, "", "Not found"));
    res.sendFile(file, { dotfiles: "deny", maxAge: "1h", etag: true, lastModified: true }, (err) => {
      if (err && !res.headersSent) sendPage(res, renderError(site, 404, "", "Not found"));
    });
  });

  app.use(async (req: Request, res: Response) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return void res.status(405).type("text/plain").send("Method not allowed");
    }
    if (!site.ready) return notReady(res);
    const search = req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?")) : "";
    const query = new URLSearchParams(search);
    // Taken before routing and rendering: the page shows what was published at this moment or later.
    const renderedAt = site.now();
    const route = routeRequest(previewContext(site.routeContext(), site.previews, query), req.path, search);
    if (route.kind === "redirect") return void res.redirect(route.status, route.location);
    const page = previewPage(renderRoute(site, route, query), query);
    if (page.cacheable) site.storePage(req, page, renderedAt);
    sendPage(res, page, req);
  });

  return app;
}

/** Sends a page, answering `If-None-Match` with 304. */
export function sendPage(res: Response, page: Page, req?: Request): void {
  res.status(page.status);
  for (const [k, v] of Object.entries(page.headers)) res.setHeader(k, v);
  const etag = page.headers.ETag;
  if (req && etag && page.status === 200 && etagListMatches(req.headers["if-none-match"], etag)) {
    res.status(304).end();
    return;
  }
  res.send(page.body);
}

function etagListMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === bare);
}

function notReady(res: Response): void {
  res.setHeader("Retry-After", "2");
  res.setHeader("Cache-Control", "no-store");
  res
    .status(503)
    .type("text/html")
    .send("<!doctype html><title>Starting</title><p>The site is starting up; try again in a moment.</p>");
}
