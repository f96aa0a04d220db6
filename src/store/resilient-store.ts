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
  /**
   * Where a rendition whose upload was skipped or failed can be read back (the local disk in front of S3):
   * once the inner store answers again, those renditions are copied up to it.
   */
  backfillFrom?: RenditionStore;
}

// Names of renditions owed to the inner store; beyond it the oldest are forgotten (regenerated on demand).
const MAX_OWED = 10_000;

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
  private readonly backfillFrom: RenditionStore | undefined;
  private readonly owed = new Set<string>();
  private backfilling: Promise<void> | null = null;

  constructor(inner: RenditionStore, options: ResilientStoreOptions) {
    this.inner = inner;
    this.label = inner.label;
    this.logger = options.logger;
    this.warn = rateLimited(options.warnIntervalMs ?? 60_000);
    this.cooldownMs = options.cooldownMs ?? 0;
    this.backfillFrom = options.backfillFrom;
  }

  /** Renditions made while the inner store was skipped or failing, not yet copied up to it. */
  get owedUploads(): number {
    return this.owed.size;
  }

  /** Resolves when the copy-up under way (if any) has finished. */
  async backfilled(): Promise<void> {
    await this.backfilling;
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
    return this.guard(
      "upload",
      name,
      () => this.inner.put(name, body, contentType),
      undefined,
      () => this.owe(name),
    );
  }

  publicUrl(name: string): string | null {
    if (!isRenditionName(name)) return null;
    return this.inner.publicUrl(name);
  }

  cleanup(maxAgeDays: number): Promise<number> {
    return this.guard("cleanup", "", () => this.inner.cleanup(maxAgeDays), 0);
  }

  private async guard<T>(
    operation: string,
    name: string,
    work: () => Promise<T>,
    fallback: T,
    skipped?: () => void,
  ): Promise<T> {
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
    if (this.coolingDown) {
      skipped?.();
      return fallback;
    }
    try {
      const result = await work();
      this.answered();
      return result;
    } catch (err) {
      skipped?.();
      this.noteFailure();
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

  private noteFailure(): void {
    this.failureCount++;
    if (this.cooldownMs > 0) this.skipUntil = Date.now() + this.cooldownMs;
  }

  private owe(name: string): void {
    if (!this.backfillFrom) return;
    if (this.owed.size >= MAX_OWED) this.owed.delete(this.owed.values().next().value!);
    this.owed.add(name);
  }

  /** The inner store answered: copy up what it missed meanwhile, one at a time, in the background. */
  private answered(): void {
    if (this.owed.size === 0 || this.backfilling || !this.backfillFrom) return;
    this.backfilling = this.backfill(this.backfillFrom).finally(() => (this.backfilling = null));
  }

  private async backfill(from: RenditionStore): Promise<void> {
    let copied = 0;
    for (const name of [...this.owed]) {
      if (this.coolingDown) break;
      let stored: StoredRendition | null = null;
      try {
        stored = await from.get(name);
      } catch {
        // Unreadable here too: it is regenerated when next asked for, and uploaded then.
      }
      if (stored) {
        try {
          await this.inner.put(name, stored.body, stored.contentType);
          copied++;
        } catch (err) {
          this.noteFailure();
          this.warn("backfill", () =>
            this.logger.warn(
              { store: this.label, err: formatErrorChain(err), owed: this.owed.size },
              `Rendition store ${this.label} failed again while copying up renditions; will retry`,
            ),
          );
          break;
        }
      }
      this.owed.delete(name);
    }
    if (copied > 0)
      this.logger.info(
        { store: this.label, copied, owed: this.owed.size },
        `Copied ${copied} renditions made while ${this.label} was unavailable up to it`,
      );
  }
}
