/** The memcached page cache tier (memjs): every call runs under its own deadline, any failure is a
 *  miss, and after repeated failures (one, for a server that has never answered) the tier is skipped for a
 *  cool-down, so a sick server slows nothing. */
import { createRequire } from "node:module";
import type memjs from "memjs";
import { QuireError } from "../errors.js";
import { rateLimited, type Logger } from "../log.js";
import { safeCacheKey } from "./cache-key.js";
import {
  MAX_PAGE_BYTES,
  decodePage,
  encodePage,
  entryExpiry,
  type CachedPage,
  type PageCache,
} from "./page-cache.js";

export interface MemcachedPageCacheOptions {
  /** `host:port` entries (memjs also accepts `user:pass@host:port`), as a list or comma-separated. */
  servers: string | readonly string[];
  /** SASL credentials (MemCachier, Redis Cloud's memcached). */
  username?: string;
  password?: string;
  /** Deadline of each call, on top of memjs's own socket timeouts; default 250 ms. */
  timeoutMs?: number;
  /** Consecutive failures after which the tier is skipped; default 5. */
  failureThreshold?: number;
  /** How long the tier is skipped before one call probes it again; default 10 s. */
  coolDownMs?: number;
  /** Encoded pages above this are not sent; default ~900 KB (memcached's item limit is 1 MB). */
  maxValueBytes?: number;
  /** Writes in flight above this are dropped rather than queued behind a slow server; default 256. */
  maxPendingWrites?: number;
  /** How often the same warning may repeat; default 30 s. */
  warnIntervalMs?: number;
  logger: Logger;
}

// memcached reads an expiry above 30 days as a Unix timestamp, which would expire the entry at once.
const MAX_RELATIVE_EXPIRY_SECONDS = 30 * 24 * 3600;

/** Runs `op` but settles no later than `ms`: a server that accepts and never answers costs one deadline. */
function withDeadline<T>(op: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new QuireError("E_CACHE", `memcached ${what} took longer than ${ms} ms`)),
      ms,
    );
    op.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** A page cache on one or more memcached servers, sharing pages between processes and dynos. */
export class MemcachedPageCache implements PageCache {
  readonly label: string;
  private readonly client: memjs.Client;
  private readonly logger: Logger;
  private readonly warn: (key: string, log: () => void) => boolean;
  private readonly timeoutMs: number;
  private readonly failureThreshold: number;
  private readonly coolDownMs: number;
  private readonly maxValueBytes: number;
  private readonly maxPendingWrites: number;
  private readonly pending = new Set<Promise<void>>();
  private failures = 0;
  private skipUntil = 0;
  /** The one call in flight while the tier is unproven or after a cool-down; settles with its outcome. */
  private probe: Promise<void> | null = null;
  private endProbe: () => void = () => undefined;
  private closed = false;
  // Until a call has succeeded, the server is unproven: one call goes out, the others wait for the first
  // one's outcome (and skip during later probes), and a failure skips the tier at once. Otherwise a memcached that is down from the start would get every
  // request of a busy boot, each waiting its deadline, before the failure count could open the breaker.
  private proven = false;

  constructor(options: MemcachedPageCacheOptions) {
    const servers = (typeof options.servers === "string" ? options.servers.split(",") : [...options.servers])
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (servers.length === 0)
      throw new QuireError("E_CACHE", "memcached needs at least one server (host:port)");
    this.logger = options.logger;
    this.warn = rateLimited(options.warnIntervalMs ?? 30_000);
    this.timeoutMs = options.timeoutMs ?? 250;
    this.failureThreshold = Math.max(1, options.failureThreshold ?? 5);
    this.coolDownMs = options.coolDownMs ?? 10_000;
    this.maxValueBytes = options.maxValueBytes ?? MAX_PAGE_BYTES;
    this.maxPendingWrites = options.maxPendingWrites ?? 256;
    // Credentials in `user:pass@host` entries must not reach the logs.
    this.label = `memcached(${servers.map((s) => s.slice(s.lastIndexOf("@") + 1)).join(",")})`;
    const timeoutSeconds = this.timeoutMs / 1000;
    // One client per cache, created once: memjs keeps one socket per server and reuses it.
    // Required here rather than imported: memjs costs ~25 ms to load, which a process without memcached skips.
    const { Client } = createRequire(import.meta.url)("memjs") as typeof memjs;
    this.client = Client.create(servers.join(","), {
      username: options.username,
      password: options.password,
      timeout: timeoutSeconds,
      conntimeout: Math.max(1, 2 * timeoutSeconds),
      // No memjs retries: a retry waits 200 ms and would outlive our deadline.
      retries: 1,
      // With several servers, memjs routes a dead server's keys to the next one for the cool-down.
      failover: servers.length > 1,
      failoverTime: Math.max(1, this.coolDownMs / 1000),
      keepAlive: true,
      logger: {
        log: (...args: unknown[]) => this.logger.debug({ memjs: args.map(String).join(" ") }, "memjs"),
      },
    });
  }

