/**
 * `npm run bench -- cache`: one entry page of a generated 10,000-entry site served as a page-cache hit
 * from the memory tier and from memcached alone, 10 s at 32 connections, against bare Node `http`
 * servers returning the same bytes (the body alone, and with Quire's headers), in rotating rounds (issue 5).
 */
import { memcachedStats } from "../test/helpers/memcached.js";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request, type IncomingHttpHeaders } from "node:http";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { benchArgs, numberOption } from "./lib/args.js";
import { startBareServer } from "./lib/baseline-server.js";
import { sleep, startServer, type ServerHandle } from "./lib/child.js";
import { onCleanup } from "./lib/cleanup.js";
import { printProfileSummary } from "./lib/cpu-profile.js";
import { freePort } from "./lib/free-port.js";
import { generateSite } from "./lib/generate-site.js";
import { runLoad, type LoadResult } from "./lib/load.js";
import { pickEntry } from "./lib/pages.js";
import { ensureCompiledBuild, quireEnv, quireServe, REPO_ROOT } from "./lib/quire.js";
import {
  checkTargets,
  count,
  describeMachine,
  heading,
  loadNote,
  mb,
  ms,
  table,
  times,
} from "./lib/report.js";
import { median, ratio, spread } from "./lib/stats.js";
import { makeWorkDir } from "./lib/work-dir.js";

export const description =
  "req/s of cache hits from memory and from memcached alone vs a bare Node server (issue 5)";
export const timeLimitS = 900;

/** Targets from issue 5, as fractions of the bare server's req/s. */
const TARGETS = { memory: 0.8, memcached: 0.4 };

// /proc reports CPU time in clock ticks; 100 per second on Linux (getconf CLK_TCK).
const CLOCK_TICKS = 100;

// Browsers accept gzip: a hit then goes out as the stored bytes, which is what the bare server sends too.
const GZIP = { "accept-encoding": "gzip" };

/**
 * `quire serve` with no in-process tier, so every hit is a memcached round trip. No config key turns the
 * memory tier off, so this is serveCommand's own three steps, on the compiled modules in dist/. Written to
 * a file rather than run with `-e`: the indexing worker thread inherits the parent's Node flags.
 */
const MEMCACHED_ONLY_SERVER = `
const [site, data, port] = process.argv.slice(2);
const root = ${JSON.stringify(pathToFileURL(join(REPO_ROOT, "dist")).href)};
const { Site } = await import(root + "/site.js");
const { startServer } = await import(root + "/http/server.js");
const quire = new Site({ site, dataDir: data, cacheMemoryBytes: 0 });
const server = await startServer(quire, Number(port), "127.0.0.1");
quire.start().catch((err) => { console.error(err); process.exit(1); });
process.once("SIGTERM", () => server.stop(5000).then(() => process.exit(0)));
`;

/** lib/bare-server.mjs, plus a fixed set of response headers. */
const BARE_WITH_HEADERS = `
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
const [port, bodyFile, headersFile] = process.argv.slice(2);
const body = readFileSync(bodyFile);
const headers = JSON.parse(readFileSync(headersFile, "utf8"));
const server = createServer((req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), "127.0.0.1");
process.once("SIGTERM", () => server.close(() => process.exit(0)));
`;

interface Variant {
  label: string;
  url: string;
  /** The server process, whose CPU time per request is less sensitive to a busy machine than req/s. */
  pid: number;
  cpuUsPerRequest: number[];
  /** A Quire server, whose answers must be cache hits. */
  quire: boolean;
  /** memcached `get_hits` during the last measurement, when memcached is involved. */
  memcachedHits?: number;
  runs: LoadResult[];
}

