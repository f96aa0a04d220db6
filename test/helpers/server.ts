/** Starts a real `quire serve` process on a free 127.0.0.1 port, as an operator would run it, for
 *  end-to-end tests: its own data folder, bounded waits, and no process left behind. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { FROM_SOURCE, QUIRE_BIN } from "./process.js";

/** The repository root: also the sample site (`content/`, `templates/`). */
export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

export interface StartQuireOptions {
  /** The site folder (default: the sample site at the repository root). */
  site?: string;
  /** Extra environment variables; QUIRE_DATA_DIR defaults to a fresh temp folder removed by `stop()`. */
  env?: Record<string, string>;
  /** Extra arguments after `serve --site … --port … --host 127.0.0.1`, e.g. `["--dev"]`. */
  args?: string[];
  /** How long to wait for `/` to answer 200 (it answers 503 while the first index is built). */
  readyTimeoutMs?: number;
  /** The status `/` must answer to count as ready (default 200). */
  readyStatus?: number;
}

export interface RunningQuire {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** SIGTERM, then SIGKILL after a grace period; removes the temp data folder. Safe to call twice. */
  stop(): Promise<void>;
  /** Everything the process printed so far (stdout and stderr), for failure messages. */
  output(): string;
}

const running = new Set<ChildProcess>();
// Safety net: a run that dies before afterAll must not leave servers behind.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});
// A test that times out never reaches its own stop(): its server must not outlive the test file.
afterAll(() => {
  for (const child of running) child.kill("SIGKILL");
});

/** Starts `quire serve` and resolves once `/` answers (by default with 200); throws with the process output otherwise. */
export async function startQuire(options: StartQuireOptions = {}): Promise<RunningQuire> {
  const site = options.site ?? REPO_ROOT;
  const port = await freePort();
  const ownDataDir = options.env?.QUIRE_DATA_DIR ? null : mkdtempSync(join(tmpdir(), "quire-e2e-data-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    QUIRE_SECRET: "e2e-test-secret",
    QUIRE_BASE_URL: `http://127.0.0.1:${port}`,
    QUIRE_LOG_LEVEL: "info",
    // The source under test, never a dist/ left over from an earlier `npm start`.
    QUIRE_FROM_SOURCE: FROM_SOURCE,
    ...(ownDataDir ? { QUIRE_DATA_DIR: ownDataDir } : {}),
    ...options.env,
  };
  delete env.PORT;
  const args = [
    QUIRE_BIN,
    "serve",
    "--site",
    site,
    "--port",
    String(port),
    "--host",
    "127.0.0.1",
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: site, env, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);

  let log = "";
  const collect = (chunk: Buffer) => {
    log += chunk.toString();
    // Keeps memory bounded when a test leaves a chatty server running for long.
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((done) => child.once("exit", () => done()));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    running.delete(child);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const graceful = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!graceful) {
        child.kill("SIGKILL");
        await Promise.race([exited, sleep(5_000)]);
      }
    }
    if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const want = options.readyStatus ?? 200;
  // Generous: it only bounds a server that never comes up, and a loaded machine compiles and boots slowly.
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `quire serve exited at startup (${child.exitCode ?? child.signalCode}):\n${log.trim()}`,
      );
    }
    try {
      const res = await fetch(`${url}/`, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === want) return { url, port, stop, output: () => log };
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`quire serve did not answer ${want} on ${url}/ in time (last: ${last}):\n${log.trim()}`);
}

/** A port nothing listens on right now (the kernel picks it; the window before use is tiny). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
