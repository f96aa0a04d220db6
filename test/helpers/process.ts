/** Runs `quire` as a real child process (this run's compiled source) and waits for it to serve. */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { join, dirname } from "node:path";
import { afterAll } from "vitest";

export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The `quire` command tests start: this run's compiled copy (test/global-setup.ts), else the checkout's own. */
export const QUIRE_BIN = process.env.QUIRE_TEST_BIN ?? join(REPO, "bin", "quire.js");
/** QUIRE_FROM_SOURCE for those processes: the checkout's bin runs the source, never a dist/ left from a build. */
export const FROM_SOURCE = process.env.QUIRE_TEST_BIN ? "" : "1";

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface QuireProcess {
  child: ChildProcess;
  url: string;
  port: number;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();
// A test that times out never reaches its own stop(): its server must not outlive the test file.
afterAll(() => {
  for (const child of running) child.kill("SIGKILL");
});

/** Starts `quire serve` on a free port; resolves once `readyPath` answers 200 (bounded by `timeoutMs`). */
export async function startQuireProcess(options: {
  site: string;
  env?: Record<string, string>;
  args?: string[];
  readyPath?: string;
  timeoutMs?: number;
}): Promise<QuireProcess> {
  const port = await freePort();
  let out = "";
  const child = spawn(
    process.execPath,
    [
      QUIRE_BIN,
      "serve",
      "--site",
      options.site,
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      ...(options.args ?? []),
    ],
    {
      env: { ...process.env, QUIRE_FROM_SOURCE: FROM_SOURCE, QUIRE_SECRET: "test-secret", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  running.add(child);
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  // Bounds a start that hangs; a loaded two-core machine can take tens of seconds to start one.
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`quire exited early with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(url + (options.readyPath ?? "/"));
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`quire did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    url,
    port,
    output: () => out,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
