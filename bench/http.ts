/**
 * `npm run bench -- http`: a generated 10,000-entry site served with the page cache off, under 10 s of
 * load at 32 connections per page, against a bare Node `http` server; plus the entry page in a
 * 10,000-entry category against a 100-entry one (issue 3).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { benchArgs, numberOption } from "./lib/args.js";
import { startBareServer } from "./lib/baseline-server.js";
import { printProfileSummary } from "./lib/cpu-profile.js";
import { readCpuMs, waitForIdle } from "./lib/cpu-time.js";
import { freePort } from "./lib/free-port.js";
import { generateSite, sizeComparisonLayout } from "./lib/generate-site.js";
import { runLoad, type LoadOptions, type LoadResult } from "./lib/load.js";
import { categoryOf, fetchPage, pickEntry } from "./lib/pages.js";
import { deployMemoryEnv, ensureCompiledBuild, quireServe, REPO_ROOT } from "./lib/quire.js";
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
  type Target,
} from "./lib/report.js";
import { median, ratio } from "./lib/stats.js";
import { makeWorkDir } from "./lib/work-dir.js";

export const description =
  "req/s of entry, home and category pages, cache off, vs a bare Node server (issue 3)";
export const timeLimitS = 900;

/** Targets from issue 3. */
const TARGETS = { entryRps: 2000, homeRps: 800, sizeTolerance: 0.1, rssMb: 150 };

const BARE = "bare node:http, 10 KB";

interface Measured {
  label: string;
  path: string;
  bytes: number;
  load: LoadResult;
  /** The server's CPU time (all threads) per completed request, in ms; NaN when not measured. */
  cpuMsPerRequest: number;
}

/** Measures one page; `pid` is the server's, for its CPU time per request. */
type Measure = (label: string, base: string, path: string, pid: number) => Promise<Measured>;

