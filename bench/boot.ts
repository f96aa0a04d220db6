/**
 * `npm run bench -- boot`: time from spawning `quire serve` to the first 200 with content on an entry page of a
 * 10,000-entry site, with a deploy-time index (data folder prepared by `quire index`) and without one (empty
 * data folder), against a bare Node server's own start-up; medians of 5 (issue 6).
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { benchArgs, numberOption } from "./lib/args.js";
import { probe, sleep } from "./lib/child.js";
import { onCleanup } from "./lib/cleanup.js";
import { printProfileSummary } from "./lib/cpu-profile.js";
import { freePort } from "./lib/free-port.js";
import { generateSite } from "./lib/generate-site.js";
import { fetchPage, pickEntry } from "./lib/pages.js";
import { ensureCompiledBuild, quireEnv, quireIndex, REPO_ROOT } from "./lib/quire.js";
import { checkTargets, count, describeMachine, heading, loadNote, mb, ms, table } from "./lib/report.js";
import { median, spread } from "./lib/stats.js";
import { makeWorkDir } from "./lib/work-dir.js";

export const description =
  "process start to the first 200 on an entry page, 10,000 entries, with and without a deploy-time index (issue 6)";
export const timeLimitS = 900;

/** Target from issue 6: ready within 300 ms of process start with a deploy-time index. */
const TARGET_READY_MS = 300;

const BIN = join(REPO_ROOT, "bin", "quire.js");
const BARE_SERVER = join(dirname(fileURLToPath(import.meta.url)), "lib", "bare-server.mjs");

/** What one boot measured. */
interface BootResult {
  /** Spawn to the first answer of any kind (503 while the first index is built). */
  firstAnswerMs: number;
  /** Spawn to the first 200 on the page, body read in full. */
  readyMs: number;
  /** CPU time the server had used when that 200 arrived: all threads, and the main (serving) thread alone. */
  cpuMs: number | null;
  mainCpuMs: number | null;
}

interface Round {
  withIndex: BootResult;
  withoutIndex: BootResult;
  bare: BootResult;
}

/** Runs the bench and prints its report. */
export async function run(args: string[]): Promise<void> {
  const values = benchArgs("boot", args, {
    entries: { type: "string", default: "10000", help: "entries in the generated site" },
    runs: { type: "string", default: "5", help: "rounds; each figure is the median over them" },
  });
  if (!values) return;
  const entries = numberOption(values, "entries");
  const runs = numberOption(values, "runs");
  ensureCompiledBuild({ skip: values["no-build"] === true });

  const work = makeWorkDir("boot");
  const site = join(work.path, "site");
  const generated = await generateSite(site, { entries });
  heading(`quire serve boot: ${count(entries)} entries`);
  process.stdout.write(`machine: ${describeMachine()}\n`);
  process.stdout.write(
    `site: ${count(generated.entries)} entries in ${generated.categories.length} folders, ${mb(generated.bytes / 1024)} of Markdown; generated in ${ms(generated.ms)}\n`,
  );

  // The deploy-time index, as `npm run build` makes it; each boot gets a fresh copy of it.
  const prepared = join(work.path, "data-prepared");
  const indexed = await quireIndex(site, prepared);
  process.stdout.write(
    `deploy-time index: ${count(indexed.summary.entries)} entries in ${ms(indexed.wallMs)} (${indexSize(prepared)})\n`,
  );
  const dataCopy = (name: string) => {
    const dir = join(work.path, name);
    cpSync(prepared, dir, { recursive: true });
    return dir;
  };

  // One unmeasured boot of each kind: warms the file cache, and picks the entry page every boot waits for.
  const page = await findEntryPage(site, dataCopy("data-pick"));
  const check = await bootOnce(quireCommand(site, dataCopy("data-warm"), await freePort()), page, true);
  process.stdout.write(`entry page: ${page} (${Math.round(check.bytes / 1024)} KB of HTML)\n`);
  await bootOnce(quireCommand(site, emptyDir(work.path, "data-warm-empty"), await freePort()), page, false);

  const rounds: Round[] = [];
  for (let r = 1; r <= runs; r++) {
    // Interleaved, so background load on a shared machine falls on all three alike.
    const withIndex = await bootOnce(
      quireCommand(site, dataCopy(`data-${r}`), await freePort()),
      page,
      false,
    );
    const withoutIndex = await bootOnce(
      quireCommand(site, emptyDir(work.path, `data-empty-${r}`), await freePort()),
      page,
      false,
    );
    const barePort = await freePort();
    const bare = await bootOnce(
      { args: [BARE_SERVER, "--port", String(barePort)], port: barePort, env: plainEnv() },
      "/",
      false,
    );
    rounds.push({ withIndex, withoutIndex, bare });
    process.stdout.write(
      `round ${r}/${runs}: with index ${ms(withIndex.readyMs)}, without ${ms(withoutIndex.readyMs)} (first answer ${ms(withoutIndex.firstAnswerMs)}), bare Node server ${ms(bare.readyMs)}\n`,
    );
  }

  const row = (name: string, values: number[], fmt: (n: number) => string = ms) => {
    const { min, max } = spread(values);
    return [name, fmt(median(values)), fmt(min), fmt(max)];
  };
  const col = (f: (r: Round) => number) => rounds.map(f);
  heading(`results (median of ${runs})`);
  table(
    ["measure (from spawn)", "median", "min", "max"],
    [
      row(
        "with deploy-time index: first 200 on the entry page",
        col((r) => r.withIndex.readyMs),
      ),
      row(
        "  CPU used by then: main thread",
        col((r) => r.withIndex.mainCpuMs ?? Number.NaN),
      ),
      row(
        "  CPU used by then: all threads (+ indexing thread, GC)",
        col((r) => r.withIndex.cpuMs ?? Number.NaN),
      ),
      row(
        "without index: first answer (503 while indexing)",
        col((r) => r.withoutIndex.firstAnswerMs),
      ),
      row(
        "without index: first 200 on the entry page",
        col((r) => r.withoutIndex.readyMs),
      ),
      row(
        "bare Node http server: first 200 (Node's own start-up)",
        col((r) => r.bare.readyMs),
      ),
      row(
        "  CPU used by then: main thread",
        col((r) => r.bare.mainCpuMs ?? Number.NaN),
      ),
    ],
  );
  process.stdout.write(`${loadNote()}\n`);

  heading("targets (issue 6)");
  checkTargets([
    {
      name: "ready (first 200 with content) with a deploy-time index, 10k entries",
      actual: median(col((r) => r.withIndex.readyMs)),
      limit: TARGET_READY_MS,
      kind: "max",
      format: ms,
    },
  ]);

  if (typeof values.profile === "string") {
    heading("CPU profile of one boot with a deploy-time index");
    const dir = join(values.profile, "boot");
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const command = quireCommand(site, dataCopy("data-profile"), port);
    await bootOnce({ ...command, args: ["--cpu-prof", "--cpu-prof-dir", dir, ...command.args] }, page, false);
    printProfileSummary(dir, REPO_ROOT);
  }
}

