/** A site's own template filters, tests and globals: `extensions.mjs` (or `.js`, `.cjs`) next to `quire.toml`,
 *  as a Publ site adds them in its `app.py`. Loaded at start, reloaded when it changes under `--dev`. */
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { QuireError } from "../errors.js";

/** The file names looked for, in order, at the site's root. */
export const EXTENSION_FILES = ["extensions.mjs", "extensions.js", "extensions.cjs"];

/** What the module exports: `filters`, `tests` and `globals`, each an object of name → value. */
export interface SiteExtensions {
  /** The module's file, relative to the site (`extensions.mjs`). */
  file: string;
  filters: Record<string, (...args: any[]) => unknown>;
  tests: Record<string, (...args: any[]) => unknown>;
  globals: Record<string, unknown>;
}

/** The extensions file of a site, or null if it has none. */
export function extensionsFile(siteRoot: string): string | null {
  for (const name of EXTENSION_FILES) {
    const file = join(siteRoot, name);
    if (existsSync(file)) return file;
  }
  return null;
}

const require = createRequire(import.meta.url);

/** Loads the site's extensions synchronously (at start); null if the site has none; a QuireError naming file and line if it fails. */
export function loadExtensions(siteRoot: string): SiteExtensions | null {
  const file = extensionsFile(siteRoot);
  if (!file) return null;
  let mod: unknown;
  try {
    mod = require(file);
  } catch (err) {
    throw extensionError(file, siteRoot, err);
  }
  return validate(mod, file, siteRoot);
}

/** Loads the file again after a change (`--dev`): a fresh module instance, since the first one stays cached. */
export async function reloadExtensions(siteRoot: string): Promise<SiteExtensions | null> {
  const file = extensionsFile(siteRoot);
  if (!file) return null;
  let mod: unknown;
  try {
    mod = await import(`${pathToFileURL(file).href}?v=${statSync(file).mtimeMs}`);
  } catch (err) {
    throw extensionError(file, siteRoot, err);
  }
  return validate(mod, file, siteRoot);
}

function relativeName(file: string, siteRoot: string): string {
  return file.startsWith(siteRoot) ? file.slice(siteRoot.length).replace(/^[/\\]+/, "") : file;
}

function validate(mod: unknown, file: string, siteRoot: string): SiteExtensions {
  const m = (mod ?? {}) as Record<string, unknown>;
  const source = (m.default && typeof m.default === "object" ? m.default : m) as Record<string, unknown>;
  const rel = relativeName(file, siteRoot);
  const table = (key: string, functions: boolean): Record<string, any> => {
    const t = source[key];
    if (t === undefined) return {};
    if (!t || typeof t !== "object")
      throw new QuireError(
        "E_EXTENSIONS",
        `\`${key}\` must be an object of name → ${functions ? "function" : "value"}`,
        {
          file: rel,
          field: key,
        },
      );
    for (const [name, fn] of Object.entries(t))
      if (functions && typeof fn !== "function")
        throw new QuireError("E_EXTENSIONS", `${key}.${name} is not a function`, {
          file: rel,
          field: `${key}.${name}`,
        });
    return { ...(t as object) };
  };
  const known = new Set(["filters", "tests", "globals", "default"]);
  for (const key of Object.keys(source))
    if (!known.has(key))
      throw new QuireError("E_EXTENSIONS", `unknown export \`${key}\` (expected filters, tests or globals)`, {
        file: rel,
        field: key,
      });
  return {
    file: rel,
    filters: table("filters", true),
    tests: table("tests", true),
    globals: table("globals", false),
  };
}

/** The error of a module that failed to load, with the line in the site's file where it happened. */
function extensionError(file: string, siteRoot: string, err: unknown): QuireError {
  const e = err as Error & { code?: string };
  const rel = relativeName(file, siteRoot);
  let line: number | undefined;
  const fileUrl = pathToFileURL(file).href;
  for (const text of [e.stack ?? "", String(e.message)]) {
    const re = new RegExp(`(?:${escapeRe(file)}|${escapeRe(fileUrl)})(?:\\?v=[\\d.]+)?:(\\d+)`);
    const m = re.exec(text);
    if (m) {
      line = Number(m[1]);
      break;
    }
  }
  // Node keeps an ES module's syntax error position out of the error object; `node --check` prints it.
  if (line === undefined && e instanceof SyntaxError) line = syntaxErrorLine(file);
  const message =
    e.code === "ERR_REQUIRE_ESM" || e.code === "ERR_REQUIRE_ASYNC_MODULE"
      ? "this Node cannot load an ES module synchronously: name the file extensions.cjs, or use Node 20.19 or later"
      : `could not load the site's extensions: ${e.message.split("\n")[0]}`;
  return new QuireError("E_EXTENSIONS", message, { file: rel, line, cause: err });
}

function syntaxErrorLine(file: string): number | undefined {
  const r = spawnSync(process.execPath, ["--check", file], { encoding: "utf8", timeout: 10_000 });
  const m = new RegExp(`${escapeRe(file)}:(\\d+)`).exec(`${r.stderr ?? ""}`);
  return m ? Number(m[1]) : undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
