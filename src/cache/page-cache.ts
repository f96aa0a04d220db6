/** The page cache contract: what a cached page is, the interface every tier implements,
 *  and the compact binary form that lets one memcached value hold headers and gzip body. */

/** A rendered response as the cache keeps it: headers plus the gzip-compressed body. */
export interface CachedPage {
  /** HTTP status; only 200 responses are ever stored. */
  status: number;
  /** Response headers by lower-case name (Content-Type, Cache-Control, Vary…), without hop-by-hop ones. */
  headers: Record<string, string>;
  /** The body, gzip-compressed once when the page was stored. */
  body: Buffer;
  /** The entity tag the page was served with, quoted (`"abc"` or `W/"abc"`). */
  etag: string;
  /** When the page was rendered, ms since the epoch. */
  storedAt: number;
  /** When the entry stops being valid, ms since the epoch. Filled in by `get`; on `set` it is a
   *  ceiling the entry never outlives (a tier refilled from another keeps the other's expiry). */
  expiresAt?: number;
}

/** A cache tier for rendered pages; every implementation passes the same contract suite. */
export interface PageCache {
  /** Names the tier in logs and `X-Cache` debugging (`memory`, `memcached(host:port)`…). */
  readonly label: string;
  /** The page stored under `key`, or null on a miss, an expired entry or any backend failure. */
  get(key: string): Promise<CachedPage | null>;
  /** The page if this process holds it, without waiting (the memory tier); null means ask `get`. Optional. */
  peek?(key: string): CachedPage | null;
  /** Stores a page for `ttlSeconds` (≤ 0: not stored). Never rejects; the request path does not await it. */
  set(key: string, page: CachedPage, ttlSeconds: number): Promise<void>;
  /** Waits for writes in flight (each bounded by its deadline) and releases connections. */
  close(): Promise<void>;
}

/** The largest encoded page a tier keeps: memcached's default item limit is 1 MB, minus room for the key. */
export const MAX_PAGE_BYTES = 900 * 1024;

// Layout (all integers big-endian):
//   "QPC1" | u16 status | f64 storedAt | f64 expiresAt (NaN: unknown) | u16 etagLen etag
//   | u16 headerCount { u16 nameLen name u32 valueLen value }* | u32 bodyLen body
// The magic carries a format version so an older dyno reading a newer value gets a miss, not garbage.
const MAGIC = Buffer.from("QPC1", "latin1");
const FIXED_BYTES = MAGIC.length + 2 + 8 + 8;

/** Serialises a page into one Buffer (headers, etag and gzip body) for a byte-oriented store. */
export function encodePage(page: CachedPage): Buffer {
  const etag = Buffer.from(page.etag, "utf8");
  const headerParts: Buffer[] = [];
  let size = FIXED_BYTES + 2 + etag.length + 2 + 4 + page.body.length;
  const names = Object.keys(page.headers);
  for (const name of names) {
    const n = Buffer.from(name, "utf8");
    const v = Buffer.from(page.headers[name] ?? "", "utf8");
    const prefix = Buffer.allocUnsafe(2 + n.length + 4);
    prefix.writeUInt16BE(n.length, 0);
    n.copy(prefix, 2);
    prefix.writeUInt32BE(v.length, 2 + n.length);
    headerParts.push(prefix, v);
    size += prefix.length + v.length;
  }
  const out = Buffer.allocUnsafe(size);
  let at = MAGIC.copy(out, 0);
  at = out.writeUInt16BE(page.status, at);
  at = out.writeDoubleBE(page.storedAt, at);
  at = out.writeDoubleBE(page.expiresAt ?? Number.NaN, at);
  at = out.writeUInt16BE(etag.length, at);
  at += etag.copy(out, at);
  at = out.writeUInt16BE(names.length, at);
  for (const part of headerParts) at += part.copy(out, at);
  at = out.writeUInt32BE(page.body.length, at);
  page.body.copy(out, at);
  return out;
}

/** Reads a page written by `encodePage`; anything else (truncated, foreign, corrupt) gives null, never a throw. */
export function decodePage(data: Buffer | Uint8Array | null | undefined): CachedPage | null {
  if (!data || data.length < FIXED_BYTES) return null;
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  try {
    let at = MAGIC.length;
    const status = buf.readUInt16BE(at);
    const storedAt = buf.readDoubleBE(at + 2);
    const expiresAt = buf.readDoubleBE(at + 10);
    at += 18;
    const etagLen = buf.readUInt16BE(at);
    at += 2;
    if (at + etagLen > buf.length) return null;
    const etag = buf.toString("utf8", at, at + etagLen);
    at += etagLen;
    const count = buf.readUInt16BE(at);
    at += 2;
    const headers: Record<string, string> = {};
    for (let i = 0; i < count; i++) {
      const nameLen = buf.readUInt16BE(at);
      if (at + 2 + nameLen + 4 > buf.length) return null;
      const name = buf.toString("utf8", at + 2, at + 2 + nameLen);
      at += 2 + nameLen;
      const valueLen = buf.readUInt32BE(at);
      at += 4;
      if (at + valueLen > buf.length) return null;
      headers[name] = buf.toString("utf8", at, at + valueLen);
      at += valueLen;
    }
    const bodyLen = buf.readUInt32BE(at);
    at += 4;
    // Exact length: trailing bytes mean this is not a value we wrote.
    if (at + bodyLen !== buf.length) return null;
    if (status < 100 || status > 599 || !Number.isFinite(storedAt)) return null;
    const page: CachedPage = { status, headers, body: buf.subarray(at), etag, storedAt };
    if (Number.isFinite(expiresAt)) page.expiresAt = expiresAt;
    return page;
  } catch {
    // readUInt* past the end throws RangeError: a truncated value is a miss.
    return null;
  }
}

/** Approximate bytes a page occupies, for byte-bounded tiers (the encoded size without copying). */
export function pageBytes(page: CachedPage): number {
  let size = FIXED_BYTES + 8 + page.etag.length + page.body.length;
  for (const name in page.headers) size += 6 + name.length + (page.headers[name]?.length ?? 0);
  return size;
}

/** When an entry stored now for `ttlSeconds` must stop being served: the TTL counts from when the page
 *  was rendered (not when the write landed), capped by any ceiling the page already carries. */
export function entryExpiry(page: CachedPage, ttlSeconds: number, now: number): number {
  const base = Number.isFinite(page.storedAt) && page.storedAt <= now ? page.storedAt : now;
  const expiry = base + ttlSeconds * 1000;
  return page.expiresAt !== undefined && page.expiresAt < expiry ? page.expiresAt : expiry;
}
