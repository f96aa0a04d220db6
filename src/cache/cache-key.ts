/** Page cache keys and lifetimes: pure functions, identical on every process that serves the same
 *  content, so dynos share entries, and a deploy with other content or templates shares none. */
import { createHash } from "node:crypto";

/** Who a page was rendered for; anonymous visitors all share one identity. */
export interface CacheUser {
  /** A stable user id; null, undefined or "" is the anonymous visitor. */
  identity?: string | null;
  /** The groups the user belongs to (order does not matter). */
  groups?: readonly string[];
}

/** Everything a rendered page depends on. */
export interface PageKeyInput {
  /** Fingerprint of the indexed content (changes on any entry edit). */
  generation: string;
  /** Fingerprint of the template folder. */
  templatesFingerprint: string;
  /** HTTP method; HEAD shares GET's entry (it is the same page without the body). */
  method?: string;
  /** The request path as received (percent-encoded). */
  path: string;
  /** The raw query string, with or without its leading `?`; parameter order is kept, as it may matter to a view. */
  query: string;
  /** The negotiated output format (e.g. `text/html`, `application/atom+xml`). */
  format: string;
  /** The user the page is rendered for; anonymous for now, but always part of the key. */
  user?: CacheUser | null;
  /** Quire's version, so an upgrade never serves pages rendered by older code. */
  version: string;
}

/** memcached's limit on key length, in bytes. */
export const MAX_KEY_BYTES = 250;

const KEY_PREFIX = "quire:";
// Bumped whenever the key layout changes, so old and new layouts never collide.
const KEY_LAYOUT = "p1";
const ANONYMOUS = "@anon";

/** The cache key for a page: `quire:`-prefixed, deterministic, and at most 250 bytes without spaces. */
export function pageCacheKey(input: PageKeyInput): string {
  const method = (input.method ?? "GET").toUpperCase();
  const query = input.query.startsWith("?") ? input.query.slice(1) : input.query;
  // encodeURIComponent escapes ':', ',', '+', '@' and every space or control character, so the
  // joined string is unambiguous (no two inputs give the same key) and safe as a memcached key.
  const fields = [
    KEY_LAYOUT,
    input.version,
    input.generation,
    input.templatesFingerprint,
    method === "HEAD" ? "GET" : method,
    input.format,
  ].map(encodeURIComponent);
  fields.push(userField(input.user), encodeURIComponent(input.path), encodeURIComponent(query));
  return safeCacheKey(KEY_PREFIX + fields.join(":"));
}

/** The user part of a key, already escaped: identity, then the sorted groups. */
function userField(user: CacheUser | null | undefined): string {
  // '@' is escaped in a real identity, so no user can spell the anonymous marker.
  const identity = user?.identity ? encodeURIComponent(user.identity) : ANONYMOUS;
  const groups = [...new Set(user?.groups ?? [])].sort().map(encodeURIComponent).join(",");
  return groups ? `${identity}+${groups}` : identity;
}

/** A key memcached accepts: kept as is when short and printable, otherwise `quire:h:` + sha256 (base64url). */
export function safeCacheKey(key: string): string {
  if (isSafeKey(key)) return key;
  return `${KEY_PREFIX}h:${createHash("sha256").update(key, "utf8").digest("base64url")}`;
}

function isSafeKey(key: string): boolean {
  // Fast check first: every char is one byte in UTF-8 only when it is ASCII.
  if (key.length === 0 || key.length > MAX_KEY_BYTES) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    // memcached's text protocol forbids whitespace and control characters; keep to printable ASCII.
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

export interface PageTtlInput {
  /** The configured lifetime of a cached page, in seconds. */
  ttlSeconds: number;
  /** The moment the page is rendered (ms since the epoch, or a Date). */
  now: number | Date;
  /** When the next scheduled entry becomes visible, if any. */
  nextScheduledAt?: number | Date | null;
}

/** Seconds a page may be cached: its TTL, but never past the next scheduled entry going live; 0 = do not cache. */
export function pageTtl(input: PageTtlInput): number {
  if (!(input.ttlSeconds > 0)) return 0;
  let ttl = Math.max(1, Math.floor(input.ttlSeconds));
  if (input.nextScheduledAt !== undefined && input.nextScheduledAt !== null) {
    const untilNext = toMs(input.nextScheduledAt) - toMs(input.now);
    // Rounded down: a page may leave the cache a little early, never late. Under one second left,
    // caching is not worth a stale home page, so the page is rendered fresh until the entry is live.
    const bound = Math.floor(untilNext / 1000);
    if (bound < 1) return 0;
    ttl = Math.min(ttl, bound);
  }
  return ttl;
}

function toMs(t: number | Date): number {
  return typeof t === "number" ? t : t.getTime();
}
