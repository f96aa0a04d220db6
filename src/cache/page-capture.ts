/** The miss side of the page cache: decide whether a rendered response may be shared, gzip it once
 *  and store it without delaying the response; `capturePage` collects what the router sends. */
import type { IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gzip, gzipSync } from "node:zlib";
import { rateLimited, type Logger } from "../log.js";
import { isCacheableRequest, mergeVary } from "./fast-path.js";
import { etagFor } from "./negotiation.js";
import { MAX_PAGE_BYTES, type CachedPage, type PageCache } from "./page-cache.js";

/** A rendered response, as the router produced it. */
export interface RenderedResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  /** The full, uncompressed body. */
  body: Buffer | string;
  /** The request method; only GET bodies are stored (a HEAD response carries none). */
  method?: string;
  /** Set when the page depends on cookies or Authorization (the router knows; headers may not say). */
  variesOnCookieOrAuth?: boolean;
  /** When rendering began (ms since the epoch); the TTL counts from here. Default: now. */
  renderedAt?: number;
}

// Bodies above this are gzipped on the thread pool. Measured here (Node 20, level 6), gzipSync takes
// 0.05–0.45 ms for 20 KB of HTML (repetitive to high-entropy text) but 0.4–11 ms for 256 KB:
// small pages are cheaper inline than a thread-pool round trip, big ones would stall other requests.
const SYNC_GZIP_MAX_BYTES = 32 * 1024;
// Uncompressed pages above this would not fit memcached's item size once gzipped, or barely.
const MAX_RENDERED_BYTES = 16 * 1024 * 1024;
// Connection-level or per-response headers: recomputed on every hit, never replayed.
const DROPPED_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
  "date",
  "age",
  "etag",
  "x-cache",
]);

const gzipAsync = promisify(gzip);
const warn = rateLimited(30_000);

/** Why a rendered response must not go into the shared cache, or null when it may. */
export function uncacheableReason(response: RenderedResponse): string | null {
  if (response.method !== undefined && response.method.toUpperCase() !== "GET")
    return `method ${response.method}`;
  if (response.status !== 200) return `status ${response.status}`;
  if (response.variesOnCookieOrAuth) return "depends on cookies or authorization";
  const headers = lowerCaseHeaders(response.headers);
  if (headers["set-cookie"] !== undefined) return "sets a cookie";
  const cacheControl = headerText(headers["cache-control"]).toLowerCase();
  if (/\b(?:no-store|private|no-cache)\b/.test(cacheControl)) return `Cache-Control: ${cacheControl}`;
  const vary = headerText(headers["vary"])
    .toLowerCase()
    .split(",")
    .map((f) => f.trim());
  if (vary.some((f) => f === "*" || f === "cookie" || f === "authorization"))
    return `Vary: ${vary.join(", ")}`;
  const encoding = headerText(headers["content-encoding"]).toLowerCase();
  if (encoding && encoding !== "identity") return `already encoded (${encoding})`;
  return null;
}

/** Stores a rendered page (gzipped once) for `ttlSeconds`; uncacheable responses are skipped.
 *  Returns at once with a promise of the write that never rejects; the request path need not await it. */
export function storePage(
  cache: PageCache,
  key: string,
  response: RenderedResponse,
  ttlSeconds: number,
  logger?: Logger,
): Promise<void> {
  if (!(ttlSeconds > 0) || uncacheableReason(response) !== null) return Promise.resolve();
  const body = typeof response.body === "string" ? Buffer.from(response.body, "utf8") : response.body;
  if (body.length > MAX_RENDERED_BYTES) return Promise.resolve();
  const headers = lowerCaseHeaders(response.headers);
  const stored: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!DROPPED_HEADERS.has(name) && value !== undefined) stored[name] = headerText(value);
  }
  stored["vary"] = mergeVary(stored["vary"], "Accept-Encoding");
  const etag = headerText(headers["etag"]) || etagFor(body);
  const storedAt = response.renderedAt ?? Date.now();
  const save = (gzipped: Buffer): Promise<void> => {
    if (gzipped.length > MAX_PAGE_BYTES) return Promise.resolve();
    const page: CachedPage = { status: 200, headers: stored, body: gzipped, etag, storedAt };
    return cache.set(key, page, ttlSeconds);
  };
  const failed = (err: unknown): void => {
    warn("store", () => logger?.warn({ err, cache: cache.label }, "could not store a page in the cache"));
  };
  try {
    if (body.length <= SYNC_GZIP_MAX_BYTES) return save(gzipSync(body)).catch(failed);
    return gzipAsync(body).then(save).catch(failed);
  } catch (err) {
    failed(err);
    return Promise.resolve();
  }
}

export interface CapturePageOptions {
  cache: PageCache;
  key: string;
  /** Seconds to keep the page, or a function asked once the response is complete (e.g. `pageTtl`). */
  ttlSeconds: number | (() => number);
  /** Asked once the response is complete: did the page depend on cookies or Authorization? */
  variesOnCookieOrAuth?: () => boolean;
  renderedAt?: number;
  logger?: Logger;
}

/** Records what the router writes to `res` and stores it once the response has fully gone out. */
export function capturePage(req: IncomingMessage, res: ServerResponse, options: CapturePageOptions): void {
  if (!isCacheableRequest(req) || req.method !== "GET") return;
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const fromWriteHead: OutgoingHttpHeaders = {};
  const collect = (chunk: unknown, encoding: unknown): void => {
    if (overflow || chunk === undefined || chunk === null || typeof chunk === "function") return;
    const buf =
      typeof chunk === "string"
        ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
        : Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(
              (chunk as Uint8Array).buffer,
              (chunk as Uint8Array).byteOffset,
              (chunk as Uint8Array).length,
            );
    size += buf.length;
    if (size > MAX_RENDERED_BYTES) {
      overflow = true;
      chunks.length = 0;
    } else chunks.push(buf);
  };

  const { write, end, writeHead } = res;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    collect(chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse["write"];
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    collect(chunk, rest[0]);
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as ServerResponse["end"];
  // Headers given straight to writeHead never show up in getHeaders(), so note them here.
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const given = typeof args[1] === "object" ? args[1] : args[2];
    if (Array.isArray(given)) {
      for (let i = 0; i + 1 < given.length; i += 2)
        fromWriteHead[String(given[i])] = given[i + 1] as OutgoingHttpHeader;
    } else if (given && typeof given === "object") Object.assign(fromWriteHead, given);
    return (writeHead as (...args: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];

  // 'finish' means the whole body went out; an aborted response never gets here, so no partial page is stored.
  res.once("finish", () => {
    if (overflow) return;
    const ttl = typeof options.ttlSeconds === "function" ? options.ttlSeconds() : options.ttlSeconds;
    const response: RenderedResponse = {
      status: res.statusCode,
      headers: { ...res.getHeaders(), ...lowerCaseHeaders(fromWriteHead) },
      body: Buffer.concat(chunks, size),
      method: req.method,
      variesOnCookieOrAuth: options.variesOnCookieOrAuth?.() ?? false,
    };
    if (options.renderedAt !== undefined) response.renderedAt = options.renderedAt;
    void storePage(options.cache, options.key, response, ttl, options.logger);
  });
}

function lowerCaseHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function headerText(value: OutgoingHttpHeader | undefined): string {
  if (value === undefined) return "";
  return Array.isArray(value) ? value.join(", ") : String(value);
}
