/**
 * `npm run bench -- search`: full-text search on the generated 10,000-entry site (issue 20): query latency
 * (p50/p99, uncached) over a fixed query set, the cold `quire index` with search against the same without it
 * (`--no-search`) in the same run, and the bytes of the static search index `quire build` writes.
 */
import { join } from "node:path";
import { benchArgs, numberOption } from "./lib/args.js";
import { generateSite } from "./lib/generate-site.js";
import { ensureCompiledBuild, quireIndex } from "./lib/quire.js";
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
import { median, p50p99, ratio, spread } from "./lib/stats.js";
import { makeWorkDir } from "./lib/work-dir.js";
import { readChildrenCpuMs } from "./lib/cpu-time.js";
import { loadavg } from "node:os";
import { statSync, readdirSync } from "node:fs";
import { ContentIndex, openIndex } from "../src/db/index.js";
import { Searcher } from "../src/search/index.js";
import {
  shardOf,
  surfaceWords,
  writeStaticSearch,
  type StaticSearchSummary,
} from "../src/search/static-index.js";
import { parseQuery } from "../src/search/query.js";

export const description =
  "search latency p50/p99, cold index with vs without search, static index bytes (issue 20)";
export const timeLimitS = 1200;

const TARGETS = { p99Ms: 10, coldWithOverWithout: 1.3 };
/** The generated site sets no time zone: Quire's default. */
const SITE_TIME_ZONE = "UTC";

/**
 * The fixed query set. The bench site's prose draws on ~300 words, so most single words match thousands
 * of entries: the worst case for ranking (every match is scored), kept on purpose.
 */
export const QUERIES: readonly { q: string; category?: string; page?: number }[] = [
  { q: "harbour" },
  { q: "kitchen window" },
  { q: "harbour stone bridge" },
  { q: '"quiet morning"' },
  { q: '"the river"' },
  { q: "stat*" },
  { q: "walking" },
  { q: "harbour -stone" },
  { q: "title:harbour" },
  { q: "title:bread kitchen" },
  { q: "tag:books" },
  { q: "tag:birds river" },
  { q: "lisbon OR kyoto" },
  { q: "remembered neighbour", category: "travel" },
  { q: "garden", category: "garden" },
  { q: "zeppelin" },
  { q: "harbour", page: 5 },
  { q: '"unbalanced quote' },
  { q: "NEAR(river" },
  { q: "café" },
];

