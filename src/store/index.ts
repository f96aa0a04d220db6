/** Rendition stores: the interface, the local and S3 backends, their composition, and the one call that picks them from the environment. */
import { join } from "node:path";
import type { Logger } from "../log.js";
import { LocalStore } from "./local-store.js";
import type { RenditionStore } from "./rendition-store.js";
import { ResilientStore } from "./resilient-store.js";
import { s3ConfigFromEnv } from "./s3-config.js";
import { S3Store } from "./s3-store.js";
import { TieredStore } from "./tiered-store.js";

export type { RenditionStore, StoredRendition } from "./rendition-store.js";
export { assertRenditionName, contentTypeFor, isRenditionName } from "./rendition-name.js";
export { describeFsFailure, LocalStore, type LocalStoreOptions } from "./local-store.js";
export {
  describeS3Failure,
  IMMUTABLE_CACHE_CONTROL,
  normalizePrefix,
  S3Store,
  type S3StoreConfig,
  type S3StoreOptions,
} from "./s3-store.js";
export { parseCloudcubeUrl, s3ConfigFromEnv, type S3EnvConfig } from "./s3-config.js";
export { TieredStore, type TieredStoreOptions } from "./tiered-store.js";
export { ResilientStore, type ResilientStoreOptions } from "./resilient-store.js";

/** While S3 keeps failing, requests skip it for this long instead of each waiting for its deadline. */
const S3_COOLDOWN_MS = 30_000;

export interface RenditionStoreSetup {
  /** Where the S3 variables are read from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The data folder; renditions go to `<dataDir>/renditions`. */
  dataDir: string;
  logger: Logger;
  /** How long a failing S3 is skipped (default 30 s). */
  s3CooldownMs?: number;
}

/**
 * The rendition store the environment asks for. Without S3: the local store alone, whose write failures
 * reject (E_STORE) so the caller serves from memory. With S3: the local disk in front of the bucket, where
 * S3 failures become misses and logged warnings, never errors, and a failing S3 is skipped for a while.
 * Throws E_CONFIG when the S3 variables are inconsistent.
 */
export function createRenditionStore(setup: RenditionStoreSetup): RenditionStore {
  const { logger } = setup;
  const local = new LocalStore(join(setup.dataDir, "renditions"));
  const config = s3ConfigFromEnv(setup.env ?? process.env);
  if (config === null) return local;
  const { source, ...s3 } = config;
  const remote = new S3Store({ ...s3, logger });
  logger.info(
    { store: remote.label, source, endpoint: s3.endpoint ?? null, publicUrl: s3.publicUrl ?? null },
    "Renditions are stored in S3, with a local copy",
  );
  // Renditions made while S3 is skipped live on disk; they are copied up once it answers again.
  const cooldownMs = setup.s3CooldownMs ?? S3_COOLDOWN_MS;
  const guarded = new ResilientStore(remote, { logger, cooldownMs, backfillFrom: local });
  const tiered = new TieredStore(local, guarded, { logger });
  // The outer wrapper keeps the promise "no store error reaches a response" for the local tier as well.
  return new ResilientStore(tiered, { logger });
}
