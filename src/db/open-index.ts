/** Opens the SQLite index: creates it, and rebuilds it from scratch when its schema is old or the file is corrupt. */
import Database from "better-sqlite3";
import { mkdirSync, rmSync, existsSync } from "node:fs";
import { dirname } from "node:path";
import { SCHEMA_SQL, SCHEMA_VERSION } from "./schema.js";
import type { Logger } from "../log.js";

export type Db = Database.Database;

export interface OpenIndexOptions {
  /** `:memory:` for an index that lives only in this process (read-only hosts). */
  path: string;
  readonly?: boolean;
  logger?: Logger;
  /**
   * SQLite's page cache for this connection, in KiB (default 16,000: indexing rewrites many pages). A serving
   * connection reads a few pages per request, which the OS's file cache holds anyway: it needs far less.
   */
  cacheKb?: number;
}

/** Why an index was (re)created, for logs and `quire index --json`. */
export type OpenReason = "opened" | "created" | "rebuilt-schema" | "rebuilt-corrupt" | "memory";

/** Opens (or creates) the index; an index with another SCHEMA_VERSION or a corrupt file is deleted and recreated. */
export function openIndex(options: OpenIndexOptions): { db: Db; reason: OpenReason } {
  const { path } = options;
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const existed = path !== ":memory:" && existsSync(path);
  if (existed) {
    const result = tryOpenExisting(path, options.cacheKb);
    if (result.db) return { db: result.db, reason: "opened" };
    // A full or read-only disk is not a corrupt index: never delete a good index because it cannot be written.
    if (result.storage) throw result.storage;
    options.logger?.warn(
      { index: path, why: result.why },
      `index ${result.why}; rebuilding it from content/`,
    );
    removeIndexFiles(path);
    return {
      db: createIndex(path, options.cacheKb),
      reason: result.why === "has an old schema" ? "rebuilt-schema" : "rebuilt-corrupt",
    };
  }
  return { db: createIndex(path, options.cacheKb), reason: "created" };
}

function tryOpenExisting(path: string, cacheKb?: number): { db?: Db; why: string; storage?: unknown } {
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
      { value: string } | undefined;
    if (!row || Number(row.value) !== SCHEMA_VERSION) {
      db.close();
      return { why: "has an old schema" };
    }
    // No quick_check here: it reads every page, which a boot cannot afford. A file that is not a database
    // fails the read above; damage deeper inside surfaces as SQLITE_CORRUPT later and the server rebuilds then.
    tune(db, cacheKb);
    return { db, why: "" };
  } catch (err) {
    try {
      db?.close();
    } catch {
      // already unusable
    }
    return isStorageFailure(err) ? { why: "cannot be written", storage: err } : { why: "is corrupt" };
  }
}

function createIndex(path: string, cacheKb?: number): Db {
  const db = new Database(path);
  if (path !== ":memory:") db.pragma("journal_mode = WAL");
  tune(db, cacheKb);
  db.exec(SCHEMA_SQL);
  db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
  return db;
}

function tune(db: Db, cacheKb = 16_000): void {
  db.pragma("synchronous = NORMAL");
  db.pragma("temp_store = MEMORY");
  db.pragma(`cache_size = -${Math.max(100, Math.floor(cacheKb))}`);
}

/**
 * Opens the index at `options.path`, or, when its folder cannot hold it (full, read-only, not ours), an index
 * in memory that a refresh fills from content/: the site serves, and `problem` says what is wrong.
 */
export function openIndexOrMemory(options: OpenIndexOptions): {
  db: Db;
  reason: OpenReason;
  problem?: string;
} {
  try {
    return openIndex(options);
  } catch (err) {
    if (!isStorageFailure(err)) throw err;
    const why = (err as Error).message;
    const problem = `the index cannot be written to ${options.path} (${why}): serving from an index in memory, rebuilt from content/ at every start; free space in the data folder or point QUIRE_DATA_DIR at a writable one`;
    // An index in memory lives in its page cache: it keeps the default size.
    return { db: openIndex({ path: ":memory:" }).db, reason: "memory", problem };
  }
}

/** True for a disk that is full, read-only or refuses us, as opposed to a damaged index. */
export function isStorageFailure(err: unknown): boolean {
  const code = String((err as { code?: unknown }).code ?? "");
  return /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|PERM)|^(ENOSPC|EROFS|EACCES|EPERM|EDQUOT|EFBIG)$/.test(code);
}

/** Deletes an index file and its WAL companions. */
export function removeIndexFiles(path: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(path + suffix, { force: true });
}

/** Reads a value from the meta table. */
export function getMeta(db: Db, key: string): string | undefined {
  return (db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)
    ?.value;
}

/** Writes a value into the meta table. */
export function setMeta(db: Db, key: string, value: string): void {
  db.prepare(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  ).run(key, value);
}

/** True for SQLite's "this is not a (valid) database" errors. */
export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? "";
  const message = (err as Error).message ?? "";
  return (
    /SQLITE_(CORRUPT|NOTADB)/.test(code) || /malformed|not a database|file is not a database/i.test(message)
  );
}
