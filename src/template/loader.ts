/** Finds templates: from the category's own folder up to the site's templates/, then Quire's built-in theme. */
import { readFileSync, statSync, readdirSync } from "node:fs";
import { join, extname, sep } from "node:path";
import { createHash } from "node:crypto";
import { pickVariant } from "./negotiate.js";

/** Extensions tried, in order, for a template named without one (`feed` → `feed.xml`). */
const EXTENSIONS = ["", ".html", ".htm", ".xml", ".json", ".txt", ".css", ".js"];

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".atom": "application/atom+xml; charset=utf-8",
  ".rss": "application/rss+xml; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml; charset=utf-8",
};

/** The response type of a template file, from its extension; `feed.xml` that is Atom says so. */
export function templateMimeType(file: string, source?: string): string {
  const ext = extname(file).toLowerCase();
  if (ext === ".xml" && source && source.includes("http://www.w3.org/2005/Atom")) return MIME[".atom"]!;
  return MIME[ext] ?? "text/html; charset=utf-8";
}

/** A template found on disk: the name Nunjucks loads it by, its file, and its MIME type. */
export interface FoundTemplate {
  /** `<root index>:<relative path>`, unique across roots. */
  name: string;
  file: string;
  relative: string;
  mimeType: string;
  /** How many files answer to the name in the template's folder: more than one, and the `Accept` header chose. */
  variants?: number;
}

/** Loads template sources for Nunjucks and resolves Publ's lookup order; a cache that is cleared on change. */
export class TemplateLoader {
  readonly roots: string[];
  /** Nunjucks stores compiled templates here; `invalidate()` empties it. */
  cache: Record<string, unknown> = {};
  private found = new Map<string, FoundTemplate | null>();

  constructor(roots: string[]) {
    this.roots = roots;
  }

  /** Nunjucks' loader hook: names are `<root index>:<relative path>`, or a plain relative path for includes. */
  getSource(name: string): { src: string; path: string; noCache: boolean } | null {
    const file = this.fileOf(name);
    if (!file) return null;
    try {
      return { src: readFileSync(file, "utf8"), path: file, noCache: false };
    } catch {
      return null;
    }
  }

  private fileOf(name: string): string | null {
    const m = /^(\d+):(.*)$/.exec(name);
    if (m) return join(this.roots[Number(m[1])]!, m[2]!);
    for (const root of this.roots) {
      const file = join(root, name);
      if (isFile(file)) return file;
    }
    return null;
  }

  /**
   * The template `name` for `category`: `blog/photos/entry.html`, then `blog/entry.html`, `entry.html`, then
   * built-ins. With `accept` (a request's media ranges, best first; see negotiate.ts), the folder's variants
   * (`feed.xml`, `feed.html`) are chosen among as Publ chooses, and null means none is acceptable or none exists.
   */
  find(name: string, category: string, accept?: readonly string[]): FoundTemplate | null {
    if (accept) return this.negotiated(name, category, accept);
    const key = `${category}\0${name}`;
    const cached = this.found.get(key);
    if (cached !== undefined) return cached;
    let result: FoundTemplate | null = null;
    const parts = category.split("/").filter(Boolean);
    search: for (let r = 0; r < this.roots.length; r++) {
      for (let depth = r === 0 ? parts.length : 0; depth >= 0; depth--) {
        const folder = parts.slice(0, depth).join("/");
        for (const ext of EXTENSIONS) {
          const relative = folder ? `${folder}/${name}${ext}` : `${name}${ext}`;
          const file = join(this.roots[r]!, relative);
          if (isFile(file)) {
            result = {
              name: `${r}:${relative}`,
              file,
              relative,
              mimeType: templateMimeType(file, peek(file)),
            };
            break search;
          }
        }
      }
    }
    this.found.set(key, result);
    return result;
  }

  private negotiated(name: string, category: string, accept: readonly string[]): FoundTemplate | null {
    const key = `${category}\0${name}\0${accept.join(",")}`;
    const cached = this.found.get(key);
    if (cached !== undefined) return cached;
    let result: FoundTemplate | null = null;
    const parts = category.split("/").filter(Boolean);
    search: for (let r = 0; r < this.roots.length; r++) {
      for (let depth = r === 0 ? parts.length : 0; depth >= 0; depth--) {
        const folder = parts.slice(0, depth).join("/");
        const dir = join(this.roots[r]!, folder);
        const exact = isFile(join(dir, name)) ? name : null;
        const variants = variantsOf(dir, name);
        const picked = pickVariant(exact, variants, accept, mimeOf);
        if (picked === null || picked === "refused") continue;
        const relative = folder ? `${folder}/${picked.file}` : picked.file;
        const file = join(this.roots[r]!, relative);
        result = {
          name: `${r}:${relative}`,
          file,
          relative,
          mimeType: templateMimeType(file, peek(file)),
          variants: variants.length + (exact === null ? 0 : 1),
        };
        break search;
      }
    }
    // Accept headers vary without end: the table starts over rather than grow.
    if (this.found.size >= MAX_FOUND) this.found.clear();
    this.found.set(key, result);
    return result;
  }

  /** Forgets found and compiled templates (after a change under templates/). */
  invalidate(): void {
    this.found.clear();
    this.cache = {};
  }

  /** A fingerprint of every template's bytes (and of the site's extensions file), the same on every machine for the same files. */
  fingerprint(extraFile?: string): string {
    const h = createHash("sha256");
    if (extraFile) h.update(readFileSync(extraFile)).update("\n");
    this.roots.forEach((root, i) => {
      for (const rel of listFiles(root))
        h.update(`${i}:${rel}\0`)
          .update(readFileSync(join(root, rel)))
          .update("\n");
    });
    return h.digest("base64url").slice(0, 16);
  }
}

const MAX_FOUND = 4096;

/** A template file's type as negotiation sees it (no parameters), or null for an extension Quire cannot name. */
function mimeOf(file: string): string | null {
  const ext = extname(file).toLowerCase();
  return ext === "" ? null : (MIME[ext]?.split(";")[0] ?? null);
}

/** The files of a folder named `name.<ext>`, in the order an equal choice prefers (`.html` before `.htm`). */
function variantsOf(dir: string, name: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isFile() && d.name.startsWith(`${name}.`))
      .map((d) => d.name);
  } catch {
    return [];
  }
  const rank = (file: string): number => {
    const i = EXTENSIONS.indexOf(file.slice(name.length));
    return i < 0 ? EXTENSIONS.length : i;
  };
  return names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function peek(file: string): string {
  try {
    return readFileSync(file, "utf8").slice(0, 2000);
  } catch {
    return "";
  }
}

function listFiles(root: string, rel = ""): string[] {
  let out: string[] = [];
  let dirents;
  try {
    dirents = readdirSync(join(root, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const d of dirents.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = rel ? `${rel}${sep === "/" ? "/" : "/"}${d.name}` : d.name;
    if (d.isDirectory()) out = out.concat(listFiles(root, child));
    else if (d.isFile()) out.push(child);
  }
  return out;
}
