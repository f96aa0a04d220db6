/** Starts `quire serve` from source and polls a page from the moment of spawning, recording every answer: shows whether a boot ever answered 503. */
import { spawn, type ChildProcess } from "node:child_process";
import { freePort, FROM_SOURCE, QUIRE_BIN } from "../helpers/process.js";

/** A server started by `bootAndProbe`, as of its first 200. */
export interface ProbedBoot {
  url: string;
  /** Status of every answer to the probed path, in order, from the first one the server gave. */
  statuses: number[];
  /** The body of the first 200. */
  firstBody: string;
  /** Whether the background refresh had logged its summary when the first 200 arrived. */
  refreshedBeforeFirst200: boolean;
  output(): string;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** `quire serve --site <root>` with `env` on top of the test's environment; resolves at the first 200 on `path`. */
export async function bootAndProbe(
  root: string,
  path: string,
  env: Record<string, string> = {},
): Promise<ProbedBoot> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [QUIRE_BIN, "serve", "--site", root, "--port", String(port), "--host", "127.0.0.1"],
    {
      env: {
        ...process.env,
        QUIRE_FROM_SOURCE: FROM_SOURCE,
        QUIRE_SECRET: "boot-probe",
        QUIRE_LOG_LEVEL: "info",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  running.add(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    running.delete(child);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    return exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const statuses: number[] = [];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`quire serve exited early:\n${out}`);
    try {
      const res = await fetch(url + path, { signal: AbortSignal.timeout(10_000) });
      const body = await res.text();
      statuses.push(res.status);
      if (res.status === 200) {
        const refreshedBeforeFirst200 = /indexed \d+ entr(y|ies)/.test(out);
        return { url, statuses, firstBody: body, refreshedBeforeFirst200, output: () => out, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await stop();
  throw new Error(`no 200 on ${path} within 60 s (statuses: ${statuses.join(", ")}):\n${out}`);
}
