/** Walks content/ and lists entry, category and asset files with their size and mtime; reads nothing else. */
import { readdirSync, statSync, realpathSync, type Dirent, type Stats } from "node:fs";
import { join } from "node:path";
import { QuireError } from "../errors.js";
import { byCodeUnits } from "../order.js";
import { resolveInside, siteRoots } from "./site-roots.js";

export type ContentKind = "entry" | "category" | "asset";

/** One file found under content/. */
export interface ScannedFile {
  /** Path relative to content/, forward slashes. */
  rel: string;
  abs: string;
  kind: ContentKind;
  /** -1 when scanned with `stat: false`. */
  size: number;
  /** -1 when scanned with `stat: false`. */
  mtimeMs: number;
}

export interface ScanResult {
  files: ScannedFile[];
  problems: QuireError[];
}

const ENTRY_EXT = /\.(md|markdown|html?)$/i;
const CATEGORY_EXT = /\.(cat|meta)$/i;

/** Editors' temporary, swap and backup files, and Quire's own write-back temp files. */
export function isIgnoredName(name: string): boolean {
  return (
    (name.startsWith(".") && !CATEGORY_EXT.test(name)) ||
    name.endsWith("~") ||
    /^#.*#$/.test(name) ||
    /\.(swp|swo|swx|tmp|bak|orig|crdownload|part)$/i.test(name) ||
    /^\.?#/.test(name) ||
    name === "4913" ||
    name.includes(".quire-tmp-")
  );
}

/** The kind of a content file from its name. */
export function contentKind(name: string): ContentKind {
  if (CATEGORY_EXT.test(name)) return "category";
  if (ENTRY_EXT.test(name)) return "entry";
  return "asset";
}

/**
 * Lists every file under `contentDir`, following symlinks that stay inside the site's folders, reporting the
 * ones that lead outside (never published) and loops (never followed forever). With `stat: false` regular files are not statted (size and mtime are -1): a first index reads
 * every file anyway and stats it then, which saves a system call per file.
 */
export function scanContent(contentDir: string, options: { stat?: boolean } = {}): ScanResult {
  const statFiles = options.stat !== false;
  const files: ScannedFile[] = [];
  const problems: QuireError[] = [];
  const seenDirs = new Set<string>();
  const roots = siteRoots(contentDir);

  const walk = (abs: string, rel: string): void => {
    let real: string;
    try {
      real = realpathSync(abs);
    } catch (err) {
      problems.push(readProblem(rel || ".", err));
      return;
    }
    if (seenDirs.has(real)) {
      problems.push(
        new QuireError("E_ENTRY_SYMLINK_LOOP", `the folder links back to ${real}; skipped to avoid a loop`, {
          file: `content/${rel}`,
        }),
      );
      return;
    }
    seenDirs.add(real);
    let dirents: Dirent[];
    try {
      dirents = readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      problems.push(readProblem(rel || ".", err));
      return;
    }
    for (const d of dirents) {
      if (isIgnoredName(d.name)) continue;
      const childAbs = join(abs, d.name);
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      let isDir = d.isDirectory();
      let st: Stats | undefined;
      if (d.isSymbolicLink()) {
        const found = resolveInside(childAbs, roots);
        if (found && "outside" in found) {
          problems.push(
            new QuireError(
              "E_ENTRY_SYMLINK_OUTSIDE",
              `links to ${found.outside}, outside the site's content/, static/ and templates/ folders; not published`,
              { file: `content/${childRel}` },
            ),
          );
          continue;
        }
      }
      if (d.isSymbolicLink() || !d.isFile()) {
        try {
          st = statSync(childAbs);
          isDir = st.isDirectory();
        } catch (err) {
          problems.push(readProblem(childRel, err));
          continue;
        }
      }
      if (isDir) {
        walk(childAbs, childRel);
        continue;
      }
      if (!statFiles && st === undefined) {
        files.push({ rel: childRel, abs: childAbs, kind: contentKind(d.name), size: -1, mtimeMs: -1 });
        continue;
      }
      try {
        st ??= statSync(childAbs);
      } catch (err) {
        // Deleted between readdir and stat: the next scan will not see it either.
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") problems.push(readProblem(childRel, err));
        continue;
      }
      if (!st.isFile()) continue;
      files.push({ rel: childRel, abs: childAbs, kind: contentKind(d.name), size: st.size, mtimeMs: st.mtimeMs });
    }
  };

  walk(contentDir, "");
  files.sort((a, b) => byCodeUnits(a.rel, b.rel));
  return { files, problems };
}

function readProblem(rel: string, err: unknown): QuireError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ELOOP") {
    return new QuireError("E_ENTRY_SYMLINK_LOOP", "the link points to itself (a symlink loop); skipped", {
      file: `content/${rel}`,
      cause: err,
    });
  }
  return new QuireError("E_ENTRY_READ", `could not be read (${code ?? (err as Error).message}); skipped`, {
    file: `content/${rel}`,
    cause: err,
  });
}