/** Runs the bench and prints its report. */
export async function run(args: string[]): Promise<void> {
  const values = benchArgs("search", args, {
    entries: { type: "string", default: "10000", help: "entries in the generated site" },
    runs: { type: "string", default: "3", help: "cold-index rounds (with and without search, interleaved)" },
    repeat: { type: "string", default: "20", help: "times each query is run for the latency figures" },
  });
  if (!values) return;
  const entries = numberOption(values, "entries");
  const runs = numberOption(values, "runs");
  const repeat = numberOption(values, "repeat");
  ensureCompiledBuild({ skip: values["no-build"] === true });

  const work = makeWorkDir("search");
  const site = join(work.path, "site");
  const generated = await generateSite(site, { entries });
  heading(`search: ${count(entries)} entries`);
  process.stdout.write(`machine: ${describeMachine()}\n`);
  process.stdout.write(
    `site: ${count(generated.entries)} entries, ${mb(generated.bytes / 1024)} of Markdown\n`,
  );

  // Cold index without and with search, interleaved so both see the same background load.
  await quireIndex(site, join(work.path, "warmup"), { args: ["--no-search"] });
  const rounds: {
    without: number;
    with: number;
    searchMs: number;
    refreshMs: number;
    cpuWithout: number;
    cpuWith: number;
    peakWithout: number;
    peakWith: number;
  }[] = [];
  let dataWith = "";
  // CPU time of each child (all its threads), from this process's waited-for children's total.
  const cpuOf = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
    const before = readChildrenCpuMs() ?? Number.NaN;
    const result = await run();
    return [result, (readChildrenCpuMs() ?? Number.NaN) - before];
  };
  for (let r = 1; r <= runs; r++) {
    const [without, cpuWithout] = await cpuOf(() =>
      quireIndex(site, join(work.path, `without-${r}`), { args: ["--no-search"] }),
    );
    dataWith = join(work.path, `with-${r}`);
    const [withSearch, cpuWith] = await cpuOf(() => quireIndex(site, dataWith));
    const s = withSearch.summary as typeof withSearch.summary & { searchMs?: number };
    rounds.push({
      without: without.wallMs,
      with: withSearch.wallMs,
      searchMs: s.searchMs ?? Number.NaN,
      refreshMs: s.ms - (s.searchMs ?? 0),
      cpuWithout,
      cpuWith,
      peakWithout: (without.memory?.hwmKb ?? Number.NaN) / 1024,
      peakWith: (withSearch.memory?.hwmKb ?? Number.NaN) / 1024,
    });
    process.stdout.write(
      `round ${r}/${runs}: cold index without search ${ms(without.wallMs)} (CPU ${ms(cpuWithout)}), with search ${ms(withSearch.wallMs)} (CPU ${ms(cpuWith)}; after the refresh ${ms(s.searchMs ?? Number.NaN)}) at load ${loadavg()[0]!.toFixed(1)}\n`,
    );
  }

  // Query latency, in process, on the index just built: what a /search page adds to a render.
  const { db } = openIndex({ path: join(dataWith, "index.db") });
  const source = { contentDir: join(site, "content"), timeZone: SITE_TIME_ZONE };
  const searcher = new Searcher(db, source);
  const now = Date.now();
  const perQuery: { q: string; p50: number; p99: number; cpuP50: number; total: number }[] = [];
  const queryLoad = loadavg()[0]!;
  const all: number[] = [];
  // CPU time too: on a loaded machine a query's wall time is mostly waiting for a core.
  const allCpu: number[] = [];
  for (const query of QUERIES) searcher.search(query.q, { now, ...query });
  for (const query of QUERIES) {
    const samples: number[] = [];
    const cpu: number[] = [];
    let total = 0;
    for (let i = 0; i < repeat; i++) {
      const c = process.cpuUsage();
      const t = performance.now();
      total = searcher.search(query.q, { now, ...query }).total;
      samples.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
    all.push(...samples);
    allCpu.push(...cpu);
    perQuery.push({ q: label(query), ...p50p99(samples), cpuP50: p50p99(cpu).p50, total });
  }
  const statics: StaticFigures[] = [];
  statics.push(staticIndex(db, join(work.path, "static-full"), now, source));
  db.close();
  // The same site at a tenth of the size, to show how the static index grows per entry.
  const small = join(work.path, "small");
  await generateSite(small, { entries: Math.round(entries / 10) });
  await quireIndex(small, join(work.path, "small-data"));
  const smallDb = openIndex({ path: join(work.path, "small-data", "index.db") }).db;
  statics.push(
    staticIndex(smallDb, join(work.path, "static-small"), now, {
      contentDir: join(small, "content"),
      timeZone: SITE_TIME_ZONE,
    }),
  );
  smallDb.close();

  heading("query latency (uncached, in process; ms)");
  table(
    ["query", "matches", "p50", "p99", "CPU p50"],
    perQuery.map((r) => [r.q, count(r.total), r.p50.toFixed(2), r.p99.toFixed(2), r.cpuP50.toFixed(2)]),
  );
  const overall = p50p99(all);
  const overallCpu = p50p99(allCpu);
  process.stdout.write(
    `all ${all.length} queries: p50 ${overall.p50.toFixed(2)} ms, p99 ${overall.p99.toFixed(2)} ms; CPU time p50 ${overallCpu.p50.toFixed(2)} ms, p99 ${overallCpu.p99.toFixed(2)} ms (load average ${queryLoad.toFixed(1)} as they ran)\n`,
  );

  heading("static search index (quire build's _search/)");
  table(
    [
      "entries",
      "files",
      "total",
      "per entry",
      "meta.json",
      "tags.json.gz",
      "doc block",
      "term shard: median",
      "largest",
      "per query: median",
      "max",
    ],
    statics
      .sort((a, b) => a.entries - b.entries)
      .map((x) => {
        const sorted = [...x.shards].sort((a, b) => a - b);
        return [
          count(x.entries),
          count(x.summary.files),
          kb(x.summary.bytes),
          `${(x.summary.bytes / Math.max(1, x.entries)).toFixed(0)} B`,
          kb(x.meta),
          kb(x.tags),
          kb(x.block),
          kb(sorted[Math.floor(sorted.length / 2)] ?? 0),
          kb(sorted[sorted.length - 1] ?? 0),
          kb(median(x.downloads)),
          kb(Math.max(...x.downloads)),
        ];
      }),
  );

  heading(`cold quire index (median of ${runs})`);
  const col = (f: (r: (typeof rounds)[number]) => number) => rounds.map(f);
  const row = (name: string, v: number[], fmt: (n: number) => string) => {
    const { min, max } = spread(v);
    return [name, fmt(median(v)), fmt(min), fmt(max)];
  };
  table(
    ["measure", "median", "min", "max"],
    [
      row(
        "without search (--no-search), wall",
        col((r) => r.without),
        ms,
      ),
      row(
        "with search, wall",
        col((r) => r.with),
        ms,
      ),
      row(
        "  of which after the refresh (Quire's ms)",
        col((r) => r.searchMs),
        ms,
      ),
      row(
        "with / without (per round)",
        col((r) => ratio(r.with, r.without)),
        times,
      ),
      row(
        "CPU without search (all threads)",
        col((r) => r.cpuWithout),
        ms,
      ),
      row(
        "CPU with search (all threads)",
        col((r) => r.cpuWith),
        ms,
      ),
      row(
        "CPU with / without (per round)",
        col((r) => ratio(r.cpuWith, r.cpuWithout)),
        times,
      ),
      row(
        "peak RSS without search (MB)",
        col((r) => r.peakWithout),
        (n) => n.toFixed(0),
      ),
      row(
        "peak RSS with search (MB)",
        col((r) => r.peakWith),
        (n) => n.toFixed(0),
      ),
    ],
  );
  process.stdout.write(`${loadNote()}\n`);

  heading("targets (issue 20)");
  checkTargets([
    { name: "search p99, uncached", actual: overall.p99, limit: TARGETS.p99Ms, kind: "max", format: ms },
    {
      name: "cold index with search / without",
      actual: median(col((r) => ratio(r.with, r.without))),
      limit: TARGETS.coldWithOverWithout,
      kind: "max",
      format: times,
    },
  ]);
  work.remove();
}

