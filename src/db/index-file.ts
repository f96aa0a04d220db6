/** The health of the index file under a running server: deleted or replaced (another inode), or overwritten
 *  (no SQLite header). Cheap checks, made every few seconds and before each refresh. */
import { statSync, openSync, readSync, closeSync } from "node:fs";

/** The inode of a file, or 0 when it is missing: a changed inode means the file was replaced. */
export function inodeOf(path: string): number {
  try {
    return statSync(path).ino;
  } catch {
    return 0;
  }
}

/** True when the file starts with SQLite's header (a cheap check that catches an overwritten file). */
export function hasSqliteHeader(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    return head.toString("latin1") === "SQLite format 3\0";
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Why the index file at `path` is not the healthy one opened with inode `inode`, or null. */
export function indexFileProblem(path: string, inode: number): string | null {
  if (inodeOf(path) !== inode) return "the index file was deleted or replaced";
  if (!hasSqliteHeader(path)) return "the index file is corrupt";
  return null;
}
