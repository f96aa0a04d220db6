/** Where a site's folders are and its validated quire.toml: the one place that decides paths. */
import { readFileSync, existsSync, accessSync, statSync, mkdirSync, copyFileSync, constants } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { tmpdir } from "node:os";
import { createHash } from "node:crypto";
import { parse as parseToml, TomlError } from "smol-toml";
import { QuireError } from "../errors.js";
import { validateConfig, type QuireConfig } from "./schema.js";

/** A site on disk: its folders, where Quire writes, and its configuration. */
export interface SitePaths {
  root: string;
  contentDir: string;
  templatesDir: string;
  staticDir: string;
  /** Everything Quire writes: the index, renditions, the development secret. */
  dataDir: string;
  indexPath: string;
  configFile: string;
  /**
   * True when the site folder cannot be written and no data folder was given: Quire then keeps its data in
   * a temporary folder and never writes under the site (no write-back).
   */
  readOnly: boolean;
}

export interface LoadedSite {
  paths: SitePaths;
  config: QuireConfig;
  /** Wrong values in quire.toml (always errors). */
  configErrors: QuireError[];
  /** Unknown keys in quire.toml (errors in `quire check`, warnings elsewhere). */
  configUnknown: QuireError[];
}

export interface LoadSiteOptions {
  /** The site folder; defaults to the current directory. */
  site?: string;
  /** Where Quire writes; defaults to `<site>/.quire` (or QUIRE_DATA_DIR). */
  dataDir?: string;
}

/** Resolves a site's folders; the data folder comes from the option, then QUIRE_DATA_DIR, then `<site>/.quire`. */
export function sitePaths(options: LoadSiteOptions, env: NodeJS.ProcessEnv = process.env): SitePaths {
  const root = resolve(options.site ?? ".");
  const given = options.dataDir ?? env.QUIRE_DATA_DIR;
  const own = join(root, ".quire");
  // A read-only site (a read-only mount, a folder owned by another user) keeps its data in the temp folder.
  const readOnly = given === undefined && !isWritable(own);
  const dataDir = resolve(given ?? (readOnly ? readOnlyDataDir(root) : own));
  return {
    root,
    contentDir: join(root, "content"),
    templatesDir: join(root, "templates"),
    staticDir: join(root, "static"),
    dataDir,
    indexPath: join(dataDir, "index.db"),
    configFile: join(root, "quire.toml"),
    readOnly,
  };
}

/** Whether this process may write `dir`, or create it in its nearest existing parent; only asks, never writes. */
export function isWritable(dir: string): boolean {
  let path = resolve(dir);
  for (;;) {
    try {
      accessSync(path, constants.W_OK);
      return statSync(path).isDirectory();
    } catch (err) {
      // EACCES, EROFS, EPERM: it exists and cannot be written.
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") return false;
    }
    const parent = dirname(path);
    if (parent === path) return false;
    path = parent;
  }
}

/** The data folder of a read-only site: `<tmp>/quire-<hash of the site path and user>`, the same on every start. */
export function readOnlyDataDir(root: string, uid: number | undefined = process.getuid?.()): string {
  const key = `${resolve(root)}\0${uid ?? ""}`;
  return join(tmpdir(), `quire-${createHash("sha256").update(key).digest("hex").slice(0, 12)}`);
}

/**
 * Starts a read-only site's temporary data folder from the site's own `.quire/` when it has one (an index
 * and secret built at deploy time), so a boot does no indexing from scratch. Never writes under the site.
 */
export function seedReadOnlyData(paths: SitePaths): void {
  if (!paths.readOnly) return;
  mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
  // The temp folder is shared: use the folder only if this user owns it and nobody else can write to it.
  const st = statSync(paths.dataDir);
  const uid = process.getuid?.();
  if ((uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) {
    throw new QuireError(
      "E_CONFIG",
      `${paths.dataDir} belongs to another user or is writable by others; set QUIRE_DATA_DIR to a folder of your own`,
      { field: "QUIRE_DATA_DIR" },
    );
  }
  for (const name of ["index.db", "secret"]) {
    const from = join(paths.root, ".quire", name);
    const to = join(paths.dataDir, name);
    try {
      if (existsSync(from) && !existsSync(to)) copyFileSync(from, to);
    } catch {
      // Unreadable: the index is rebuilt and a secret made in the temporary folder instead.
    }
  }
}

/** Loads a site: checks it has a content folder and reads its quire.toml (absent → all defaults). */
export function loadSite(options: LoadSiteOptions = {}, env: NodeJS.ProcessEnv = process.env): LoadedSite {
  const paths = sitePaths(options, env);
  if (!existsSync(paths.contentDir)) {
    throw new QuireError(
      "E_SITE",
      `${paths.root} is not a Quire site: it has no content/ folder (use --site DIR to name the site folder)`,
      { file: paths.root },
    );
  }
  let raw: Record<string, unknown> = {};
  if (existsSync(paths.configFile)) {
    const text = readFileSync(paths.configFile, "utf8");
    try {
      raw = parseToml(text) as Record<string, unknown>;
    } catch (err) {
      const line = err instanceof TomlError ? err.line : undefined;
      throw new QuireError(
        "E_CONFIG",
        `quire.toml is not valid TOML: ${(err as Error).message.split("\n")[0]}`,
        {
          file: "quire.toml",
          ...(line === undefined ? {} : { line }),
          cause: err,
        },
      );
    }
  }
  const { config, errors, unknown } = validateConfig(raw, "quire.toml");
  return { paths, config, configErrors: errors, configUnknown: unknown };
}