  async get(key: string): Promise<CachedPage | null> {
    if (this.firstProbe()) await this.probe;
    if (!this.admit()) return null;
    let value: Buffer | null;
    try {
      value = (await withDeadline(this.client.get(safeCacheKey(key)), this.timeoutMs, "get")).value;
    } catch (err) {
      this.failed("get", err);
      return null;
    }
    this.succeeded();
    if (!value) return null;
    const page = decodePage(value);
    if (!page) {
      this.logger.debug({ key, cache: this.label }, "memcached value is not a Quire page; treated as a miss");
      return null;
    }
    // memcached counts expiry in whole seconds; this read-side check is exact to the millisecond.
    if (page.expiresAt !== undefined && page.expiresAt <= Date.now()) return null;
    return page;
  }

  set(key: string, page: CachedPage, ttlSeconds: number): Promise<void> {
    if (this.firstProbe() && !this.closed) return this.probe!.then(() => this.set(key, page, ttlSeconds));
    // While the tier is skipped, every miss would otherwise still pay for encoding a copy of its page.
    if (this.closed || !(ttlSeconds > 0) || this.skipping()) return Promise.resolve();
    const now = Date.now();
    const expiresAt = entryExpiry(page, ttlSeconds, now);
    if (expiresAt <= now) return Promise.resolve();
    const value = encodePage({ ...page, expiresAt });
    if (value.length > this.maxValueBytes) {
      this.logger.debug(
        { key, bytes: value.length, cache: this.label },
        "page too large for memcached; not stored",
      );
      return Promise.resolve();
    }
    if (this.pending.size >= this.maxPendingWrites) {
      this.warn("backlog", () =>
        this.logger.warn(
          { cache: this.label, pending: this.pending.size },
          "memcached writes backing up; dropping some",
        ),
      );
      return Promise.resolve();
    }
    if (!this.admit()) return Promise.resolve();
    // memcached's clock ticks in whole seconds and drops an entry up to 1 s early; rounding up keeps
    // the full TTL, and the read-side `expiresAt` check still ends it to the millisecond.
    const expires = Math.min(Math.ceil((expiresAt - now) / 1000), MAX_RELATIVE_EXPIRY_SECONDS);
    const write = withDeadline(
      this.client.set(safeCacheKey(key), value, { expires }),
      this.timeoutMs,
      "set",
    ).then(
      () => this.succeeded(),
      (err: unknown) => this.failed("set", err),
    );
    this.pending.add(write);
    void write.then(() => this.pending.delete(write));
    return write;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pending]);
    this.client.close();
  }

  /** Whether calls are being skipped right now (cool-down, or a probe already out); no side effects. */
  private skipping(): boolean {
    return this.failures >= this.failureThreshold && (this.probe !== null || Date.now() < this.skipUntil);
  }

  /**
   * Whether a call may go to the server: not while skipped; only one probe once the cool-down ends; and only
   * one call at a time (the others wait for it in get and set) until the server has answered once.
   */
  private admit(): boolean {
    if (this.closed) return false;
    if (this.failures < this.failureThreshold && this.proven) return true;
    if (this.probe || (this.failures >= this.failureThreshold && Date.now() < this.skipUntil)) return false;
    this.probe = new Promise<void>((resolve) => (this.endProbe = resolve));
    return true;
  }

  /**
   * Whether the very first call is still out: its outcome is not known yet, so others wait for it rather
   * than miss (a healthy server costs them one round trip). After any failure, calls made while a probe is
   * out skip at once, so a server that never answers stalls no one at the end of each cool-down.
   */
  private firstProbe(): boolean {
    return this.probe !== null && !this.proven && this.failures === 0;
  }

  private settleProbe(): void {
    if (!this.probe) return;
    this.probe = null;
    this.endProbe();
  }

  private succeeded(): void {
    if (this.failures >= this.failureThreshold) {
      this.logger.info({ cache: this.label }, "memcached answers again; using it");
    }
    this.failures = 0;
    this.proven = true;
    this.settleProbe();
  }

  private failed(op: string, err: unknown): void {
    // A server that has never answered has shown nothing: one failure is enough to skip it for a cool-down.
    this.failures = this.proven ? this.failures + 1 : Math.max(this.failures + 1, this.failureThreshold);
    const reason = err instanceof Error ? err.message : String(err);
    this.warn(`${op}:${reason}`, () =>
      this.logger.warn(
        { cache: this.label, op, err: reason },
        `memcached ${op} failed (${reason}); treated as a miss`,
      ),
    );
    if (this.failures >= this.failureThreshold) {
      this.skipUntil = Date.now() + this.coolDownMs;
      this.warn("skip", () =>
        this.logger.warn(
          { cache: this.label, failures: this.failures, coolDownMs: this.coolDownMs },
          `memcached failed ${this.failures} times in a row; skipping it for ${this.coolDownMs / 1000} s`,
        ),
      );
    }
    // Settled last: the calls waiting on the probe see the skip it caused.
    this.settleProbe();
  }
}
