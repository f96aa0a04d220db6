/** The HTTP server: binds the port first, serves page-cache hits ahead of express, drains in-flight requests on SIGTERM. */
import { createServer, type Server, type IncomingMessage, type ServerResponse } from "node:http";
import type { Site } from "../site.js";
import { createApp, SECURITY_HEADERS } from "./app.js";

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, waits for in-flight requests (up to `graceMs`), then closes the site. */
  stop(graceMs?: number): Promise<void>;
}

/** Listens on host:port and answers at once (503 until the site's first index is ready). */
export async function startServer(site: Site, port: number, host = "0.0.0.0"): Promise<RunningServer> {
  const app = createApp(site);
  const fastPath = site.cacheFastPath();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (fastPath && site.ready) {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
      fastPath(req, res).then(
        (answered) => {
          if (!answered) app(req, res);
        },
        () => app(req, res),
      );
      return;
    }
    app(req, res);
  };
  const server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
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
    stop(graceMs = 25_000) {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        await closed;
        clearTimeout(timer);
        await site.close();
      })();
      return stopping;
    },
  };
}
