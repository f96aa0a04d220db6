/** The express app factory: security headers, static files, renditions, content assets and content routes. Never listens by itself. */
import express, { type Request, type Response, type NextFunction } from "express";
import send from "send";
import type { Site } from "../site.js";
import { routeRequest } from "./route.js";
import { renderError, type Page } from "./pages.js";
import { X_CACHE_HEADER as CACHE_HEADER } from "../cache/index.js";
import { isQuireError } from "../errors.js";
import { liveReloadRoutes } from "./live-reload.js";
import { contentAsset, contentFileHeaders, staticFile, SECURITY_HEADERS } from "./site-files.js";
import { siteRoots, type SiteRoots } from "../content/site-roots.js";
import { isPrivateFile, isRestricted, isSignedIn, loginRoutes, mayHaveFile } from "../auth/index.js";
import { relative, sep } from "node:path";

// Paths are real and already judged (dot-files included), so send need not look at them again: a site that
// lives below a dot-folder (~/.sites/blog) must still serve its files.
const FILE_OPTIONS = { dotfiles: "allow", maxAge: "1h", etag: true, lastModified: true } as const;

/** Sends a file that was already judged servable, with ETag and Last-Modified; `missing` if it vanished meanwhile. */
function sendFile(req: Request, res: Response, file: string, missing: () => void): void {
  // send decodes the path it is given, as a URL path.
  send(req, encodeURI(file), FILE_OPTIONS)
    .on("error", () => {
      if (!res.headersSent) missing();
      else res.destroy();
    })
    .pipe(res);
}
import { previewContext, previewPage } from "./preview-request.js";
import { isIconPath, siteIcon } from "./site-icons.js";

/** `/favicon.ico` and the like where no route answers: the site's `static/` file, else the built-in icon. */
function sendIcon(req: Request, res: Response, roots: SiteRoots, missing: () => void): void {
  siteIcon(roots, req.path).then(
    (icon) => {
      if (!icon) return missing();
      if ("file" in icon) return sendFile(req, res, icon.file, missing);
      res.status(200).type(icon.type).setHeader("Cache-Control", "public, max-age=86400");
      res.end(req.method === "HEAD" ? undefined : icon.body);
    },
    () => missing(),
  );
}

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

  // Real paths are resolved once; every file served is checked against them (symlinks may not leave the site).
  const roots = siteRoots(site.paths.contentDir);
  app.use("/static", (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const file = staticFile(roots, req.path.slice(1));
    if (!file) return next();
    sendFile(req, res, file, next);
  });

  if (site.dev) liveReloadRoutes(app, site);
  if (site.config.auth.sign_in) app.use(loginRoutes(site));

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
    const encoded = req.path.slice("/_file/".length);
    const file = contentAsset(roots, encoded);
    if (!file) return sendPage(res, renderError(site, 404, "", "Not found"));
    // Which entries refer to the file is known only once the index is: until then, nothing is served.
    if (!site.ready) return notReady(res);
    // Judged under the name asked for and the one the file really has (a link inside content/ may lead to it).
    const asked = decodeURIComponent(encoded);
    const real = relative(roots.content, file).split(sep).join("/");
    // One lookup when they are the same, as they are unless a link or the file system's case leads elsewhere.
    const rules =
      asked === real ? site.index.assetRules(real) : [asked, real].flatMap((n) => site.index.assetRules(n));
    if (isPrivateFile(rules)) {
      const { reader, refused } = site.auth.readerFor(req);
      const allowed = !refused && mayHaveFile(reader.access, rules);
      site.auth.logFileAccess(reader, real, allowed);
      if (!allowed) {
        const signedIn = isSignedIn(reader);
        const message = signedIn
          ? "This file is not shared with you"
          : "This file is private: sign in to see it";
        return sendPage(res, renderError(site, signedIn ? 403 : 401, "", message, reader));
      }
      // For this reader only: no shared cache or proxy may keep it for the next one.
      res.setHeader("Cache-Control", "private, max-age=0, must-revalidate");
      res.setHeader("Vary", "Cookie, Authorization");
    }
    // Judged by the real name too: a link named .txt may point at an .svg (inside the site, but active).
    for (const name of [req.path, file])
      for (const [k, v] of Object.entries(contentFileHeaders(name))) res.setHeader(k, v);
    sendFile(req, res, file, () => sendPage(res, renderError(site, 404, "", "Not found")));
  });

  app.use(async (req: Request, res: Response) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return void res.status(405).type("text/plain").send("Method not allowed");
    }
    if (!site.ready) return notReady(res);
    const search = req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?")) : "";
    // Who asks is settled once, here; routing, views, templates and the cache all read this one value.
    const { reader, refused } = site.auth.readerFor(req);
    if (refused) {
      res.setHeader("WWW-Authenticate", 'Bearer error="invalid_token"');
      return sendPage(res, renderError(site, 401, "", `Not signed in: ${refused}`));
    }
    // Taken before routing and rendering: the page shows what was published at this moment or later.
    const renderedAt = site.now();
    const query = new URLSearchParams(search);
    const context = previewContext(site.routeContext(reader.access), site.previews, query);
    const route = routeRequest(context, req.path, search);
    const entry = route.kind === "entry" || route.kind === "error" ? route.entry : undefined;
    if (entry && isRestricted(entry.auth)) site.auth.logAccess(reader, entry, route.kind === "entry");
    if (route.kind === "redirect") {
      site.storePage(req, null);
      return void res.redirect(route.status, route.location);
    }
    if (route.kind === "error" && route.status === 404 && isIconPath(req.path))
      return sendIcon(req, res, roots, () => sendPage(res, renderError(site, 404, "", "Not found")));
    // A preview too renders under the time budget (a rendering thread routes it again with its token).
    const answer = await site.renderPage(route, req.path, search, renderedAt, reader, req.headers.accept);
    if (answer.kind === "redirect") {
      site.storePage(req, null);
      return void res.redirect(answer.status, answer.location);
    }
    const page = previewPage(answer.page, query);
    site.storePage(req, page, renderedAt);
    sendPage(res, page, req);
  });

  // What express's router throws (a path that does not decode, `/_file/%`) gets the site's own error page and
  // one log line, never express's page with a stack trace.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const given = (err as { status?: unknown }).status;
    const status = typeof given === "number" && given >= 400 && given < 500 ? given : 500;
    if (status < 500)
      site.logger.warn({ url: req.originalUrl, status }, `bad request: ${(err as Error).message}`);
    else site.logError(err, { status, url: req.originalUrl });
    if (res.headersSent) return void res.destroy();
    const message = status === 400 ? "Bad request: the address is not valid" : "Something went wrong";
    sendPage(res, renderError(site, status, "", message));
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