/** Runs the bench and prints its report. */
export async function run(args: string[]): Promise<void> {
  const values = benchArgs("cache", args, {
    entries: { type: "string", default: "10000", help: "entries in the generated site" },
    duration: { type: "string", default: "10", help: "seconds of load per measurement" },
    connections: { type: "string", default: "32", help: "concurrent connections" },
    warmup: { type: "string", default: "2", help: "seconds of unmeasured load before each measurement" },
    rounds: { type: "string", default: "5", help: "rounds, each measuring the four servers in turn" },
  });
  if (!values) return;
  const entries = numberOption(values, "entries");
  const load = {
    durationS: numberOption(values, "duration"),
    connections: numberOption(values, "connections"),
    headers: GZIP,
  };
  const warmupS = Number(values.warmup);
  const rounds = numberOption(values, "rounds");
  ensureCompiledBuild({ skip: values["no-build"] === true });

  const work = makeWorkDir("cache");
  const site = join(work.path, "site");
  const generated = await generateSite(site, { entries, cache: true });
  heading(
    `page cache hits: ${count(entries)}-entry site, one entry page, ${load.connections} connections × ${load.durationS} s, ${rounds} rounds`,
  );
  process.stdout.write(
    `machine: ${describeMachine()}\nload generator: autocannon in the bench process (shares the cores), Accept-Encoding: gzip\n`,
  );
  process.stdout.write(
    `site: ${count(generated.entries)} entries in ${generated.categories.length} folders, [cache] enabled = true\n`,
  );

  const memcached = await startMemcached();
  process.stdout.write(`memcached: ${memcached.servers} (${memcached.version})\n`);
  const env = { MEMCACHE_SERVERS: memcached.servers };

  // The memory tier: `quire serve` as deployed, memory in front of memcached; hits never leave the process.
  const memoryPort = await freePort();
  const memoryServer = await quireServe({
    site,
    data: join(work.path, "data-memory"),
    port: memoryPort,
    env,
    readyTimeoutMs: 180_000,
  });
  const memoryBase = `http://127.0.0.1:${memoryPort}`;
  process.stdout.write(`quire serve (memory + memcached) ready in ${ms(memoryServer.readyMs)}\n`);
  const entryPath = await pickEntry(memoryBase, "/");

  // memcached alone: the same compiled code with no in-process tier.
  const sharedPort = await freePort();
  const sharedServer = await startMemcachedOnlyServer(
    site,
    join(work.path, "data-memcached"),
    sharedPort,
    env,
  );
  const sharedBase = `http://127.0.0.1:${sharedPort}`;
  process.stdout.write(`quire serve (memcached only) ready in ${ms(sharedServer.readyMs)}\n`);

  // Both servers render the same page under the same key; the stored gzip bytes are what a hit sends.
  const page = await primeHit(memoryBase, entryPath);
  const shared = await primeHit(sharedBase, entryPath);
  if (!page.body.equals(shared.body))
    throw new Error("the two servers sent different bytes for the same page");
  const pageFile = join(work.path, "page.html.gz");
  writeFileSync(pageFile, page.body);
  process.stdout.write(
    `page: ${entryPath}, ${count(page.body.length)} bytes gzipped (${page.contentType}), ETag ${page.etag}\n`,
  );

  // The ceiling: a bare Node server in its own process, answering with the very same body bytes.
  const barePort = await freePort();
  const bare = await startBareServer({ port: barePort, file: pageFile, contentType: page.contentType });
  // The same, sending Quire's response headers too (security headers, ETag, Vary…), so the only
  // difference left is the work Quire does per hit; the load generator parses ~4× the header bytes.
  const headersPort = await freePort();
  const bareWithHeaders = await startBareServerWithHeaders(work.path, headersPort, pageFile, page.headers);

  const variants: Variant[] = [
    {
      label: "bare node:http, same bytes",
      url: `http://127.0.0.1:${barePort}/`,
      pid: bare.pid,
      quire: false,
      runs: [],
      cpuUsPerRequest: [],
    },
    {
      label: "bare node:http, same headers",
      url: `http://127.0.0.1:${headersPort}/`,
      pid: bareWithHeaders.pid,
      quire: false,
      runs: [],
      cpuUsPerRequest: [],
    },
    {
      label: "memory-tier hit",
      url: memoryBase + entryPath,
      pid: memoryServer.pid,
      quire: true,
      runs: [],
      cpuUsPerRequest: [],
    },
    {
      label: "memcached-only hit",
      url: sharedBase + entryPath,
      pid: sharedServer.pid,
      quire: true,
      runs: [],
      cpuUsPerRequest: [],
    },
  ];
  for (let round = 1; round <= rounds; round++) {
    // Each round starts with the next server, so none is always measured first (or last) in a round.
    const order = variants.map((_, i) => variants[(i + round - 1) % variants.length] as Variant);
    for (const v of order) {
      if (warmupS > 0) await runLoad(v.url, { ...load, durationS: warmupS });
      const before = await memcachedStats(memcached.servers);
      const cpuBefore = cpuMs(v.pid);
      const result = await runLoad(v.url, load);
      // Requests answered; `completed` is undefined with autocannon 8's result shape, so fall back to
      // its per-second average times the seconds it ran.
      const answered =
        typeof result.completed === "number" && result.completed > 0
          ? result.completed
          : result.requestsPerSec * result.durationS;
      v.cpuUsPerRequest.push(((cpuMs(v.pid) - cpuBefore) * 1000) / answered);
      const after = await memcachedStats(memcached.servers);
      v.memcachedHits = (after.get_hits ?? 0) - (before.get_hits ?? 0);
      if (v.quire) await expectHit(v.url, v.label);
      v.runs.push(result);
      process.stdout.write(
        `  round ${round}/${rounds}  ${v.label.padEnd(28)} ${count(result.requestsPerSec).padStart(7)} req/s  p99 ${ms(result.p99Ms)}  server CPU ${us(v.cpuUsPerRequest.at(-1) ?? NaN)}/request  memcached hits ${count(v.memcachedHits)}\n`,
      );
    }
  }
  const memory = { quire: memoryServer.memory(), shared: sharedServer.memory() };
  await bare.stop();
  await bareWithHeaders.stop();

  heading(`results (median of ${rounds} rounds)`);
  const [bareV, headersV, memoryV, sharedV] = variants as [Variant, Variant, Variant, Variant];
  // Ratios within each round (the runs closest in time), then their median.
  const ratios = (v: Variant, base = bareV) =>
    v.runs.map((r, i) => ratio(r.requestsPerSec, base.runs[i]?.requestsPerSec ?? 0));
  const rows = variants.map((v) => {
    const rps = v.runs.map((r) => r.requestsPerSec);
    const { min, max } = spread(rps);
    return [
      v.label,
      count(median(rps)),
      `${count(min)}–${count(max)}`,
      ms(median(v.runs.map((r) => r.p50Ms))),
      ms(median(v.runs.map((r) => r.p99Ms))),
      us(median(v.cpuUsPerRequest)),
      count(v.runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0)),
      times(median(ratios(v))),
      times(median(ratios(v, headersV))),
    ];
  });
  table(
    ["server", "req/s", "min–max", "p50", "p99", "CPU/req", "non-2xx/errors", "vs bare", "vs bare+headers"],
    rows,
  );
  process.stdout.write(
    `memcached get_hits in the last memory-tier run: ${count(memoryV.memcachedHits ?? 0)}; in the last memcached-only run: ${count(sharedV.memcachedHits ?? 0)}\n`,
  );
  if (memory.quire)
    process.stdout.write(
      `quire serve (memory tier) RSS ${mb(memory.quire.rssKb)}, peak ${mb(memory.quire.hwmKb)}\n`,
    );
  process.stdout.write(`${loadNote()}\n`);

  heading("targets (issue 5)");
  checkTargets([
    {
      name: "memory-tier hits / bare node:http (median of per-round ratios)",
      actual: median(ratios(memoryV)),
      limit: TARGETS.memory,
      kind: "min",
      format: times,
    },
    {
      name: "memcached-only hits / bare node:http",
      actual: median(ratios(sharedV)),
      limit: TARGETS.memcached,
      kind: "min",
      format: times,
    },
  ]);

  await memoryServer.stop();
  await sharedServer.stop();
  if (typeof values.profile === "string") {
    await profile(values.profile, { site, work: work.path, env, entryPath, load });
  }
  await memcached.stop();
}

