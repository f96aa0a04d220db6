/** What load balancers and operators ask of a running server: `/_health`, and an optional access-log line per request. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../log.js";

/** The path load balancers probe: 200 once the first index is ready, 503 before. */
export const HEALTH_PATH = "/_health";

/** Answers `/_health` (GET or HEAD); plain JSON, never cached. */
export function answerHealth(res: ServerResponse, ready: boolean, method: string | undefined): void {
  const body = JSON.stringify({ status: ready ? "ok" : "starting" });
  res.writeHead(ready ? 200 : 503, {
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    "Content-Length": Buffer.byteLength(body),
    ...(ready ? {} : { "Retry-After": "2" }),
  });
  res.end(method === "HEAD" ? undefined : body);
}

/** Whether the access log is on: `[log] access` in quire.toml, or QUIRE_ACCESS_LOG=1 (or true). */
export function accessLogEnabled(configured: boolean, env: NodeJS.ProcessEnv): boolean {
  const v = env.QUIRE_ACCESS_LOG?.trim().toLowerCase();
  if (v === "1" || v === "true") return true;
  if (v === "0" || v === "false") return false;
  return configured;
}

const hits = new WeakSet<ServerResponse>();

/** Notes that the page cache's fast path answered this response. */
export function markCacheHit(res: ServerResponse): void {
  hits.add(res);
}

/** Logs one line when the response is finished: method, path, status, milliseconds, cache hit or miss. */
export function logAccess(logger: Logger, req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  res.once("finish", () => {
    logger.info(
      {
        method: req.method,
        url: req.url,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        cache: hits.has(res) ? "hit" : "miss",
      },
      "request",
    );
  });
}
