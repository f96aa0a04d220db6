/** `quire serve`: binds the port first, indexes in the background, drains and exits 0 on SIGTERM/SIGINT. */
import { availableParallelism } from "node:os";
import { Site } from "../site.js";
import { startServer } from "../http/server.js";
import { infraFromEnv } from "../config/env.js";
import { parseCommand, SITE_OPTIONS } from "./args.js";
import type { Output } from "./output.js";

const OPTIONS = {
  ...SITE_OPTIONS,
  port: { type: "string" },
  host: { type: "string" },
  dev: { type: "boolean", default: false },
} as const;

/** `quire serve [--site DIR] [--port N] [--dev]`: resolves only when the server has stopped. */
export async function serveCommand(argv: string[], _out: Output): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS, "serve");
  const infra = infraFromEnv(values.port ? { ...process.env, PORT: values.port } : process.env);
  const site = new Site({
    site: values.site,
    dataDir: values.data,
    dev: values.dev,
    // Off unless asked for: on two cores the threads cost ~40 % more CPU per cache-miss page and ~90 MB more
    // memory on a 10,000-entry site (bench http); with them, no single page holds the others up.
    renderThreads: Math.min(infra.renderThreads ?? 0, Math.max(2, availableParallelism())),
    renderTimeoutMs: infra.renderTimeoutMs,
  });
  const server = await startServer(site, infra.port, values.host ?? infra.host);
  site.logger.info(
    {
      port: server.port,
      site: site.paths.root,
      data: site.paths.dataDir,
      cache: site.pageCache?.label ?? "off",
      images: site.images.label,
    },
    `listening on http://${values.host ?? infra.host}:${server.port} (data in ${site.paths.dataDir})`,
  );
  site.start().catch((err) => site.logger.error({ err }, "indexing failed"));

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      site.logger.info({ signal }, "stopping: finishing requests in flight");
      server.stop(25_000).then(
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
