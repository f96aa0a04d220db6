/** Builds throwaway sites in a temp folder for tests: write files, copy, list checksums. */
import {
  mkdtempSync,
  mkdirSync,
  writeFileSync,
  readdirSync,
  readFileSync,
  statSync,
  cpSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, relative } from "node:path";
import { createHash } from "node:crypto";

/** A temp site folder with content/, templates/ and static/. */
export function makeSite(files: Record<string, string | Buffer> = {}, prefix = "quire-site-"): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const d of ["content", "templates", "static"]) mkdirSync(join(root, d), { recursive: true });
  writeFiles(root, files);
  return root;
}

/** Writes files (paths relative to the root, e.g. `content/blog/a.md`). */
export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, body] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, body);
  }
}

/** A copy of a folder (new inodes and mtimes, same bytes). */
export function copySite(root: string): string {
  const copy = mkdtempSync(join(tmpdir(), "quire-copy-"));
  cpSync(root, copy, {
    recursive: true,
    preserveTimestamps: false,
    filter: (src) => !src.includes(`${"/"}.quire`),
  });
  return copy;
}

/** path → sha256 of every file below a folder: compare before and after to prove nothing was written. */
export function checksums(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, d.name);
      if (d.isDirectory()) walk(abs);
      else if (d.isFile())
        out[relative(root, abs)] = createHash("sha256").update(readFileSync(abs)).digest("hex");
    }
  };
  walk(root);
  return out;
}

export function removeSite(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

export { statSync };
