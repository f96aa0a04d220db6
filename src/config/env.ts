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
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
