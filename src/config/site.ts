/** Where a site's folders are and its validated quire.toml: the one place that decides paths. */
import { readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
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
  const dataDir = resolve(options.dataDir ?? env.QUIRE_DATA_DIR ?? join(root, ".quire"));
  return {
    root,
    contentDir: join(root, "content"),
    templatesDir: join(root, "templates"),
    staticDir: join(root, "static"),
    dataDir,
    indexPath: join(dataDir, "index.db"),
    configFile: join(root, "quire.toml"),
  };
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