/** Serves the page again under --cpu-prof from each tier and prints where the server's time went. */
async function profile(
  dir: string,
  o: {
    site: string;
    work: string;
    env: NodeJS.ProcessEnv;
    entryPath: string;
    load: { durationS: number; connections: number; headers: Record<string, string> };
  },
): Promise<void> {
  for (const tier of ["memory", "memcached"] as const) {
    heading(`CPU profile of a ${tier}-tier hit under load (${o.entryPath})`);
    const out = join(dir, tier);
    const port = await freePort();
    const nodeArgs = ["--cpu-prof", "--cpu-prof-dir", out];
    const data = join(o.work, `data-${tier}`);
    const server =
      tier === "memory"
        ? await quireServe({ site: o.site, data, port, env: o.env, nodeArgs, readyTimeoutMs: 180_000 })
        : await startMemcachedOnlyServer(o.site, data, port, o.env, nodeArgs);
    const base = `http://127.0.0.1:${port}`;
    await primeHit(base, o.entryPath);
    const result = await runLoad(base + o.entryPath, o.load);
    await server.stop();
    process.stdout.write(`${count(result.requestsPerSec)} req/s while profiling\n`);
    printProfileSummary(out, REPO_ROOT);
  }
}

function startMemcachedOnlyServer(
  site: string,
  data: string,
  port: number,
  env: NodeJS.ProcessEnv,
  nodeArgs: readonly string[] = [],
): Promise<ServerHandle> {
  const script = join(dirname(data), "memcached-only-server.mjs");
  writeFileSync(script, MEMCACHED_ONLY_SERVER);
  return startServer(process.execPath, [...nodeArgs, script, site, data, String(port)], {
    env: quireEnv(env),
    cwd: REPO_ROOT,
    readyUrl: `http://127.0.0.1:${port}/`,
    readyTimeoutMs: 180_000,
  });
}