/** Runs the bench and prints its report. */
export async function run(args: string[]): Promise<void> {
  const values = benchArgs("http", args, {
    entries: { type: "string", default: "10000", help: "entries in the generated site" },
    duration: { type: "string", default: "10", help: "seconds of load per page" },
    connections: { type: "string", default: "32", help: "concurrent connections" },
    warmup: { type: "string", default: "2", help: "seconds of unmeasured load before each measurement" },
    rounds: { type: "string", default: "3", help: "rounds over the bare server and the three pages" },
    "size-rounds": { type: "string", default: "3", help: "rounds of the 10,000- and 100-entry pair" },
    "skip-size": { type: "boolean", default: false, help: "skip the category-size comparison" },
    "no-deploy-env": {
      type: "boolean",
      default: false,
      help: "start quire serve without app.json's memory settings (MALLOC_ARENA_MAX, NODE_OPTIONS)",
    },
  });
  if (!values) return;
  const entries = numberOption(values, "entries");
  const load: LoadOptions = {
    durationS: numberOption(values, "duration"),
    connections: numberOption(values, "connections"),
  };
  const warmupS = Number(values.warmup);
  const rounds = numberOption(values, "rounds");
  const sizeRounds = numberOption(values, "size-rounds");
  ensureCompiledBuild({ skip: values["no-build"] === true });

  const work = makeWorkDir("http");
  const site = join(work.path, "site");
  const generated = await generateSite(site, { entries, cache: false });
  heading(
    `HTTP: ${count(entries)}-entry site, page cache off, ${load.connections} connections × ${load.durationS} s`,
  );
  process.stdout.write(`machine: ${describeMachine()}\n`);
  process.stdout.write(
    "load generator: autocannon in the bench process (it shares the 2 cores with the server)\n",
  );
  process.stdout.write(
    `site: ${count(generated.entries)} entries in ${generated.categories.length} folders, ${generated.entriesWithImages} with an image\n`,
  );

  const measure: Measure = async (label, base, path, pid) => {
    const page = await fetchPage(base, path);
    if (page.status !== 200) throw new Error(`${label} ${path} answered ${page.status}, not 200`);
    if (warmupS > 0) await runLoad(base + path, { ...load, durationS: warmupS });
    const cpuBefore = readCpuMs(pid);
    const result = await runLoad(base + path, load);
    const cpuAfter = readCpuMs(pid);
    const cpuMsPerRequest =
      cpuBefore === null || cpuAfter === null ? Number.NaN : (cpuAfter - cpuBefore) / result.completed;
    const line = `${count(result.requestsPerSec).padStart(7)} req/s ${us(cpuMsPerRequest).padStart(8)} CPU/req`;
    process.stdout.write(`  ${label.padEnd(32)} ${line}  ${path}\n`);
    return { label, path, bytes: page.bytes, load: result, cpuMsPerRequest };
  };

  // The ceiling: a bare Node server in its own process, like Quire, answering a fixed 10 KB page.
  // It idles while Quire is measured and is measured again in every round, so each round has its own ceiling.
  const barePort = await freePort();
  const bare = await startBareServer({ port: barePort, size: 10_240 });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const data = join(work.path, "data");
  // As a dyno runs it: with app.json's memory settings, which the RSS goal is about.
  const deployEnv = values["no-deploy-env"] === true ? {} : deployMemoryEnv();
  process.stdout.write(
    `quire serve environment: ${
      Object.entries(deployEnv)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ") || "none of app.json's memory settings (--no-deploy-env)"
    }\n`,
  );
  const server = await quireServe({ site, data, port, env: deployEnv, readyTimeoutMs: 180_000 });
  // CPU per request is read over the load runs only, and the work left over from the start (the search
  // tables, the watcher's first scan) must be done before the first of them.
  const idle = await waitForIdle(server.pid);
  process.stdout.write(
    `quire serve answered 200 on / ${ms(server.readyMs)} after start (indexing included); ` +
      `idle ${idle.idle ? "after" : "NOT reached within"} ${ms(idle.waitedMs)} more\n`,
  );
  const entryPath = await pickEntry(base, "/");
  const pages: [string, string][] = [
    ["entry page", entryPath],
    ["home page", "/"],
    ["category page", categoryOf(entryPath)],
  ];
  const results: Measured[] = [];
  for (let r = 1; r <= rounds; r++) {
    process.stdout.write(`round ${r}/${rounds}\n`);
    results.push(await measure(BARE, `http://127.0.0.1:${barePort}`, "/", bare.pid));
    for (const [label, path] of pages) results.push(await measure(label, base, path, server.pid));
  }
  const serverMemory = server.memory();
  // A page over the main thread's render budget is logged and starts a rendering thread: none should here.
  const handedOver = server
    .logTail()
    .split("\n")
    .filter((line) => line.includes("E_RENDER_BUDGET"));
  await server.stop();
  await bare.stop();

  const size =
    values["skip-size"] === true ? undefined : await sizeComparison(work.path, entries, sizeRounds, measure);

  const all = [...results, ...(size ?? [])];
  heading("every run");
  table(
    ["page", "path", "bytes", "req/s", "CPU/req", "p50", "p99", "non-2xx", "errors"],
    all.map((m) => [
      m.label,
      m.path.length > 48 ? `${m.path.slice(0, 45)}…` : m.path,
      count(m.bytes),
      count(m.load.requestsPerSec),
      us(m.cpuMsPerRequest),
      ms(m.load.p50Ms),
      ms(m.load.p99Ms),
      count(m.load.non2xx),
      count(m.load.errors + m.load.timeouts),
    ]),
  );

  const rps = (label: string) =>
    median(all.filter((m) => m.label === label).map((m) => m.load.requestsPerSec));
  heading("results (medians over the runs of each page)");
  table(
    ["page", "runs", "req/s", "CPU/req", "p50", "p99", "non-2xx + errors", "vs bare"],
    [...new Set(all.map((m) => m.label))].map((label) => {
      const runs = all.filter((m) => m.label === label);
      const med = (f: (l: LoadResult) => number) => median(runs.map((m) => f(m.load)));
      return [
        label,
        String(runs.length),
        count(med((l) => l.requestsPerSec)),
        us(median(runs.map((m) => m.cpuMsPerRequest))),
        ms(med((l) => l.p50Ms)),
        ms(med((l) => l.p99Ms)),
        count(runs.reduce((n, m) => n + m.load.non2xx + m.load.errors + m.load.timeouts, 0)),
        times(
          ratio(
            med((l) => l.requestsPerSec),
            rps(BARE),
          ),
        ),
      ];
    }),
  );
  if (serverMemory) {
    process.stdout.write(
      `quire serve memory after the load: RSS ${mb(serverMemory.rssKb)} (goal ≤ ${TARGETS.rssMb} MB, issue 21), peak ${mb(serverMemory.hwmKb)}\n`,
    );
  }
  process.stdout.write(
    `pages over the main thread's render budget, sent to a rendering thread: ${handedOver.length} (in the last 40 log lines)\n${handedOver.map((l) => `  ${l}\n`).join("")}`,
  );
  process.stdout.write(`${loadNote()}\n`);

  heading("targets (issue 3)");
  const targets: Target[] = [
    { name: "entry page", actual: rps("entry page"), limit: TARGETS.entryRps, kind: "min", format: rpsText },
    {
      name: "home page (10 entries)",
      actual: rps("home page"),
      limit: TARGETS.homeRps,
      kind: "min",
      format: rpsText,
    },
  ];
  if (serverMemory) {
    targets.push({
      name: "RSS of quire serve after the load (issue 21)",
      actual: serverMemory.rssKb / 1024,
      limit: TARGETS.rssMb,
      kind: "max",
      format: (v) => `${v.toFixed(0)} MB`,
    });
  }
  if (size) {
    const big = size.filter((m) => m.label !== SMALL);
    const small = size.filter((m) => m.label === SMALL);
    // big[i] and small[i] come from the same round.
    // Per round, so each ratio compares two runs made seconds apart under the same background load.
    const pairRatios = big.map((m, i) =>
      ratio(m.load.requestsPerSec, small[i]?.load.requestsPerSec ?? Number.NaN),
    );
    const cpuRatios = big.map((m, i) => ratio(m.cpuMsPerRequest, small[i]?.cpuMsPerRequest ?? Number.NaN));
    process.stdout.write(
      `server CPU per request, ${count(entries)}-entry / 100-entry category: ${times(median(cpuRatios))} ` +
        `(per round ${cpuRatios.map(times).join(", ")}; CPU time moves less with background load than req/s)\n`,
    );
    targets.push({
      name: `entry page, ${count(entries)}-entry / 100-entry category (per-round ratios ${pairRatios.map(times).join(", ")})`,
      actual: median(pairRatios),
      limit: TARGETS.sizeTolerance,
      kind: "near-one",
      format: times,
    });
  }
  checkTargets(targets);

  if (typeof values.profile === "string") await profile(values.profile, site, data, pages, load);
}

