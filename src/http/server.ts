/** The HTTP server: binds the port first, serves page-cache hits ahead of express, drains in-flight requests on SIGTERM. */
import { createServer, type Server, type IncomingMessage, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import type { Site } from "../site.js";
import { createApp } from "./app.js";
import { SECURITY_HEADERS } from "./site-files.js";
import { HEALTH_PATH, accessLogEnabled, answerHealth, logAccess, markCacheHit } from "./operator.js";

export interface RunningServer {
  server: Server;
  port: number;
  /** The listen backlog asked of the kernel: as many pending connections as it allows. */
  backlog: number;
  /** Stops accepting, waits for in-flight requests (up to `graceMs`), then closes the site. */
  stop(graceMs?: number): Promise<void>;
  /** Serves another site from now on (settings reloaded in development) and closes the one it replaces. */
  replaceSite(next: Site): Promise<void>;
}

/** Logged when connections are still open at the end of the shutdown grace period and are cut. */
export const GRACE_EXPIRED = "connections still open at the end of the grace period; closing them";

/** Listens on host:port and answers at once (503 until the site's first index is ready). */
export async function startServer(first: Site, port: number, host = "0.0.0.0"): Promise<RunningServer> {
  let site = first;
  let app = createApp(site);
  // The fast path sends the security headers itself, merged once per cached page; express sets them on misses.
  let fastPath = site.cacheFastPath(SECURITY_HEADERS);
  let draining = false;
  const access = accessLogEnabled(site.config.log.access, process.env);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const serving = app;
    if ((req.url?.length ?? 0) > MAX_URL_LENGTH) return tooLong(res);
    if (access) logAccess(site.logger, req, res);
    if (req.url === HEALTH_PATH) return answerHealth(res, site.ready, req.method);
    // While stopping, every response closes its connection, so keep-alive clients let go and the drain ends.
    if (draining) res.setHeader("Connection", "close");
    if (fastPath && site.ready) {
      let answered: boolean | Promise<boolean>;
      try {
        answered = fastPath(req, res);
      } catch {
        // As when it was async: a fast path that throws hands the request to the router, never crashes.
        answered = false;
      }
      if (answered === true) return void (access && markCacheHit(res));
      if (answered === false) return void serving(req, res);
      answered.then(
        (done) => {
          if (!done) serving(req, res);
          else if (access) markCacheHit(res);
        },
        () => serving(req, res),
      );
      return;
    }
    serving(req, res);
  };
  // Headers may be larger than Node's 16 KB default so an over-long URL reaches us and gets a clear 414,
  // the same on every Node version (Node itself answers or resets the connection, depending on the version).
  const server = createServer({ maxHeaderSize: 128 * 1024 }, handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  let stopping: Promise<void> | undefined;
  return {
    server,
    port: actualPort,
    backlog: LISTEN_BACKLOG,
    stop(graceMs = 25_000) {
      stopping ??= (async () => {
        draining = true;
        // A rendition being made can take many seconds: its requests are answered 503 now, not waited for.
        site.images.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Connections become idle between requests; close them as they do.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        // Says so when it has to: a drain that needs the grace period is a client or a request that hung on.
        const timer = setTimeout(() => {
          site.logger.warn({ graceMs }, GRACE_EXPIRED);
          server.closeAllConnections();
        }, graceMs);
        timer.unref();
        await closed;
        clearInterval(sweep);
        clearTimeout(timer);
        await site.close();
      })();
      return stopping;
    },
    async replaceSite(next: Site) {
      const old = site;
      site = next;
      app = createApp(next);
      fastPath = next.cacheFastPath(SECURITY_HEADERS);
      await old.close();
    },
  };
}

/**
 * The kernel's cap on pending connections (`net.core.somaxconn`), so a burst waits in the queue instead of
 * being reset; Node's own default is 511. Off Linux, or when it cannot be read, 511 as Node would.
 */
export function listenBacklog(file = "/proc/sys/net/core/somaxconn"): number {
  try {
    const value = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(value) && value > 0 ? value : 511;
  } catch {
    return 511;
  }
}

const LISTEN_BACKLOG = listenBacklog();

/** The longest request URL Quire serves; page URLs are far shorter, so anything longer is refused. */
export const MAX_URL_LENGTH = 8192;

function tooLong(res: ServerResponse): void {
  res.writeHead(414, {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": "no-store",
    ...SECURITY_HEADERS,
  });
  res.end("URI too long\n");
}
