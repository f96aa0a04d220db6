/** The local-disk rendition store: one file per rendition in sharded folders, atomic writes, and cleanup by last access. */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm, stat, unlink, utimes } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { QuireError } from "../errors.js";
import { assertRenditionName, contentTypeFor, isRenditionName } from "./rendition-name.js";
import type { RenditionStore, StoredRendition } from "./rendition-store.js";

const DAY_MS = 86_400_000;
/** A temporary file this old is left over from a crashed write, never one in progress. */
const STALE_TEMP_MS = 3_600_000;
const SHARD_PATTERN = /^[0-9a-f]{2}$/;
const TEMP_PATTERN = /^\..+\.tmp$/;

export interface LocalStoreOptions {
  /** Refresh a file's last-access marker (its mtime) at most this often; default one day. */
  touchIntervalMs?: number;
  /** Flush a written file to disk before it becomes visible (default true), so a crash never leaves a truncated rendition. */
  durable?: boolean;
}

/** Renditions as files under `dir/<shard>/<name>`, where the shard is two hex digits of the name's hash. */
export class LocalStore implements RenditionStore {
  readonly label: string;
  readonly dir: string;
  private readonly touchIntervalMs: number;
  private readonly durable: boolean;

  constructor(dir: string, options: LocalStoreOptions = {}) {
    this.dir = resolve(dir);
    this.label = `local:${this.dir}`;
    this.touchIntervalMs = options.touchIntervalMs ?? DAY_MS;
    this.durable = options.durable ?? true;
  }

  /** The file a rendition name is stored in; throws E_STORE for an invalid name. */
  pathFor(name: string): string {
    assertRenditionName(name);
    return join(this.dir, shardOf(name), name);
  }

  async get(name: string): Promise<StoredRendition | null> {
    const path = this.pathFor(name);
    let handle;
    try {
      handle = await open(path, "r");
    } catch (err) {
      if (isAbsent(err)) return null;
      throw readError(name, path, err);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) return null;
      const body = await handle.readFile();
      if (Date.now() - info.mtimeMs >= this.touchIntervalMs) {
        const now = new Date();
        // The mtime is the last-access marker cleanup reads; atime is unreliable under noatime/relatime.
        await handle.utimes(now, now).catch(() => undefined);
      }
      return { body, contentType: contentTypeFor(name), size: body.length };
    } catch (err) {
      throw readError(name, path, err);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  async has(name: string): Promise<boolean> {
    const path = this.pathFor(name);
    try {
      const info = await stat(path);
      if (!info.isFile()) return false;
      if (Date.now() - info.mtimeMs >= this.touchIntervalMs) {
        const now = new Date();
        await utimes(path, now, now).catch(() => undefined);
      }
      return true;
    } catch (err) {
      if (isAbsent(err)) return false;
      throw readError(name, path, err);
    }
  }

  async put(name: string, body: Buffer, _contentType: string): Promise<void> {
    // The content type is implied by the name's extension, so only the bytes are kept.
    const path = this.pathFor(name);
    const folder = dirname(path);
    // A unique temporary file in the same folder, renamed over the target: readers see all or nothing,
    // and concurrent writers of one name each rename a whole file (the last one wins, all are equal).
    const temp = join(folder, `.${name}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await mkdir(folder, { recursive: true });
      const handle = await open(temp, "wx", 0o644);
      try {
        await handle.writeFile(body);
        if (this.durable) await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw new QuireError(
        "E_STORE",
        `Cannot store rendition "${name}" in ${this.dir}: ${describeFsFailure(err)}`,
        {
          file: path,
          cause: err,
        },
      );
    }
  }

  publicUrl(name: string): string | null {
    assertRenditionName(name);
    return null;
  }

  async cleanup(maxAgeDays: number): Promise<number> {
    if (!Number.isFinite(maxAgeDays) || maxAgeDays <= 0) {
      throw new QuireError(
        "E_STORE",
        `Rendition cleanup needs a positive number of days, not ${maxAgeDays}`,
        {
          field: "cache_age_days",
        },
      );
    }
    const now = Date.now();
    const cutoff = now - maxAgeDays * DAY_MS;
    let shards;
    try {
      shards = await readdir(this.dir, { withFileTypes: true });
    } catch (err) {
      if (isAbsent(err)) return 0;
      throw new QuireError("E_STORE", `Cannot list the rendition folder ${this.dir}`, { cause: err });
    }
    let removed = 0;
    for (const shard of shards) {
      if (!shard.isDirectory() || !SHARD_PATTERN.test(shard.name)) continue;
      const folder = join(this.dir, shard.name);
      const files = await readdir(folder).catch(() => [] as string[]);
      for (const file of files) {
        const rendition = isRenditionName(file);
        if (!rendition && !TEMP_PATTERN.test(file)) continue;
        const path = join(folder, file);
        try {
          const info = await stat(path);
          if (!info.isFile()) continue;
          // A request racing this unlink only costs one regeneration: names are content-addressed.
          if (rendition && info.mtimeMs < cutoff) {
            await unlink(path);
            removed++;
          } else if (!rendition && info.mtimeMs < now - STALE_TEMP_MS) {
            await unlink(path);
          }
        } catch (err) {
          if (!isAbsent(err)) {
            throw new QuireError("E_STORE", `Cannot remove old rendition ${path}`, {
              file: path,
              cause: err,
            });
          }
        }
      }
    }
    return removed;
  }
}

/** Two hex digits of the name's hash: spreads names evenly over 256 folders whatever their slugs look like. */
function shardOf(name: string): string {
  return createHash("sha1").update(name).digest("hex").slice(0, 2);
}

function errnoOf(err: unknown): string | undefined {
  return err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
}

function isAbsent(err: unknown): boolean {
  const code = errnoOf(err);
  return code === "ENOENT" || code === "ENOTDIR";
}

function readError(name: string, path: string, err: unknown): QuireError {
  return new QuireError("E_STORE", `Cannot read rendition "${name}": ${describeFsFailure(err)}`, {
    file: path,
    cause: err,
  });
}

/** A sentence for an operator saying why a file-system write failed: full disk, read-only, permissions. */
export function describeFsFailure(err: unknown): string {
  const code = errnoOf(err);
  switch (code) {
    case "ENOSPC":
      return "the disk is full (ENOSPC)";
    case "EDQUOT":
      return "the disk quota is used up (EDQUOT)";
    case "EROFS":
      return "the file system is read-only (EROFS)";
    case "EACCES":
    case "EPERM":
      return `permission denied (${code})`;
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