interface RawPage {
  status: number;
  /** The body as sent on the wire (gzip when the server compressed it). */
  body: Buffer;
  /** Response headers, without the per-connection ones Node adds itself. */
  headers: Record<string, string>;
  cache: string;
  etag: string;
  contentType: string;
}

const PER_CONNECTION = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);

function responseHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !PER_CONNECTION.has(name))
      out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** A bare Node `http` server answering every request with `bodyFile` and the given headers. */
function startBareServerWithHeaders(
  workDir: string,
  port: number,
  bodyFile: string,
  headers: Record<string, string>,
): Promise<ServerHandle> {
  const script = join(workDir, "bare-server-with-headers.mjs");
  writeFileSync(script, BARE_WITH_HEADERS);
  const headersFile = join(workDir, "headers.json");
  writeFileSync(headersFile, JSON.stringify(headers));
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return startServer(process.execPath, [script, String(port), bodyFile, headersFile], {
    env,
    readyUrl: `http://127.0.0.1:${port}/`,
    readyTimeoutMs: 10_000,
  });
}

/** One GET with `Accept-Encoding: gzip`, body left compressed. */
function rawGet(url: string): Promise<RawPage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: GZIP, agent: false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.once("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks),
          headers: responseHeaders(res.headers),
          cache: String(res.headers["x-cache"] ?? ""),
          etag: String(res.headers.etag ?? ""),
          contentType: String(res.headers["content-type"] ?? ""),
        }),
      );
      res.once("error", reject);
    });
    req.once("timeout", () => req.destroy(new Error(`${url} timed out`)));
    req.once("error", reject);
    req.end();
  });
}

/** Requests a page until it is a cache hit (the first request renders and stores it); returns the hit. */
async function primeHit(base: string, path: string): Promise<RawPage> {
  for (let i = 0; i < 50; i++) {
    const page = await rawGet(base + path);
    if (page.status !== 200) throw new Error(`${base}${path} answered ${page.status}, not 200`);
    if (page.cache === "hit") return page;
    await sleep(20);
  }
  throw new Error(`${base}${path} never became a cache hit (is the page cache on?)`);
}

async function expectHit(url: string, label: string): Promise<void> {
  const page = await rawGet(url);
  if (page.status !== 200 || page.cache !== "hit") {
    throw new Error(
      `${label}: after the load, ${url} answered ${page.status} X-Cache: ${page.cache}, not a hit`,
    );
  }
}

interface RunningMemcached {
  servers: string;
  version: string;
  stop(): Promise<void>;
}

/** Debian's memcached on a free loopback port, stopped at cleanup whatever happens. */
async function startMemcached(): Promise<RunningMemcached> {
  const probe = spawnSync("memcached", ["-V"], { encoding: "utf8" });
  if (probe.error) throw new Error('the memcached binary is missing: install the Debian package "memcached"');
  const port = await freePort();
  const args = ["-l", "127.0.0.1", "-p", String(port), "-U", "0", "-m", "64"];
  // memcached refuses to run as root unless told which user to be.
  if (process.getuid?.() === 0) args.push("-u", "root");
  const child = spawn("memcached", args, { stdio: ["ignore", "ignore", "pipe"] });
  const stopNow = onCleanup(() => child.kill("SIGKILL"));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const servers = `127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`memcached exited at startup (${child.exitCode})`);
    try {
      await memcachedStats(servers);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`memcached did not answer on ${servers} within 10 s`);
      await sleep(25);
    }
  }
  return {
    servers,
    version: probe.stdout.trim(),
    stop: async () => {
      stopNow();
      await exited;
    },
  };
}

/** User + system CPU time of a process so far, in ms (from /proc; NaN where there is none). */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may itself contain spaces: utime and stime are 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

function us(n: number): string {
  return Number.isNaN(n) ? "n/a" : `${n.toFixed(1)} µs`;
}
