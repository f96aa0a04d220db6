/** Child processes for benches: timed runs with memory sampling, and servers waited on until they answer. */
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { onCleanup } from "./cleanup.js";
import { MemorySampler, readMemory, type MemorySample } from "./memory.js";

/** How a timed child is run. */
export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Killed (SIGKILL) and reported as a failure after this long. */
  timeoutMs: number;
  /** Sample VmHWM/VmRSS every this many ms (default 5); 0 turns sampling off. */
  sampleMs?: number;
}

/** What a timed child did. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From spawn() to the exit event: includes Node's own start-up, as a user would see it. */
  wallMs: number;
  stdout: string;
  stderr: string;
  memory: MemorySample | null;
}

/** Runs `command args…` to completion, timing it and sampling its memory; rejects on timeout. */
export function runTimed(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const sampler =
      child.pid && options.sampleMs !== 0 ? new MemorySampler(child.pid, options.sampleMs) : null;
    const unregister = onCleanup(() => child.kill("SIGKILL"));
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    let wallMs = 0;
    let memory: MemorySample | null = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.once("exit", () => {
      wallMs = performance.now() - started;
      memory = sampler?.stop() ?? null;
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      sampler?.stop();
      unregister();
      reject(e);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      unregister();
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      if (timedOut) {
        reject(
          new Error(
            `${command} ${args.join(" ")} did not finish within ${options.timeoutMs} ms\n${tail(stderr)}`,
          ),
        );
        return;
      }
      resolve({ code, signal, wallMs, stdout, stderr, memory });
    });
  });
}

/** How a server child is started and when it counts as ready. */
export interface ServerOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The URL polled until it answers `readyStatus` (127.0.0.1 only). */
  readyUrl: string;
  readyStatus?: number;
  /** Gives up (and stops the child) after this long. */
  readyTimeoutMs: number;
  /** Delay between polls (default 20 ms). */
  pollMs?: number;
}

/** A running server child. */
export interface ServerHandle {
  pid: number;
  /** From spawn() to the first poll answered with the ready status. */
  readyMs: number;
  /** Current and peak memory of the server process. */
  memory(): MemorySample | null;
  /** The last lines the server wrote (stdout and stderr), for error messages. */
  logTail(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns a server and resolves once `readyUrl` answers; the child is stopped at cleanup whatever happens. */
export async function startServer(
  command: string,
  args: readonly string[],
  options: ServerOptions,
): Promise<ServerHandle> {
  const started = performance.now();
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = new LogTail();
  child.stdout?.on("data", (b: Buffer) => log.push(b));
  child.stderr?.on("data", (b: Buffer) => log.push(b));
  const unregister = onCleanup(() => child.kill("SIGKILL"));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }
    unregister();
  };
  try {
    await waitForStatus(child, options);
  } catch (err) {
    await stop(2_000);
    throw new Error(`${(err as Error).message}\n--- server output ---\n${log.text()}`);
  }
  const readyMs = performance.now() - started;
  const pid = child.pid as number;
  return { pid, readyMs, memory: () => readMemory(pid), logTail: () => log.text(), stop };
}

async function waitForStatus(child: ChildProcess, options: ServerOptions): Promise<void> {
  const deadline = performance.now() + options.readyTimeoutMs;
  const want = options.readyStatus ?? 200;
  let last = "no answer";
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `server exited (${child.exitCode ?? child.signalCode}) before ${options.readyUrl} answered`,
      );
    }
    const status = await probe(options.readyUrl);
    if (status === want) return;
    last = status === null ? "no answer" : `status ${status}`;
    await sleep(options.pollMs ?? 20);
  }
  throw new Error(
    `${options.readyUrl} did not answer ${want} within ${options.readyTimeoutMs} ms (last: ${last})`,
  );
}

/** One GET with a short timeout; resolves with the status, or null if nothing answered. */
export function probe(url: string, timeoutMs = 1_000): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request(url, { method: "GET", agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? null));
      res.once("error", () => resolve(null));
    });
    req.once("timeout", () => req.destroy());
    req.once("error", () => resolve(null));
    req.end();
  });
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Keeps the last ~64 KB a child wrote, so a chatty server neither blocks on a full pipe nor fills memory. */
class LogTail {
  private chunks: Buffer[] = [];
  private bytes = 0;

  push(b: Buffer): void {
    this.chunks.push(b);
    this.bytes += b.length;
    while (this.bytes > 65_536 && this.chunks.length > 1)
      this.bytes -= (this.chunks.shift() as Buffer).length;
  }

  text(): string {
    return tail(Buffer.concat(this.chunks).toString("utf8"), 40);
  }
}
