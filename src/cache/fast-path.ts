/** The hit side of the page cache: a handler that sits in front of the express router in the plain
 *  `http.createServer` callback, so a cached page costs a key, a lookup and one write — no routing. */
import {
  validateHeaderName,
  validateHeaderValue,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from "node:http";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { rateLimited, type Logger } from "../log.js";
import { acceptsGzip, etagMatches } from "./negotiation.js";
import type { CachedPage, PageCache } from "./page-cache.js";

/** The response header that says whether the page came from the cache. */
export const X_CACHE_HEADER = "X-Cache";
/** `X-Cache` value of a page served from the cache. */
export const X_CACHE_HIT = "hit";
/** `X-Cache` value of a freshly rendered page (set by the router's miss path). */
export const X_CACHE_MISS = "miss";

const gunzipAsync = promisify(gunzip);

export interface CacheFastPathOptions {
  cache: PageCache;
  /** The page cache key for a request, or null when this request is never cached. */
  keyFor: (req: IncomingMessage) => string | null;
  logger: Logger;
}

/** Answers a request from the cache when it can; resolves true when it answered, false to fall through. */
export type CacheFastPath = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Whether a request may use the shared page cache: GET/HEAD without credentials or cookies. */
export function isCacheableRequest(req: IncomingMessage): boolean {
  const method = req.method;
  if (method !== "GET" && method !== "HEAD") return false;
  // A request carrying credentials may get a personal page; it must neither read nor fill the shared cache.
  return req.headers.authorization === undefined && req.headers.cookie === undefined;
}

interface PreparedHeaders {
  /** 200 with the stored gzip bytes. */
  gzip: OutgoingHttpHeaders;
  /** 200 with the inflated body, without Content-Length (known only after inflating). */
  identity: OutgoingHttpHeaders;
  /** 304: the validators and caching headers a 200 would have carried (RFC 9110 §15.4.5). */
  notModified: OutgoingHttpHeaders;
}

// A memory-tier hit returns the same page object every time, so its headers are assembled once.
const prepared = new WeakMap<CachedPage, PreparedHeaders>();

/** Builds the fast path: call it first in the server callback; on false, hand the request to the router. */
export function createCacheFastPath(options: CacheFastPathOptions): CacheFastPath {
  const { cache, keyFor, logger } = options;
  const warn = rateLimited(30_000);

  return async (req, res) => {
    if (!isCacheableRequest(req)) return false;
    let page: CachedPage | null;
    try {
      const key = keyFor(req);
      if (key === null) return false;
      page = await cache.get(key);
    } catch (err) {
      // A cache that misbehaves costs a render, never an error page.
      warn("lookup", () =>
        logger.warn({ err, cache: cache.label }, "page cache lookup failed; rendering instead"),
      );
      return false;
    }
    if (!page || page.status !== 200) return false;

    let headers = prepared.get(page);
    if (!headers) {
      try {
        headers = prepareHeaders(page);
      } catch (err) {
        // Stored headers Node refuses to send (e.g. a value outside Latin-1): render the page instead.
        warn("headers", () => logger.warn({ err, cache: cache.label }, "cached page has unusable headers"));
        return false;
      }
      prepared.set(page, headers);
    }
    const head = req.method === "HEAD";
    if (etagMatches(req.headers["if-none-match"], page.etag)) {
      res.writeHead(304, headers.notModified);
      res.end();
      return true;
    }
    if (acceptsGzip(req.headers["accept-encoding"])) {
      res.writeHead(200, headers.gzip);
      if (head) res.end();
      else res.end(page.body);
      return true;
    }
    let body: Buffer;
    try {
      body = await gunzipAsync(page.body);
    } catch (err) {
      warn("inflate", () =>
        logger.warn({ err, cache: cache.label }, "cached page does not inflate; rendering instead"),
      );
      return false;
    }
    res.writeHead(200, { ...headers.identity, "content-length": body.length });
    if (head) res.end();
    else res.end(body);
    return true;
  };
}

function prepareHeaders(page: CachedPage): PreparedHeaders {
  // Lower-cased, so a stored "ETag" or "Vary" cannot go out twice beside the ones set here.
  const stored: Record<string, string> = {};
  for (const [name, value] of Object.entries(page.headers)) stored[name.toLowerCase()] = value;
  delete stored["x-cache"];
  // The same URL has two byte-different bodies (gzip or not), so shared caches downstream must key on it.
  const vary = mergeVary(stored["vary"], "Accept-Encoding");
  const identity: OutgoingHttpHeaders = { ...stored, etag: page.etag, vary, [X_CACHE_HEADER]: X_CACHE_HIT };
  delete identity["content-encoding"];
  delete identity["content-length"];
  const gzip: OutgoingHttpHeaders = {
    ...identity,
    "content-encoding": "gzip",
    "content-length": page.body.length,
  };
  const notModified: OutgoingHttpHeaders = { etag: page.etag, vary, [X_CACHE_HEADER]: X_CACHE_HIT };
  for (const name of ["cache-control", "expires", "content-location", "last-modified"]) {
    const value = stored[name];
    if (value !== undefined) notModified[name] = value;
  }
  // Checked here, once per page, so writeHead cannot throw halfway through a hit.
  for (const [name, value] of Object.entries(gzip)) {
    validateHeaderName(name);
    validateHeaderValue(name, Array.isArray(value) ? value.join(", ") : String(value));
  }
  return { gzip, identity, notModified };
}

/** Adds a field to a Vary header unless it is already listed. */
export function mergeVary(vary: string | undefined, field: string): string {
  if (!vary || !vary.trim()) return field;
  const fields = vary.split(",").map((f) => f.trim().toLowerCase());
  return fields.includes(field.toLowerCase()) || fields.includes("*") ? vary : `${vary}, ${field}`;
}
