/** A local store in front of a remote one: reads try the disk first and fill it from the remote; writes go to both. */
import { formatErrorChain, QuireError } from "../errors.js";
import { rateLimited, type Logger } from "../log.js";
import { assertRenditionName } from "./rendition-name.js";
import type { RenditionStore, StoredRendition } from "./rendition-store.js";

export interface TieredStoreOptions {
  logger: Logger;
  /** Log the same local-disk problem at most once per this interval (default one minute). */
  warnIntervalMs?: number;
}

/**
 * The local tier is a cache of the remote one: its failures (full or read-only disk) are logged and
 * skipped, never fatal. The remote tier is the shared truth between processes: its errors propagate.
 */
export class TieredStore implements RenditionStore {
  readonly label: string;
  readonly local: RenditionStore;
  readonly remote: RenditionStore;
  private readonly logger: Logger;
  private readonly warn: (key: string, log: () => void) => boolean;

  constructor(local: RenditionStore, remote: RenditionStore, options: TieredStoreOptions) {
    this.local = local;
    this.remote = remote;
    this.label = `${local.label} + ${remote.label}`;
    this.logger = options.logger;
    this.warn = rateLimited(options.warnIntervalMs ?? 60_000);
  }

  async get(name: string): Promise<StoredRendition | null> {
    assertRenditionName(name);
    const near = await this.tryLocal("read", name, () => this.local.get(name), null);
    if (near) return near;
    const far = await this.remote.get(name);
    if (far)
      await this.tryLocal("fill", name, () => this.local.put(name, far.body, far.contentType), undefined);
    return far;
  }

  async has(name: string): Promise<boolean> {
    assertRenditionName(name);
    // With a public URL, has() decides a redirect to the remote: only the remote's own answer is safe then
    // (the bucket may have been emptied while the local copy survived).
    if (this.remote.publicUrl(name) !== null) return this.remote.has(name);
    if (await this.tryLocal("check", name, () => this.local.has(name), false)) return true;
    return this.remote.has(name);
  }

  async put(name: string, body: Buffer, contentType: string): Promise<void> {
    assertRenditionName(name);
    const [near, far] = await Promise.allSettled([
      this.local.put(name, body, contentType),
      this.remote.put(name, body, contentType),
    ]);
    if (far.status === "rejected") {
      if (near.status === "rejected") {
        throw new QuireError(
          "E_STORE",
          `Rendition "${name}" was stored nowhere: ${messageOf(near.reason)}; ${messageOf(far.reason)}`,
          { cause: far.reason },
        );
      }
      throw far.reason;
    }
    if (near.status === "rejected") this.warnLocal("write", name, near.reason);
  }

  publicUrl(name: string): string | null {
    return this.remote.publicUrl(name);
  }

  async cleanup(maxAgeDays: number): Promise<number> {
    const [near, far] = await Promise.all([this.local.cleanup(maxAgeDays), this.remote.cleanup(maxAgeDays)]);
    return near + far;
  }

  private async tryLocal<T>(
    operation: string,
    name: string,
    work: () => Promise<T>,
    fallback: T,
  ): Promise<T> {
    try {
      return await work();
    } catch (err) {
      this.warnLocal(operation, name, err);
      return fallback;
    }
  }

  private warnLocal(operation: string, name: string, err: unknown): void {
    this.warn(`${operation}:${codeOf(err)}`, () =>
      this.logger.warn(
        { store: this.local.label, operation, rendition: name, err: formatErrorChain(err) },
        `Local rendition ${operation} failed; carrying on with ${this.remote.label}`,
      ),
    );
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function codeOf(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  return (
    (cause as NodeJS.ErrnoException | undefined)?.code ?? (err as NodeJS.ErrnoException)?.code ?? "error"
  );
}
