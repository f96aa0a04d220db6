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
  /** Headers every answer from the cache carries (e.g. security headers), merged once per page, not set per request. */
  headers?: Readonly<Record<string, string>>;
}

/** Answers a request from the cache when it can: true when it answered, false to fall through, or a promise
 *  of either when it had to wait (memcached, inflating). A hit held in this process is answered at once. */
export type CacheFastPath = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

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

// Distinct pages whose prepared headers are kept for memcached hits; beyond it the table starts over.
const MAX_PREPARED = 1000;

/** Builds the fast path: call it first in the server callback; on false, hand the request to the router. */
export function createCacheFastPath(options: CacheFastPathOptions): CacheFastPath {
  const { cache, keyFor, logger } = options;
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) extra[name.toLowerCase()] = value;
  const warn = rateLimited(30_000);
  // A memory-tier hit returns the same page object every time, so its headers are assembled once.
  // Passing writeHead a ready object (nothing set before with setHeader) also keeps Node on its fast path.
  const prepared = new WeakMap<CachedPage, PreparedHeaders>();
  // A memcached hit decodes a new page object every time; pages with the same tag, body size and stored
  // headers (all that prepareHeaders reads) share one prepared set, so checking headers is not paid per hit.
  const preparedByContent = new Map<string, PreparedHeaders>();
  const prepare = (page: CachedPage): PreparedHeaders => {
    const contentKey = `${page.etag}\n${page.body.length}\n${JSON.stringify(page.headers)}`;
    let headers = preparedByContent.get(contentKey);
    if (!headers) {
      headers = prepareHeaders(page, extra);
      if (preparedByContent.size >= MAX_PREPARED) preparedByContent.clear();
      preparedByContent.set(contentKey, headers);
    }
    return headers;
  };
  // Clients send the same few Accept-Encoding values over and over.
  let lastAcceptEncoding: string | undefined;
  let lastAcceptsGzip = false;

  /** Sends `page`; true when it answered, false to render instead, or a promise when it must inflate first. */
  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    page: CachedPage,
  ): boolean | Promise<boolean> => {
    if (page.status !== 200) return false;
    let headers = prepared.get(page);
    if (!headers) {
      try {
        headers = prepare(page);
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
    const acceptEncoding = req.headers["accept-encoding"];
    if (acceptEncoding !== lastAcceptEncoding) {
      lastAcceptEncoding = acceptEncoding;
      lastAcceptsGzip = acceptsGzip(acceptEncoding);
    }
    if (lastAcceptsGzip) {
      res.writeHead(200, headers.gzip);
      if (head) res.end();
      else res.end(page.body);
      return true;
    }
    const identity = headers.identity;
    return gunzipAsync(page.body).then(
      (body) => {
        res.writeHead(200, { ...identity, "content-length": body.length });
        if (head) res.end();
        else res.end(body);
        return true;
      },
      (err: unknown) => {
        warn("inflate", () =>
          logger.warn({ err, cache: cache.label }, "cached page does not inflate; rendering instead"),
        );
        return false;
      },
    );
  };
  // A cache that misbehaves costs a render, never an error page.
  const lookupFailed = (err: unknown): false => {
    warn("lookup", () =>
      logger.warn({ err, cache: cache.label }, "page cache lookup failed; rendering instead"),
    );
    return false;
  };

  return (req, res) => {
    if (!isCacheableRequest(req)) return false;
    let key: string | null;
    let local: CachedPage | null | undefined;
    try {
      key = keyFor(req);
      if (key === null) return false;
      // A page this process holds is answered without waiting for a promise.
      local = cache.peek?.(key);
    } catch (err) {
      return lookupFailed(err);
    }
    if (local) return answer(req, res, local);
    let pending: Promise<CachedPage | null>;
    try {
      pending = cache.get(key);
    } catch (err) {
      return lookupFailed(err);
    }
    return pending.then((page) => (page ? answer(req, res, page) : false), lookupFailed);
  };
}

function prepareHeaders(page: CachedPage, extra: Readonly<Record<string, string>>): PreparedHeaders {
  // Lower-cased, so a stored "ETag" or "Vary" cannot go out twice beside the ones set here.
  const stored: Record<string, string> = { ...extra };
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
  const notModified: OutgoingHttpHeaders = { ...extra, etag: page.etag, vary, [X_CACHE_HEADER]: X_CACHE_HIT };
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
