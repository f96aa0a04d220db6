/**
 * `npm run bench -- index`: cold and warm `quire index` on a generated 10,000-entry site against a
 * read-and-parse-headers baseline, medians of 5, with the targets checked (issue 2).
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchArgs, numberOption } from "./lib/args.js";
import { runTimed } from "./lib/child.js";
import { printProfileSummary } from "./lib/cpu-profile.js";
import { generateSite } from "./lib/generate-site.js";
import { ensureCompiledBuild, quireIndex, REPO_ROOT } from "./lib/quire.js";
import {
  checkTargets,
  count,
  loadNote,
  describeMachine,
  heading,
  mb,
  ms,
  table,
  times,
} from "./lib/report.js";
import { median, ratio, spread } from "./lib/stats.js";
import { makeWorkDir } from "./lib/work-dir.js";

export const description =
  "cold and warm `quire index` of 10,000 entries vs reading + parsing headers (issue 2)";
export const timeLimitS = 900;

const BASELINE = join(dirname(fileURLToPath(import.meta.url)), "lib", "header-baseline.mjs");
/** A second reference: the baseline plus a fingerprint and Quire's SQLite rows, nothing checked or derived. */
const FLOOR = join(dirname(fileURLToPath(import.meta.url)), "lib", "index-floor.mjs");

/** Targets from issue 2. */
const TARGETS = { coldMs: 1000, warmMs: 250, peakRssKb: 200 * 1024, coldOverBaseline: 1.5 };

interface Round {
  coldWall: number;
  coldInternal: number;
  coldHwmKb: number;
  warmWall: number;
  warmInternal: number;
  warmHwmKb: number;
  baselineWall: number;
  floorWall: number;
}

