/** Which page cache a process uses: memcached settings from the environment (Heroku add-on
 *  variables first), and the one factory that builds the memory-only or the tiered cache. */
import { QuireError } from "../errors.js";
import type { Logger } from "../log.js";
import { MemcachedPageCache } from "./memcached-cache.js";
import { DEFAULT_MEMORY_BYTES, MemoryPageCache } from "./memory-cache.js";
import type { PageCache } from "./page-cache.js";
import { TieredPageCache } from "./tiered-cache.js";

/** Where memcached is and how to log in to it. */
export interface MemcachedConfig {
  /** `host:port` entries, in the order given. */
  servers: readonly string[];
  username?: string;
  password?: string;
}

// Precedence: MemCachier, then Redis Cloud's memcached, then the generic variable.
const PROVIDERS = [
  { servers: "MEMCACHIER_SERVERS", username: "MEMCACHIER_USERNAME", password: "MEMCACHIER_PASSWORD" },
  {
    servers: "MEMCACHEDCLOUD_SERVERS",
    username: "MEMCACHEDCLOUD_USERNAME",
    password: "MEMCACHEDCLOUD_PASSWORD",
  },
  { servers: "MEMCACHE_SERVERS" },
] as const;

/** memcached settings from environment variables, or null when none is set (memory cache only). */
export function cacheConfigFromEnv(env: Record<string, string | undefined>): MemcachedConfig | null {
  for (const provider of PROVIDERS) {
    const raw = env[provider.servers]?.trim();
    if (!raw) continue;
    // Add-ons give comma-separated lists; spaces are tolerated too.
    const servers = raw.split(/[\s,]+/).filter((s) => s.length > 0);
    for (const server of servers) checkServer(server, provider.servers);
    const config: MemcachedConfig = { servers: Object.freeze(servers) };
    if ("username" in provider) {
      const username = env[provider.username] || undefined;
      const password = env[provider.password] || undefined;
      if ((username === undefined) !== (password === undefined)) {
        const [present, missing] =
          username === undefined
            ? [provider.password, provider.username]
            : [provider.username, provider.password];
        throw new QuireError("E_CACHE", `${present} is set but ${missing} is not`, { field: missing });
      }
      if (username !== undefined) config.username = username;
      if (password !== undefined) config.password = password;
    }
    return Object.freeze(config);
  }
  return null;
}

function checkServer(server: string, variable: string): void {
  // Hostnames, IPv4, or memjs's `user:pass@host:port`; the port is optional (11211).
  const hostPort = server.slice(server.lastIndexOf("@") + 1);
  const match = /^([A-Za-z0-9.-]+)(?::(\d+))?$/.exec(hostPort);
  const port = match?.[2] === undefined ? 11211 : Number(match[2]);
  if (!match || port < 1 || port > 65535) {
    throw new QuireError("E_CACHE", `${variable}: "${hostPort}" is not a memcached server (host:port)`, {
      field: variable,
    });
  }
}

export interface CreatePageCacheOptions {
  env: Record<string, string | undefined>;
  /** Size of the in-process tier; default 64 MB. */
  memoryBytes?: number;
  /** Deadline of each memcached call; default 250 ms. */
  timeoutMs?: number;
  /** How long a failing memcached is skipped; default 10 s. */
  coolDownMs?: number;
  logger: Logger;
}

/** The page cache for this process: memory alone when no memcached is configured, else memory in front of memcached. */
export function createPageCache(options: CreatePageCacheOptions): PageCache {
  const memory = new MemoryPageCache({ maxBytes: options.memoryBytes ?? DEFAULT_MEMORY_BYTES });
  const config = cacheConfigFromEnv(options.env);
  if (!config) return memory;
  const shared = new MemcachedPageCache({
    servers: config.servers,
    username: config.username,
    password: config.password,
    timeoutMs: options.timeoutMs,
    coolDownMs: options.coolDownMs,
    logger: options.logger,
  });
  options.logger.info({ cache: shared.label }, "page cache: memory in front of memcached");
  return new TieredPageCache(memory, shared);
}
