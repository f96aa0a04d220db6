/** Test servers for the page cache: a real memcached on a free loopback port (started, stopped and
 *  restarted by the tests) and a fake memcached that accepts connections and never answers. */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { delimiter, join } from "node:path";

/** The memcached binary on this machine, or null. */
export const memcachedBinary: string | null = findMemcached();

/** Whether a real memcached can be started here. */
export const hasMemcached = memcachedBinary !== null;

/** True when memcached suites should be skipped: only off CI, and never silently. Under CI=true the
 *  suites run and fail at startup instead, so a missing install cannot turn into a green build. */
export function skipWithoutMemcached(suite: string): boolean {
  if (hasMemcached) return false;
  if (process.env.CI === "true") return false;
  console.warn(`${suite}: skipped, the memcached binary is missing (install the Debian package "memcached")`);
  return true;
}

function findMemcached(): string | null {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const candidate of [...dirs.map((d) => join(d, "memcached")), "/usr/bin/memcached"]) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

/** A running memcached for tests. */
export interface MemcachedServer {
  /** `127.0.0.1:PORT`, as MEMCACHE_SERVERS would give it. */
  readonly servers: string;
  readonly port: number;
  /** Kills the server and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty, as after a real restart). */
  restart(): Promise<void>;
}

const running = new Set<ChildProcess>();
// Safety net: a test run that dies before afterAll must not leave memcached behind.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Starts memcached on a free 127.0.0.1 port and resolves once it accepts connections. */
export async function startMemcached(): Promise<MemcachedServer> {
  if (!memcachedBinary) {
    throw new Error(
      'the memcached binary is missing: install the Debian package "memcached" (required when CI=true)',
    );
  }
  const binary = memcachedBinary;
  const port = await freePort();
  let child = await launch(binary, port);
  return {
    servers: `127.0.0.1:${port}`,
    port,
    stop: async () => {
      await kill(child);
    },
    restart: async () => {
      await kill(child);
      child = await launch(binary, port);
    },
  };
}

async function launch(binary: string, port: number): Promise<ChildProcess> {
  const args = ["-l", "127.0.0.1", "-p", String(port), "-U", "0", "-m", "64"];
  // memcached refuses to run as root unless told which user to be.
  if (process.getuid?.() === 0) args.push("-u", "root");
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
  running.add(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child);
      throw new Error(
        `memcached exited at startup (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`,
      );
    }
    if (await accepts(port)) return child;
    await sleep(25);
  }
  await kill(child);
  throw new Error(`memcached did not accept connections on 127.0.0.1:${port} within 10 s: ${stderr.trim()}`);
}

function kill(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A port nothing listens on right now (the kernel picks it; the window before use is tiny). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A server that accepts memcached connections and never answers, counting the bytes it is sent. */
export interface SilentServer {
  readonly servers: string;
  /** Bytes received so far: shows whether a client is still sending requests. */
  readonly bytesReceived: number;
  /** Binary-protocol requests received so far (memjs speaks the binary protocol): the attempts made. */
  readonly requestsReceived: number;
  stop(): Promise<void>;
}

/** Starts the never-answering fake memcached on a free 127.0.0.1 port. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let bytes = 0;
  let requests = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      // Each request is a 24-byte header (magic 0x80) whose bytes 8-11 give the length of the body after it.
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 24 && pending[0] === 0x80) {
        const size = 24 + pending.readUInt32BE(8);
        if (pending.length < size) break;
        requests++;
        pending = pending.subarray(size);
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    servers: `127.0.0.1:${port}`,
    get bytesReceived() {
      return bytes;
    },
    get requestsReceived() {
      return requests;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** memcached's `stats` counters (text protocol), e.g. `cmd_set`, `get_hits`, `curr_items`. */
export function memcachedStats(servers: string): Promise<Record<string, number>> {
  const [host, port] = servers.split(":");
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: host ?? "127.0.0.1", port: Number(port) });
    let text = "";
    socket.setTimeout(2_000, () => socket.destroy(new Error("memcached stats timed out")));
    socket.once("connect", () => socket.write("stats\r\n"));
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (!text.endsWith("END\r\n")) return;
      socket.end();
      const stats: Record<string, number> = {};
      for (const line of text.split("\r\n")) {
        const [tag, name, value] = line.split(" ");
        if (tag === "STAT" && name && value !== undefined) stats[name] = Number(value);
      }
      resolve(stats);
    });
    socket.once("error", reject);
  });
}