/** Runs the bench and prints its report. */
export async function run(args: string[]): Promise<void> {
  const values = benchArgs("index", args, {
    entries: { type: "string", default: "10000", help: "entries in the generated site" },
    runs: { type: "string", default: "5", help: "rounds; each figure is the median over them" },
  });
  if (!values) return;
  const entries = numberOption(values, "entries");
  const runs = numberOption(values, "runs");
  ensureCompiledBuild({ skip: values["no-build"] === true });

  const work = makeWorkDir("index");
  const site = join(work.path, "site");
  const generated = await generateSite(site, { entries });
  heading(`quire index: ${count(entries)} entries`);
  process.stdout.write(`machine: ${describeMachine()}\n`);
  process.stdout.write(
    `site: ${count(generated.entries)} entries in ${generated.categories.length} folders, ${mb(generated.bytes / 1024)} of Markdown, ${generated.entriesWithImages} with an image; generated in ${ms(generated.ms)}\n`,
  );

  // One unmeasured round first, so Node, the native modules and the files are in the page cache.
  await quireIndex(site, join(work.path, "data-warmup"));
  rmSync(join(work.path, "data-warmup"), { recursive: true, force: true });
  await baseline(generated.contentDir);
  await floor(generated.contentDir, join(work.path, "floor", "index.db"));

  const rounds: Round[] = [];
  for (let r = 1; r <= runs; r++) {
    const data = join(work.path, `data-${r}`);
    const cold = await quireIndex(site, data);
    if (cold.summary.entries !== generated.entries) {
      throw new Error(`quire index found ${cold.summary.entries} entries, expected ${generated.entries}`);
    }
    const warm = await quireIndex(site, data);
    if (warm.summary.added + warm.summary.updated + warm.summary.removed !== 0) {
      process.stdout.write(`note: the warm refresh changed files (${JSON.stringify(warm.summary)})\n`);
    }
    const base = await baseline(generated.contentDir);
    const least = await floor(generated.contentDir, join(work.path, "floor", "index.db"));
    rounds.push({
      coldWall: cold.wallMs,
      coldInternal: cold.summary.ms,
      coldHwmKb: cold.memory?.hwmKb ?? Number.NaN,
      warmWall: warm.wallMs,
      warmInternal: warm.summary.ms,
      warmHwmKb: warm.memory?.hwmKb ?? Number.NaN,
      baselineWall: base,
      floorWall: least,
    });
    if (r === 1 && cold.summary.problems.length > 0) {
      process.stdout.write(
        `note: quire index reported ${cold.summary.problems.length} problems on the generated site\n`,
      );
    }
    process.stdout.write(
      `round ${r}/${runs}: cold ${ms(cold.wallMs)} (${mb(cold.memory?.hwmKb ?? Number.NaN)}), warm ${ms(warm.wallMs)}, baseline ${ms(base)}, floor ${ms(least)}\n`,
    );
    rmSync(data, { recursive: true, force: true });
  }

  const col = (f: (r: Round) => number) => rounds.map(f);
  const row = (name: string, values: number[], fmt: (n: number) => string) => {
    const { min, max } = spread(values);
    return [name, fmt(median(values)), fmt(min), fmt(max)];
  };
  heading(`results (median of ${runs})`);
  table(
    ["measure", "median", "min", "max"],
    [
      row(
        "cold index, wall (spawn to exit)",
        col((r) => r.coldWall),
        ms,
      ),
      row(
        "cold index, Quire's own `ms`",
        col((r) => r.coldInternal),
        ms,
      ),
      row(
        "cold index, peak RSS (VmHWM)",
        col((r) => r.coldHwmKb),
        mb,
      ),
      row(
        "warm refresh, wall",
        col((r) => r.warmWall),
        ms,
      ),
      row(
        "warm refresh, Quire's own `ms`",
        col((r) => r.warmInternal),
        ms,
      ),
      row(
        "warm refresh, peak RSS",
        col((r) => r.warmHwmKb),
        mb,
      ),
      row(
        "baseline: read + parse headers, wall",
        col((r) => r.baselineWall),
        ms,
      ),
      row(
        "cold / baseline",
        col((r) => r.coldWall / r.baselineWall),
        times,
      ),
      row(
        "warm / baseline",
        col((r) => r.warmWall / r.baselineWall),
        times,
      ),
      row(
        "floor: baseline + SHA-1 + Quire's rows, wall",
        col((r) => r.floorWall),
        ms,
      ),
      row(
        "floor / baseline",
        col((r) => r.floorWall / r.baselineWall),
        times,
      ),
      row(
        "cold / floor",
        col((r) => r.coldWall / r.floorWall),
        times,
      ),
    ],
  );
  process.stdout.write(
    "The floor reads and splits headers like the baseline, then also fingerprints each file and writes its rows\n" +
      "(files, entries, tags; secondary indexes after) into Quire's schema, checking and deriving nothing: the\n" +
      "least any index that keeps what issue 2 asks for does on this stack.\n",
  );

  process.stdout.write(`${loadNote()}\n`);
  heading("targets (issue 2)");
  const coldMedian = median(col((r) => r.coldWall));
  checkTargets([
    { name: "cold index of 10k entries", actual: coldMedian, limit: TARGETS.coldMs, kind: "max", format: ms },
    {
      name: "warm refresh, nothing changed",
      actual: median(col((r) => r.warmWall)),
      limit: TARGETS.warmMs,
      kind: "max",
      format: ms,
    },
    {
      name: "peak RSS of a cold index",
      actual: median(col((r) => r.coldHwmKb)),
      limit: TARGETS.peakRssKb,
      kind: "max",
      format: mb,
    },
    {
      name: "cold index / read+parse baseline",
      // Per round, so each ratio compares runs made seconds apart under the same background load.
      actual: median(col((r) => ratio(r.coldWall, r.baselineWall))),
      limit: TARGETS.coldOverBaseline,
      kind: "max",
      format: times,
    },
  ]);

  if (typeof values.profile === "string") {
    heading("CPU profile of one cold and one warm index");
    const dir = values.profile;
    mkdirSync(dir, { recursive: true });
    const data = join(work.path, "data-profile");
    await quireIndex(site, data, { nodeArgs: ["--cpu-prof", "--cpu-prof-dir", join(dir, "cold")] });
    await quireIndex(site, data, { nodeArgs: ["--cpu-prof", "--cpu-prof-dir", join(dir, "warm")] });
    printProfileSummary(join(dir, "cold"), REPO_ROOT);
    process.stdout.write("\n");
    printProfileSummary(join(dir, "warm"), REPO_ROOT);
  }
}

/** One run of the baseline in its own Node process; returns its wall time. */
async function baseline(contentDir: string): Promise<number> {
  return reference("the baseline", [BASELINE, contentDir]);
}

/** One run of the floor in its own Node process, writing a fresh database at `dbPath`; returns its wall time. */
async function floor(contentDir: string, dbPath: string): Promise<number> {
  return reference("the floor", [FLOOR, contentDir, dbPath]);
}

async function reference(name: string, args: string[]): Promise<number> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const result = await runTimed(process.execPath, args, { env, timeoutMs: 60_000, sampleMs: 0 });
  if (result.code !== 0) throw new Error(`${name} failed:\n${result.stderr}`);
  return result.wallMs;
}
