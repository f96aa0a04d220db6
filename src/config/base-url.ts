/**
 * The site's public address, for canonical links, `og:url`, feeds and the sitemap: QUIRE_BASE_URL, else
 * `site.base_url`, else Heroku's dyno metadata, else (in development) localhost. In production without any,
 * absolute URLs are refused: links are written relative to the site, and a warning says what to set.
 */

/** Where the base URL came from. */
export type BaseUrlSource = "QUIRE_BASE_URL" | "site.base_url" | "heroku" | "development" | "none";

export interface BaseUrl {
  /** The address without a trailing slash, or "" when there is none (links are then relative). */
  url: string;
  source: BaseUrlSource;
  /** A sentence for the operator when production has no public address. */
  warning?: string;
}

/** The address development servers link to when nothing else is set. */
export const DEVELOPMENT_BASE_URL = "http://localhost:3000";

/** The sentence shown at start and by `quire check` when production has no public address. */
export const NO_BASE_URL =
  "no public address is set: canonical links, og:url, feeds and the sitemap get relative links instead of " +
  "absolute ones, and entries share no og:image; set base_url in [site] of quire.toml (or QUIRE_BASE_URL), " +
  "e.g. https://blog.example.com";

/** Resolves the base URL from the environment and the configured `site.base_url` ("" when not set). */
export function resolveBaseUrl(configured: string, env: NodeJS.ProcessEnv, dev: boolean): BaseUrl {
  const fromEnv = env.QUIRE_BASE_URL?.trim();
  if (fromEnv) return { url: trimSlash(fromEnv), source: "QUIRE_BASE_URL" };
  if (configured.trim() !== "") return { url: trimSlash(configured.trim()), source: "site.base_url" };
  const heroku = herokuBaseUrl(env);
  if (heroku) return { url: heroku, source: "heroku" };
  if (dev) return { url: DEVELOPMENT_BASE_URL, source: "development" };
  return { url: "", source: "none", warning: NO_BASE_URL };
}

/**
 * The app's address from Heroku's dyno metadata (`heroku labs:enable runtime-dyno-metadata`):
 * HEROKU_APP_DEFAULT_DOMAIN_NAME (e.g. `blog-1a2b3c.herokuapp.com`), else `<HEROKU_APP_NAME>.herokuapp.com`.
 */
export function herokuBaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const domain = env.HEROKU_APP_DEFAULT_DOMAIN_NAME?.trim();
  if (domain && /^[a-z0-9.-]+$/i.test(domain)) return `https://${domain.toLowerCase()}`;
  const app = env.HEROKU_APP_NAME?.trim();
  if (app && /^[a-z0-9-]+$/i.test(app)) return `https://${app.toLowerCase()}.herokuapp.com`;
  return undefined;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
