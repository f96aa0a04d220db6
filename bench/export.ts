/**
 * `npm run bench -- export`: the generated 10,000-entry site (YAML front matter, fenced code in every entry)
 * exported by `quire build` and, in the same run, built by Hugo with an equivalent minimal layout (a list
 * page and an entry page, highlighting on in both), output on tmpfs, median of 3 (issue 7).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchArgs, numberOption } from "./lib/args.js";
import { runTimed, type RunResult } from "./lib/child.js";
import { printProfileSummary } from "./lib/cpu-profile.js";
import { generateSite } from "./lib/generate-site.js";
import { ensureCompiledBuild, quireEnv, REPO_ROOT } from "./lib/quire.js";
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

export const description = "`quire build` of 10,000 entries vs Hugo with the same minimal layout (issue 7)";
export const timeLimitS = 1800;

const BIN = join(REPO_ROOT, "bin", "quire.js");
/** Target from issue 7: Quire's export takes no longer than Hugo's build. */
const TARGET_RATIO = 1.0;

interface Round {
  quireMs: number;
  /** The same cold build writing the static search index too (Hugo's side has no search). */
  searchMs: number;
  warmMs: number;
  quireHwmKb: number;
  hugoMs: number;
}

/** Runs the bench and prints its report. */
export async function run(args: string[]): Promise<void> {
  const values = benchArgs("export", args, {
    entries: { type: "string", default: "10000", help: "entries in the generated site" },
    runs: { type: "string", default: "3", help: "rounds; each figure is the median over them" },
    jobs: { type: "string", help: "rendering threads for quire build (default: one per core)" },
  });
  if (!values) return;
  const entries = numberOption(values, "entries");
  const runs = numberOption(values, "runs");
  const jobs = typeof values.jobs === "string" ? ["--jobs", values.jobs] : [];
  ensureCompiledBuild({ skip: values["no-build"] === true });

  const work = makeWorkDir("export");
  const site = join(work.path, "site");
  const generated = await generateSite(site, { entries, headerStyle: "yaml", codeShare: 1 });
  writeQuireLayout(site);
  heading(`static export: ${count(entries)} entries`);
  process.stdout.write(`machine: ${describeMachine()}\n`);
  process.stdout.write(
    `site: ${count(generated.entries)} entries in ${generated.categories.length} folders, ${mb(generated.bytes / 1024)} of Markdown (YAML front matter, fenced code in every entry, ${generated.entriesWithImages} with an image)\n`,
  );

  const hugo = hugoVersion();
  const hugoDir = join(work.path, "hugo");
  if (hugo) writeHugoProject(hugoDir, generated.contentDir);
  else {
    process.stdout.write(
      "Hugo is not installed, so the comparison is skipped. Install Debian's package (`apt-get install -y hugo`) and run again.\n",
    );
  }

  // `keep` leaves the data folder (index and rendition cache) for a warm rebuild right after.
  const quire = async (
    round: string,
    nodeArgs: string[] = [],
    keep = false,
  ): Promise<RunResult & { summary: ExportSummary }> => {
    const data = join(work.path, `data-${round}`);
    const out = join(work.path, `out-quire-${round}`);
    const result = await runTimed(
      process.execPath,
      [...nodeArgs, BIN, "build", "--site", site, "--data", data, "--out", out, "--json", ...jobs],
      { env: quireEnv(), cwd: REPO_ROOT, timeoutMs: 600_000 },
    );
    if (result.code !== 0)
      throw new Error(`quire build exited ${result.code ?? result.signal}:\n${result.stderr.slice(-2000)}`);
    const summary = JSON.parse(result.stdout) as ExportSummary;
    if (!keep) rmSync(data, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
    return { ...result, summary };
  };
  const hugoBuild = async (round: string): Promise<RunResult & { files: number }> => {
    const out = join(work.path, `out-hugo-${round}`);
    const result = await runTimed("hugo", ["--source", hugoDir, "--destination", out, "--quiet"], {
      timeoutMs: 600_000,
    });
    if (result.code !== 0)
      throw new Error(`hugo exited ${result.code ?? result.signal}:\n${result.stderr.slice(-2000)}`);
    const files = countFiles(out, ".html");
    rmSync(out, { recursive: true, force: true });
    rmSync(join(hugoDir, "resources"), { recursive: true, force: true });
    return { ...result, files };
  };

  // One unmeasured round of each, so Node, Hugo and the files are in the page cache.
  const warm = await quire("warmup");
  const hugoWarm = hugo ? await hugoBuild("warmup") : null;
  process.stdout.write(
    `quire build writes ${count(warm.summary.pages)} pages, ${count(warm.summary.redirects)} redirect pages, ${count(warm.summary.images)} images (${mb(warm.summary.bytes / 1024)}) on ${warm.summary.jobs} threads` +
      (hugoWarm ? `; ${hugo} writes ${count(hugoWarm.files)} HTML files\n` : "\n"),
  );

  const rounds: Round[] = [];
  for (let r = 1; r <= runs; r++) {
    const q = await quire(String(r), [], true);
    const w = await quire(String(r));
    const h = hugo ? await hugoBuild(String(r)) : null;
    setSearchIndex(site, true);
    const s = await quire(`${r}-search`);
    setSearchIndex(site, false);
    rounds.push({
      quireMs: q.wallMs,
      searchMs: s.wallMs,
      warmMs: w.wallMs,
      quireHwmKb: q.memory?.hwmKb ?? Number.NaN,
      hugoMs: h?.wallMs ?? Number.NaN,
    });
    process.stdout.write(
      `round ${r}/${runs}: quire build ${ms(q.wallMs)} cold (index + render, ${mb(q.memory?.hwmKb ?? Number.NaN)} peak, threads and processes included), ${ms(w.wallMs)} warm, ${ms(s.wallMs)} cold with the search index` +
        (h ? `, hugo ${ms(h.wallMs)}\n` : "\n"),
    );
  }

  const col = (f: (r: Round) => number) => rounds.map(f);
  const row = (name: string, values: number[], fmt: (n: number) => string) => {
    const { min, max } = spread(values);
    return [name, fmt(median(values)), fmt(min), fmt(max)];
  };
  heading(`results (median of ${runs})`);
  const rows = [
    row(
      "quire build, cold (fresh data folder), wall",
      col((r) => r.quireMs),
      ms,
    ),
    row(
      "quire build, warm (index and image cache kept), wall",
      col((r) => r.warmMs),
      ms,
    ),
    row(
      "quire build, cold, writing the static search index too",
      col((r) => r.searchMs),
      ms,
    ),
    row(
      "quire build, peak RSS (VmHWM, threads and processes)",
      col((r) => r.quireHwmKb),
      mb,
    ),
  ];
  if (hugo) {
    rows.push(
      row(
        `${hugo}, wall`,
        col((r) => r.hugoMs),
        ms,
      ),
    );
    rows.push(
      row(
        "quire / hugo",
        col((r) => ratio(r.quireMs, r.hugoMs)),
        times,
      ),
    );
    rows.push(
      row(
        "quire with the search index / hugo",
        col((r) => ratio(r.searchMs, r.hugoMs)),
        times,
      ),
    );
  }
  table(["measure", "median", "min", "max"], rows);
  process.stdout.write(`${loadNote()}\n`);

  heading("targets (issue 7)");
  if (hugo) {
    checkTargets([
      {
        name: "quire build / hugo, same site and layout",
        actual: median(col((r) => ratio(r.quireMs, r.hugoMs))),
        limit: TARGET_RATIO,
        kind: "max",
        format: times,
      },
    ]);
  } else process.stdout.write("SKIP  quire build / hugo: Hugo is not installed (apt-get install -y hugo)\n");

  if (typeof values.profile === "string") {
    heading("CPU profile of one quire build (every thread)");
    mkdirSync(values.profile, { recursive: true });
    await quire("profile", ["--cpu-prof", "--cpu-prof-dir", values.profile]);
    printProfileSummary(values.profile, REPO_ROOT);
  }
}

/** The fields of `quire build --json` the bench reads. */
interface ExportSummary {
  pages: number;
  redirects: number;
  images: number;
  bytes: number;
  jobs: number;
  ms: number;
}

// The same minimal layout on both sides: a list page (title, date and summary of ten entries, newer/older
// links) for the home page, every category and every tag, and an entry page (title, date, whole text,
// previous/next in its category). Hugo writes its home feed, sitemap and 404 page; Quire its own. Neither
// has an archive: Quire's default theme would add one (every entry by year and month, with a page per
// month), so the layout replaces it with an empty template.

const QUIRE_INDEX = `<!doctype html>
<html><head><meta charset="utf-8"><title>{{ category.name }} · {{ site.title }}</title></head>
<body><h1>{{ category.name }}</h1>
{% set page = view(recurse=true) %}
{% for entry in page.entries %}
<article><h2><a href="{{ entry.link }}">{{ entry.title }}</a></h2><time>{{ entry.date.format("YYYY-MM-DD") }}</time>
{{ entry.summary }}</article>
{% endfor %}
<nav>{% if page.newer %}<a href="{{ page.newer.link }}">Newer</a>{% endif %} {% if page.older %}<a href="{{ page.older.link }}">Older</a>{% endif %}</nav>
</body></html>
`;

const QUIRE_ENTRY = `<!doctype html>
<html><head><meta charset="utf-8"><title>{{ entry.title }} · {{ site.title }}</title></head>
<body><article><h1>{{ entry.title }}</h1><time>{{ entry.date.format("YYYY-MM-DD") }}</time>
{{ entry.body }}
{{ entry.more }}
</article>
<nav>{% if entry.previous %}<a href="{{ entry.previous.link }}">{{ entry.previous.title }}</a>{% endif %} {% if entry.next %}<a href="{{ entry.next.link }}">{{ entry.next.title }}</a>{% endif %}</nav>
</body></html>
`;

const QUIRE_NO_ARCHIVE = `{#- No archive, as in the Hugo layout: this empty page stands in for the default theme's. -#}
`;

const HUGO_LIST = `<!doctype html>
<html><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><h1>{{ .Title }}</h1>
{{ $pages := .RegularPagesRecursive }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ else if eq .Kind "term" }}{{ $pages = .Pages }}{{ end }}
{{ $pager := .Paginate $pages }}
{{ range $pager.Pages }}
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><time>{{ .Date.Format "2006-01-02" }}</time>
{{ .Summary }}</article>
{{ end }}
<nav>{{ if $pager.HasPrev }}<a href="{{ $pager.Prev.URL }}">Newer</a>{{ end }} {{ if $pager.HasNext }}<a href="{{ $pager.Next.URL }}">Older</a>{{ end }}</nav>
</body></html>
`;

const HUGO_SINGLE = `<!doctype html>
<html><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>
{{ .Content }}
</article>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }} {{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</body></html>
`;

/** Quire's side: the two templates in the site's templates/ folder (the rest comes from the default theme). */
function writeQuireLayout(site: string): void {
  writeFileSync(join(site, "templates", "index.html"), QUIRE_INDEX);
  writeFileSync(join(site, "templates", "entry.html"), QUIRE_ENTRY);
  writeFileSync(join(site, "templates", "archive.html"), QUIRE_NO_ARCHIVE);
  setSearchIndex(site, false);
}

/**
 * Hugo's layout has no search, so the compared build writes no static search index either
 * (`[export] search_index = false`, which also spares its cold index the search tables); each round also
 * times a cold build with the index, to show what it costs.
 */
function setSearchIndex(site: string, on: boolean): void {
  const toml = join(site, "quire.toml");
  const text = readFileSync(toml, "utf8").replace(/\n\[export\]\nsearch_index = \w+\n$/, "");
  writeFileSync(toml, `${text}\n[export]\nsearch_index = ${on}\n`);
}

/** Hugo's side: a project whose content folder is the generated site's, with the same two layouts. */
function writeHugoProject(dir: string, contentDir: string): void {
  mkdirSync(join(dir, "layouts", "_default"), { recursive: true });
  writeFileSync(join(dir, "layouts", "_default", "list.html"), HUGO_LIST);
  writeFileSync(join(dir, "layouts", "_default", "single.html"), HUGO_SINGLE);
  writeFileSync(
    join(dir, "hugo.toml"),
    [
      'baseURL = "http://127.0.0.1/"',
      'title = "Quire bench site"',
      `contentDir = ${JSON.stringify(contentDir)}`,
      "paginate = 10",
      "[taxonomies]",
      '  tag = "tags"',
      "[outputs]",
      '  home = ["HTML", "RSS"]',
      '  section = ["HTML"]',
      '  taxonomy = ["HTML"]',
      '  term = ["HTML"]',
      "[services.rss]",
      "  limit = 20",
      "[markup.highlight]",
      "  codeFences = true",
      "  guessSyntax = false",
      "[markup.goldmark.renderer]",
      "  unsafe = true",
      "",
    ].join("\n"),
  );
}

/** `hugo v0.111.3`, or null when Hugo is not installed. */
function hugoVersion(): string | null {
  const result = spawnSync("hugo", ["version"], { encoding: "utf8", timeout: 10_000 });
  if (result.error || result.status !== 0) return null;
  return /(hugo v[\d.]+)/.exec(result.stdout)?.[1] ?? "hugo";
}

/** Files under `dir` whose names end with `suffix`. */
function countFiles(dir: string, suffix: string): number {
  let n = 0;
  for (const d of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (d.isFile() && d.name.endsWith(suffix)) n++;
  return n;
}
