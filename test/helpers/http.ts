/** Starts a Quire site in this process on a free 127.0.0.1 port, for HTTP tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Site, type SiteOptions } from "../../src/site.js";
import { startServer, type RunningServer } from "../../src/http/server.js";
import { silentLogger } from "../../src/log.js";

export interface TestServer {
  url: string;
  site: Site;
  server: RunningServer;
  get(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/** Serves `root` with a fresh data folder on `port` (a free one by default); indexes before returning unless
 *  `index: false`. */
export async function serveSite(
  root: string,
  options: Partial<SiteOptions> & { index?: boolean; port?: number } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "quire-data-"));
  const site = new Site({
    site: root,
    dataDir,
    logger: silentLogger(),
    inlineIndexer: true,
    env: { QUIRE_SECRET: "test-secret" },
    cache: false,
    ...options,
  });
  const server = await startServer(site, options.port ?? 0, "127.0.0.1");
  if (options.index !== false) await site.start();
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    site,
    server,
    get: (path, init) => fetch(url + path, { redirect: "manual", ...init }),
    async stop() {
      await server.stop(1000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
