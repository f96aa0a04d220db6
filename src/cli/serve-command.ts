/** `quire serve`: binds the port first, indexes in the background, drains and exits 0 on SIGTERM/SIGINT. */
import { availableParallelism } from "node:os";
import { Site } from "../site.js";
import { startServer } from "../http/server.js";
import { infraFromEnv } from "../config/env.js";
import { parseCommand, SITE_OPTIONS } from "./args.js";
import type { Output } from "./output.js";
import { reloadOnConfigChange } from "./config-reload.js";
import { QuireError } from "../errors.js";
import { createLogger, logProcessWarnings } from "../log.js";
import { tuneServerHeap } from "./serve-heap.js";

/** The flags `quire serve` takes (described in usage.ts). */
export const SERVE_OPTIONS = {
  site: SITE_OPTIONS.site,
  data: SITE_OPTIONS.data,
  help: SITE_OPTIONS.help,
  port: { type: "string", short: "p" },
  host: { type: "string" },
  dev: { type: "boolean", default: false },
  drafts: { type: "boolean", default: false },
} as const;

/** `quire serve [--site DIR] [--port N] [--dev]`: resolves only when the server has stopped. */
export async function serveCommand(argv: string[], _out: Output): Promise<number> {
  const { values } = parseCommand(argv, SERVE_OPTIONS, "serve");
  const infra = infraFromEnv(values.port ? { ...process.env, PORT: values.port } : process.env);
  const logger = createLogger({ pretty: values.dev, level: infra.logLevel });
  logProcessWarnings(logger);
  if (values.drafts && !values.dev)
    throw new QuireError("E_USAGE", "--drafts previews drafts in development only: add --dev");
  tuneServerHeap();
  const makeSite = () =>
    new Site({
      site: values.site,
      dataDir: values.data,
      dev: values.dev,
      drafts: values.drafts,
      logger,
      // Pages render on the main thread unless asked for: on two cores a thread for every page costs +17–59 %
      // CPU per cache-miss page and ~27 MB more memory on a 10,000-entry site (bench http, quiet machine). A
      // page over the main thread's budget goes to a thread started for it (render/page-renderer.ts).
      renderThreads: Math.min(infra.renderThreads ?? 0, Math.max(2, availableParallelism())),
      renderTimeoutMs: infra.renderTimeoutMs,
      renderBudgetMs: infra.renderBudgetMs,
    });
  const site = makeSite();
  const host = values.host ?? (values.dev && !process.env.HOST ? "127.0.0.1" : infra.host);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(site, infra.port, host);
  } catch (err) {
    await site.close().catch(() => undefined);
    throw listenError(err, host, infra.port);
  }
  site.logger.info(
    {
      port: server.port,
      site: site.paths.root,
      data: site.paths.dataDir,
      cache: site.pageCache?.label ?? "off",
      images: site.images.label,
    },
    `listening on http://${host}:${server.port} (data in ${site.paths.dataDir})`,
  );
  site.start().catch((err) => site.logger.error({ err }, "indexing failed"));
  const configReload = values.dev ? reloadOnConfigChange(server, site, makeSite) : null;

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      site.logger.info({ signal }, "stopping: finishing requests in flight");
      // A reload in progress finishes (and is swapped in) first, so the server closes the site it ends with.
      const watching = configReload?.close() ?? Promise.resolve();
      watching
        .then(() => server.stop(25_000))
        .then(
          () => {
            resolve(0);
            // Work that cannot be interrupted (an image being encoded) must not keep a stopped server alive.
            setTimeout(() => process.exit(), 200).unref();
          },
          (err) => {
            site.logger.error({ err }, "error while stopping");
            resolve(1);
          },
        );
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
}

/** Why the port could not be bound, as one sentence saying what to do. */
function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `${host}:${port}`;
  if (code === "EADDRINUSE")
    return new QuireError(
      "E_CONFIG",
      `port ${port} is already in use on ${host} (another quire serve?); stop it or choose another port with --port N`,
      { field: "port", cause: err },
    );
  if (code === "EACCES")
    return new QuireError(
      "E_CONFIG",
      `not allowed to listen on ${where}; ports below 1024 need privileges, choose --port 3000 or above`,
      { field: "port", cause: err },
    );
  if (code === "EADDRNOTAVAIL")
    return new QuireError(
      "E_CONFIG",
      `${host} is not an address of this machine; choose another with --host`,
      { field: "host", cause: err },
    );
  return err;
}