const SMALL = "entry in 100-entry category";

/**
 * One site with a category of `entries` entries and one of 100, every entry with the same body, so two
 * entry pages differ only in the size of their category; measured in rounds of one run each.
 */
async function sizeComparison(
  workDir: string,
  entries: number,
  rounds: number,
  measure: Measure,
): Promise<Measured[]> {
  heading(`entry page: ${count(entries)}-entry vs 100-entry category (one site, identical bodies)`);
  const site = join(workDir, "size-site");
  await generateSite(site, { categories: sizeComparisonLayout(entries, 100), cache: false, uniform: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await quireServe({ site, data: join(workDir, "size-data"), port, readyTimeoutMs: 180_000 });
  await waitForIdle(server.pid);
  const bigPath = await pickEntry(base, "/big/");
  const smallPath = await pickEntry(base, "/small/");
  const out: Measured[] = [];
  for (let r = 1; r <= rounds; r++) {
    process.stdout.write(`round ${r}/${rounds}\n`);
    // Alternate which goes first, so neither always follows a server restart or the other's warm-up.
    const big = () => measure(`entry in ${count(entries)}-entry category`, base, bigPath, server.pid);
    const small = () => measure(SMALL, base, smallPath, server.pid);
    if (r % 2 === 1) out.push(await big(), await small());
    else out.push(await small(), await big());
  }
  await server.stop();
  return out;
}

/** Serves each page again under --cpu-prof and prints where the server's time went. */
async function profile(
  dir: string,
  site: string,
  data: string,
  pages: [string, string][],
  load: LoadOptions,
): Promise<void> {
  for (const [label, path] of pages) {
    heading(`CPU profile of quire serve under load: ${label} (${path})`);
    const out = join(dir, label.replace(/\W+/g, "-"));
    mkdirSync(out, { recursive: true });
    const port = await freePort();
    const server = await quireServe({
      site,
      data,
      port,
      nodeArgs: ["--cpu-prof", "--cpu-prof-dir", out],
      readyTimeoutMs: 180_000,
    });
    const result = await runLoad(`http://127.0.0.1:${port}${path}`, load);
    await server.stop();
    process.stdout.write(`${count(result.requestsPerSec)} req/s while profiling\n`);
    printProfileSummary(out, REPO_ROOT);
  }
}

/** Milliseconds as microseconds, for CPU time per request. */
function us(msValue: number): string {
  return Number.isNaN(msValue) ? "n/a" : `${Math.round(msValue * 1000)} µs`;
}

function rpsText(n: number): string {
  return `${count(n)} req/s`;
}
