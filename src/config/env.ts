/** Infrastructure settings from environment variables, in one mapping: port, data folder, secret, mode. */
import { QuireError } from "../errors.js";

/** What the environment says about where and how Quire runs. */
export interface InfraEnv {
  port: number;
  host: string;
  /** QUIRE_DATA_DIR, if set. */
  dataDir: string | undefined;
  /** QUIRE_SECRET, if set: signs rendition URLs; must be the same on every instance. */
  secret: string | undefined;
  logLevel: string | undefined;
  /** QUIRE_BASE_URL overrides `site.base_url` (handy on PaaS review apps). */
  baseUrl: string | undefined;
  /** QUIRE_RENDER_THREADS: threads that render cache-miss pages (0 renders on the main thread). */
  renderThreads: number | undefined;
  /** QUIRE_RENDER_TIMEOUT_MS: how long one page may render before it is stopped and answered 503. */
  renderTimeoutMs: number | undefined;
  /** QUIRE_RENDER_BUDGET_MS: how long a page may render on the main thread before a rendering thread takes it (0: no limit). */
  renderBudgetMs: number | undefined;
  /** QUIRE_RENDITION_TIMEOUT_MS: how long one image rendition may take before it is stopped and answered 503. */
  renditionTimeoutMs: number | undefined;
}

/** Reads Quire's infrastructure variables; memcached and S3 variables are read by their own modules from the same env. */
export function infraFromEnv(env: NodeJS.ProcessEnv = process.env): InfraEnv {
  const portText = env.PORT ?? "3000";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new QuireError("E_CONFIG", `PORT is "${portText}"; expected a port number from 0 to 65535`, {
      field: "PORT",
    });
  }
  return {
    port,
    host: env.HOST ?? "0.0.0.0",
    dataDir: nonEmpty(env.QUIRE_DATA_DIR),
    secret: nonEmpty(env.QUIRE_SECRET),
    logLevel: nonEmpty(env.QUIRE_LOG_LEVEL),
    baseUrl: nonEmpty(env.QUIRE_BASE_URL),
    renderThreads: whole(env, "QUIRE_RENDER_THREADS", 0, 64),
    renderTimeoutMs: whole(env, "QUIRE_RENDER_TIMEOUT_MS", 100, 600_000),
    renderBudgetMs: whole(env, "QUIRE_RENDER_BUDGET_MS", 0, 600_000),
    renditionTimeoutMs: whole(env, "QUIRE_RENDITION_TIMEOUT_MS", 1000, 600_000),
  };
}

/** A whole number from a variable within [min, max], undefined when unset; anything else is a config error. */
function whole(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const text = nonEmpty(env[name]);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new QuireError("E_CONFIG", `${name} is "${text}"; expected a whole number from ${min} to ${max}`, {
      field: name,
    });
  }
  return n;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
