/**
 * `npm run bench -- versus --against DIR`: CPU per request of the uncached entry and home pages of this
 * checkout against another checkout's compiled build (an older commit in a git worktree), both serving the
 * same generated site, measured alternately in the same run so that both see the same machine.
 */
import { join, resolve } from "node:path";
import { loadavg } from "node:os";
import { benchArgs, numberOption } from "./lib/args.js";
import { readCpuMs, waitForIdle } from "./lib/cpu-time.js";
import { freePort } from "./lib/free-port.js";
import { generateSite } from "./lib/generate-site.js";
import { runLoad, type LoadOptions } from "./lib/load.js";
import { fetchPage, pickEntry } from "./lib/pages.js";
import { deployMemoryEnv, ensureCompiledBuild, quireServe, REPO_ROOT } from "./lib/quire.js";
import { count, describeMachine, heading, loadNote, ms, table, times } from "./lib/report.js";
import { median, ratio, spread } from "./lib/stats.js";
import { makeWorkDir } from "./lib/work-dir.js";

export const description =
  "CPU per request of uncached entry and home pages, this checkout vs another (--against DIR), same run";
export const timeLimitS = 1800;

interface Side {
  name: string;
  root: string;
  base: string;
  pid: number;
  entryPath: string;
}

interface Run {
  side: string;
  page: string;
  round: number;
  bytes: number;
  rps: number;
  cpuUs: number;
}

