/** A store wrapper that never throws: failures become misses (get/has) or logged no-ops (put/cleanup), with rate-limited warnings. */
import { formatErrorChain } from "../errors.js";
import { rateLimited, type Logger } from "../log.js";
import { isRenditionName } from "./rendition-name.js";
import type { RenditionStore, StoredRendition } from "./rendition-store.js";

export interface ResilientStoreOptions {
  logger: Logger;
  /** Log the same kind of failure at most once per this interval (default one minute). */
  warnIntervalMs?: number;
  /**
   * After a failure, answer misses without calling the inner store for this long (default 0: always call).
   * Spares every request the inner store's deadline while a remote store is down.
   */
  cooldownMs?: number;
}

/**
 * A rendition can always be regenerated, so a broken store costs time, never a response: the HTTP
 * layer sees a miss and serves the bytes it just generated.
 */
export class ResilientStore implements RenditionStore {
  readonly label: string;
  readonly inner: RenditionStore;
  private readonly logger: Logger;
  private readonly warn: (key: string, log: () => void) => boolean;
  private readonly cooldownMs: number;
  private skipUntil = 0;
  private failureCount = 0;

  constructor(inner: RenditionStore, options: ResilientStoreOptions) {
    this.inner = inner;
    this.label = inner.label;
    this.logger = options.logger;
    this.warn = rateLimited(options.warnIntervalMs ?? 60_000);
    this.cooldownMs = options.cooldownMs ?? 0;
  }

  /** How many operations of the inner store have failed so far (for health reports and tests). */
  get failures(): number {
    return this.failureCount;
  }

  /** True while failures are being skipped after a recent failure. */
  get coolingDown(): boolean {
    return Date.now() < this.skipUntil;
  }

  get(name: string): Promise<StoredRendition | null> {
    return this.guard("read", name, () => this.inner.get(name), null);
  }

  has(name: string): Promise<boolean> {
    return this.guard("check", name, () => this.inner.has(name), false);
  }

  put(name: string, body: Buffer, contentType: string): Promise<void> {
    return this.guard("upload", name, () => this.inner.put(name, body, contentType), undefined);
  }

  publicUrl(name: string): string | null {
    if (!isRenditionName(name)) return null;
    return this.inner.publicUrl(name);
  }

  cleanup(maxAgeDays: number): Promise<number> {
    return this.guard("cleanup", "", () => this.inner.cleanup(maxAgeDays), 0);
  }

  private async guard<T>(operation: string, name: string, work: () => Promise<T>, fallback: T): Promise<T> {
    if (name !== "" && !isRenditionName(name)) {
      // A caller's bug, not the store's: no cooldown, but say so.
      this.warn(`name:${operation}`, () =>
        this.logger.warn(
          { store: this.label, operation, rendition: name.slice(0, 80) },
          "Invalid rendition name",
        ),
      );
      return fallback;
    }
    if (this.coolingDown) return fallback;
    try {
      return await work();
    } catch (err) {
      this.failureCount++;
      if (this.cooldownMs > 0) this.skipUntil = Date.now() + this.cooldownMs;
      this.warn(operation, () =>
        this.logger.warn(
          {
            store: this.label,
            operation,
            rendition: name || undefined,
            err: formatErrorChain(err),
            skippingMs: this.cooldownMs || undefined,
          },
          this.cooldownMs > 0
            ? `Rendition store ${this.label} failed (${operation}); serving without it for ${Math.round(this.cooldownMs / 1000)} s`
            : `Rendition store ${this.label} failed (${operation}); serving without it`,
        ),
      );
      return fallback;
    }
  }
}
