/** Image paths as authors write them: what kind of reference each is, where a relative one may live, and traversal checks. */
import { posix, resolve, sep } from "node:path";
import { QuireError } from "../errors.js";

/** How an image reference is served: a rendition of a content file, a static file, or someone else's URL. */
export type PathKind = "local" | "static" | "external";

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** `@path` is a static file, `http://…`, `//host/…` or `data:` are external, anything else is a content file. */
export function pathKind(path: string): PathKind {
  if (path.startsWith("@")) return "static";
  if (EXTERNAL.test(path)) return "external";
  return "local";
}

/** Where the entry lives, for resolving relative image paths. */
export interface SearchContext {
  /** The entry file relative to `content/`, e.g. `blog/photos/sunset.md`. */
  entryFile?: string;
  /** The entry's category path, e.g. `blog/photos` (`""` for the root). */
  category?: string;
}

/**
 * Content-relative candidates for an image path, best first: the entry's folder, then its category's folder,
 * then `content/` itself. A leading `/` means `content/` only. Candidates that would leave `content/` are dropped.
 */
export function candidatePaths(path: string, where: SearchContext = {}): string[] {
  const clean = path.split(/[?#]/, 1)[0] ?? "";
  if (clean === "" || clean.includes("\0")) return [];
  if (clean.startsWith("/")) return keep([clean.replace(/^\/+/, "")]);
  const folders = [
    where.entryFile !== undefined ? posix.dirname(where.entryFile) : undefined,
    where.category,
    "",
  ];
  const out: string[] = [];
  for (const folder of folders) {
    if (folder === undefined) continue;
    const joined = posix.join(folder === "." ? "" : folder, clean);
    if (!out.includes(joined)) out.push(joined);
  }
  return keep(out);
}

function keep(paths: string[]): string[] {
  return paths.filter((p) => isSafeSourcePath(p));
}

/** True for a normalised, relative path with no `..`, no empty or dot segments, no backslashes or NULs. */
export function isSafeSourcePath(path: string): boolean {
  if (typeof path !== "string" || path.length === 0 || path.length > 1024) return false;
  if (path.startsWith("/") || path.includes("\\") || path.includes("\0") || /^[a-z]:/i.test(path))
    return false;
  return path.split("/").every((part) => part !== "" && part !== "." && part !== "..");
}

/** Check a source path taken from a URL spec; anything that could leave `content/` is refused. */
export function validateSourcePath(path: unknown): string {
  if (typeof path !== "string" || !isSafeSourcePath(path)) {
    throw new QuireError(
      "E_IMAGE_SPEC",
      `Image source path ${JSON.stringify(String(path).slice(0, 80))} is not a path inside content/`,
      {
        field: "path",
      },
    );
  }
  return path;
}

/** The absolute file path of a content-relative source, checked to resolve inside `contentDir`. */
export function resolveSource(contentDir: string, path: string): string {
  const root = resolve(contentDir);
  const full = resolve(root, validateSourcePath(path));
  if (!full.startsWith(root + sep)) {
    throw new QuireError(
      "E_IMAGE_SPEC",
      `Image source path ${JSON.stringify(path)} resolves outside content/`,
      { field: "path" },
    );
  }
  return full;
}