/** Runs the bench and prints its report. */
export async function run(args: string[]): Promise<void> {
  const values = benchArgs("versus", args, {
    against: { type: "string", help: "the other checkout (its node_modules installed), e.g. a git worktree" },
    entries: { type: "string", default: "10000", help: "entries in the generated site" },
    duration: { type: "string", default: "10", help: "seconds of load per measurement" },
    connections: { type: "string", default: "32", help: "concurrent connections" },
    warmup: { type: "string", default: "2", help: "seconds of unmeasured load before each measurement" },
    rounds: { type: "string", default: "5", help: "rounds; each measures both pages on both checkouts" },
    "no-deploy-env": {
      type: "boolean",
      default: false,
      help: "start both servers without app.json's memory settings (MALLOC_ARENA_MAX, NODE_OPTIONS)",
    },
  });
  if (!values) return;
  if (typeof values.against !== "string") throw new Error("--against DIR is required");
  if (typeof values.profile === "string") process.stderr.write("bench versus: --profile is not used here\n");
  const other = resolve(values.against);
  const entries = numberOption(values, "entries");
  const load: LoadOptions = {
    durationS: numberOption(values, "duration"),
    connections: numberOption(values, "connections"),
  };
  const warmupS = Number(values.warmup);
  const rounds = numberOption(values, "rounds");
  ensureCompiledBuild({ skip: values["no-build"] === true });
  ensureCompiledBuild({ skip: values["no-build"] === true, root: other });

  const work = makeWorkDir("versus");
  const site = join(work.path, "site");
  await generateSite(site, { entries, cache: false });
  // The same environment for both: this checkout's app.json settings, unless left out.
  const env = values["no-deploy-env"] === true ? {} : deployMemoryEnv();
  heading(
    `versus: ${count(entries)}-entry site, page cache off, ${load.connections} connections × ${load.durationS} s`,
  );
  process.stdout.write(`machine: ${describeMachine()}\n`);
  process.stdout.write(`this: ${REPO_ROOT}\nother: ${other}\n`);
  process.stdout.write(
    `environment of both servers: ${
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ") || "none"
    }\n`,
  );

  const sides: Side[] = [];
  const stops: (() => Promise<void>)[] = [];
  for (const [name, root] of [
    ["this", REPO_ROOT],
    ["other", other],
  ] as const) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const data = join(work.path, `data-${name}`);
    const server = await quireServe({ site, data, port, env, root, readyTimeoutMs: 300_000 });
    stops.push(() => server.stop());
    // Work left over from the start (search tables, first scans) must not count as the pages' CPU.
    const idle = await waitForIdle(server.pid);
    process.stdout.write(
      `${name}: 200 on / after ${ms(server.readyMs)}; idle ${idle.idle ? "after" : "NOT reached within"} ${ms(idle.waitedMs)} more\n`,
    );
    sides.push({ name, root, base, pid: server.pid, entryPath: await pickEntry(base, "/") });
  }
  const [mine, theirs] = sides as [Side, Side];
  if (mine.entryPath !== theirs.entryPath) {
    process.stdout.write(`note: the entry pages differ: ${mine.entryPath} vs ${theirs.entryPath}\n`);
  }
  process.stdout.write(`entry page: ${mine.entryPath}\n`);

  const runs: Run[] = [];
  const loads: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    loads.push(loadavg()[0] ?? Number.NaN);
    process.stdout.write(`round ${round}/${rounds} (load average ${loads.at(-1)?.toFixed(2)})\n`);
    // Alternate which checkout goes first, so neither always runs right after the other's load.
    const order = round % 2 === 1 ? [mine, theirs] : [theirs, mine];
    for (const page of ["entry page", "home page"]) {
      for (const side of order) {
        const path = page === "home page" ? "/" : side.entryPath;
        const result = await measure(side, path, load, warmupS);
        runs.push({ side: side.name, page, round, ...result });
        process.stdout.write(
          `  ${side.name.padEnd(6)} ${page.padEnd(11)} ${count(result.rps).padStart(6)} req/s ${us(result.cpuUs).padStart(8)} CPU/req\n`,
        );
      }
    }
  }
  for (const stop of stops) await stop();

  heading("results (medians over the rounds; ratio = this / other, per round)");
  const rows: string[][] = [];
  for (const page of ["entry page", "home page"]) {
    const pick = (side: string) => runs.filter((r) => r.page === page && r.side === side);
    const a = pick("this");
    const b = pick("other");
    const cpuRatios = a.map((r, i) => ratio(r.cpuUs, b[i]?.cpuUs ?? Number.NaN));
    for (const [label, list] of [
      ["this", a],
      ["other", b],
    ] as const) {
      const cpu = list.map((r) => r.cpuUs);
      const { min, max } = spread(cpu);
      rows.push([
        page,
        label,
        count(list[0]?.bytes ?? 0),
        count(median(list.map((r) => r.rps))),
        us(median(cpu)),
        `${us(min)}–${us(max)}`,
        label === "this" ? times(median(cpuRatios)) : "",
        label === "this" ? cpuRatios.map(times).join(" ") : "",
      ]);
    }
  }
  table(["page", "checkout", "bytes", "req/s", "CPU/req", "min–max", "CPU ratio", "per round"], rows);
  process.stdout.write(
    `load average (1 min) at the start of each round: ${loads.map((l) => l.toFixed(2)).join(", ")}\n${loadNote()}\n`,
  );
}

/** Warm-up, then one measured load run; the server's CPU time (all its threads) over that run only. */
async function measure(
  side: Side,
  path: string,
  load: LoadOptions,
  warmupS: number,
): Promise<{ bytes: number; rps: number; cpuUs: number }> {
  const page = await fetchPage(side.base, path);
  if (page.status !== 200) throw new Error(`${side.name} ${path} answered ${page.status}, not 200`);
  if (warmupS > 0) await runLoad(side.base + path, { ...load, durationS: warmupS });
  const before = readCpuMs(side.pid);
  const result = await runLoad(side.base + path, load);
  const after = readCpuMs(side.pid);
  // On a machine this busy a few requests can time out: reported, and the CPU is divided by those completed.
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) process.stdout.write(`  (${side.name} ${path}: ${failed} non-2xx, errors or timeouts)\n`);
  const cpuUs = before === null || after === null ? Number.NaN : ((after - before) * 1000) / result.completed;
  return { bytes: page.bytes, rps: result.requestsPerSec, cpuUs };
}

/** Microseconds, rounded. */
function us(value: number): string {
  return Number.isNaN(value) ? "n/a" : `${Math.round(value)} µs`;
}