/** Writes the static index of an index database into `dir`; sizes of the whole and of its parts. */
function staticIndex(
  db: ReturnType<typeof openIndex>["db"],
  dir: string,
  now: number,
  source: { contentDir: string; timeZone: string },
): StaticFigures {
  const summary = writeStaticSearch(new ContentIndex(db), dir, now, source);
  const base = join(dir, "_search");
  const shards = readdirSync(join(base, "t")).map((f) => statSync(join(base, "t", f)).size);
  const size = (rel: string) => {
    try {
      return statSync(join(base, rel)).size;
    } catch {
      return 0;
    }
  };
  const termShards = readdirSync(join(base, "t")).map((f) => f.replace(/\.json\.gz$/, ""));
  const searcher = new Searcher(db, source);
  // What the browser fetches for each query of the set: meta.json, the word and term shards of its words,
  // tags.json.gz for tag: queries, and one d/ block per result shown (at most 10; an upper bound).
  const downloads = QUERIES.map((query) => {
    const parsed = parseQuery(query.q);
    const files = new Set<string>(["meta.json"]);
    for (const term of [...parsed.all.flat(), ...parsed.none])
      for (const word of term.words.flatMap((w) => surfaceWords(w))) {
        files.add(`w/${shardOf(word)}.json.gz`);
        const shard = shardOf(word);
        for (const t of termShards)
          if (t === shard || (term.prefix && (t.startsWith(shard) || shard.startsWith(t))))
            files.add(`t/${t}.json.gz`);
      }
    if (parsed.tags.length + parsed.notTags.length > 0) files.add("tags.json.gz");
    const shown = Math.min(10, searcher.search(query.q, { now, ...query }).total);
    let bytes = 0;
    for (const f of files) bytes += size(f);
    return bytes + shown * size("d/0.json.gz");
  });
  return {
    downloads,
    entries: summary.entries,
    summary,
    meta: statSync(join(base, "meta.json")).size,
    tags: statSync(join(base, "tags.json.gz")).size,
    block: statSync(join(base, "d", "0.json.gz")).size,
    shards,
  };
}

interface StaticFigures {
  /** Bytes the browser fetches for each query of QUERIES (an upper bound: one d/ block per result shown). */
  downloads: number[];
  entries: number;
  summary: StaticSearchSummary;
  meta: number;
  tags: number;
  /** One `d/` block (the first, full unless the site is tiny). */
  block: number;
  shards: number[];
}

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

function label(query: (typeof QUERIES)[number]): string {
  let s = query.q;
  if (query.category) s += ` (category ${query.category})`;
  if (query.page) s += ` (page ${query.page})`;
  return s;
}
