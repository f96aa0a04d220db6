/** Starts the bare Node `http` baseline (bare-server.mjs) as a child process, like the server it is compared with. */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, type ServerHandle } from "./child.js";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "bare-server.mjs");

/** A bare server on 127.0.0.1:`port` answering a fixed `size`-byte page, or the bytes of `file`. */
export function startBareServer(options: {
  port: number;
  size?: number;
  file?: string;
  contentType?: string;
}): Promise<ServerHandle> {
  const args = [SCRIPT, "--port", String(options.port)];
  if (options.file) args.push("--file", options.file);
  else args.push("--size", String(options.size ?? 10_240));
  if (options.contentType) args.push("--type", options.contentType);
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return startServer(process.execPath, args, {
    env,
    readyUrl: `http://127.0.0.1:${options.port}/`,
    readyTimeoutMs: 10_000,
  });
}