interface Command {
  args: string[];
  port: number;
  env: NodeJS.ProcessEnv;
}

/** `node bin/quire.js serve` from dist/, as the Procfile runs it. */
function quireCommand(site: string, data: string, port: number): Command {
  return {
    args: [BIN, "serve", "--site", site, "--data", data, "--host", "127.0.0.1", "--port", String(port)],
    port,
    env: quireEnv(),
  };
}

function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

function emptyDir(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function indexSize(dataDir: string): string {
  let bytes = 0;
  for (const f of readdirSync(dataDir, { withFileTypes: true })) {
    if (f.isFile() && f.name.startsWith("index.db")) bytes += statSync(join(dataDir, f.name)).size;
  }
  return mb(bytes / 1024);
}

/** Serves the site once (unmeasured) and picks the second entry linked from the home page. */
async function findEntryPage(site: string, data: string): Promise<string> {
  const port = await freePort();
  const command = quireCommand(site, data, port);
  const child = spawn(process.execPath, command.args, { env: command.env, cwd: REPO_ROOT, stdio: "ignore" });
  const kill = onCleanup(() => child.kill("SIGKILL"));
  try {
    const deadline = performance.now() + 60_000;
    while ((await probe(`http://127.0.0.1:${port}/`)) !== 200) {
      if (performance.now() > deadline) throw new Error("quire serve did not answer 200 on / within 60 s");
      await sleep(20);
    }
    return await pickEntry(`http://127.0.0.1:${port}`, "/");
  } finally {
    kill();
  }
}

/**
 * Spawns a server, polls `path` every 2 ms from the moment of spawning, and stops the server at its first
 * 200. With `check`, also fetches the page once more and fails unless it has content.
 */
async function bootOnce(command: Command, path: string, check: true): Promise<BootResult & { bytes: number }>;
async function bootOnce(command: Command, path: string, check: false): Promise<BootResult>;
async function bootOnce(
  command: Command,
  path: string,
  check: boolean,
): Promise<BootResult & { bytes?: number }> {
  const url = `http://127.0.0.1:${command.port}${path}`;
  const started = performance.now();
  const child = spawn(process.execPath, command.args, { env: command.env, cwd: REPO_ROOT, stdio: "ignore" });
  const kill = onCleanup(() => child.kill("SIGKILL"));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let firstAnswerMs = Number.NaN;
  try {
    const deadline = started + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.args.join(" ")} exited with ${child.exitCode}`);
      const status = await probe(url, 5_000);
      const now = performance.now();
      if (status !== null && Number.isNaN(firstAnswerMs)) firstAnswerMs = now - started;
      if (status === 200) {
        const cpu = processCpuMs(child.pid);
        const result: BootResult & { bytes?: number } = {
          firstAnswerMs,
          readyMs: now - started,
          cpuMs: cpu?.all ?? null,
          mainCpuMs: cpu?.main ?? null,
        };
        if (check) {
          const page = await fetchPage(`http://127.0.0.1:${command.port}`, path);
          if (page.status !== 200 || page.bytes < 500 || !page.text.includes("</html>")) {
            throw new Error(`${path} answered ${page.status} with ${page.bytes} bytes: not a page`);
          }
          result.bytes = page.bytes;
        }
        return result;
      }
      if (now > deadline) throw new Error(`${url} did not answer 200 within 120 s`);
      await sleep(2);
    }
  } finally {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    kill();
  }
}

/**
 * CPU time a process has used so far, from the kernel's per-thread schedstat (nanoseconds on a CPU): all its
 * threads, and its main thread (whose id is the pid). Unlike wall time it hardly moves with background load,
 * so it shows what start-up costs where the wall time is mostly waiting for a core. Null without /proc.
 */
function processCpuMs(pid: number | undefined): { all: number; main: number } | null {
  if (pid === undefined) return null;
  try {
    const onCpuMs = (task: string) =>
      Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]) / 1e6;
    let all = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        all += onCpuMs(task);
      } catch {
        // a thread that ended between the listing and the read
      }
    }
    return { all, main: onCpuMs(String(pid)) };
  } catch {
    return null;
  }
}
