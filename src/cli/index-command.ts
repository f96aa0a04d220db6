/** `quire index`, `quire check` and `quire fix`: build or refresh the index, report problems, stamp missing headers. */
import { loadSite, type LoadedSite } from "../config/site.js";
import { openIndex, refreshIndex, removeIndexFiles, isCorruption, type RefreshSummary } from "../db/index.js";
// Straight from the module, not the folder index: the indexer need not load the template side of search.
import { syncSearch } from "../search/search-index.js";
import { execFileSync } from "node:child_process";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { QuireError } from "../errors.js";
import { contentKind, isIgnoredName } from "../content/scanner.js";
import { parseCommand, SITE_OPTIONS } from "./args.js";
import type { Output } from "./output.js";

const INDEX_OPTIONS = { ...SITE_OPTIONS, "no-search": { type: "boolean", default: false } } as const;

/**
 * `quire index [--site DIR] [--data DIR] [--json] [--no-search]`: exits 0 once the index is written, even if
 * files were skipped. `--no-search` leaves the search tables to the server, which fills them after it starts.
 */
export function indexCommand(argv: string[], out: Output): number {
  const { values } = parseCommand(argv, INDEX_OPTIONS, "index");
  const site = loadSite({ site: values.site, dataDir: values.data });
  const summary = runIndex(site, {
    path: site.paths.indexPath,
    writeBack: false,
    search: !values["no-search"],
  });
  const problems = [...site.configErrors, ...site.configUnknown, ...summary.problems];
  if (values.json) {
    out.json({ ...summaryJson(summary, problems), index: site.paths.indexPath });
  } else {
    for (const p of problems) out.err(`warning: ${p.describe()}`);
    out.line(
      `indexed ${summary.entries} entries in ${summary.categories} categories (${summary.files} files; ${summary.added} added, ${summary.updated} changed, ${summary.removed} removed) with ${problems.length} problem${problems.length === 1 ? "" : "s"} in ${summary.ms} ms → ${site.paths.indexPath}`,
    );
  }
  return 0;
}

/** `quire check [--site DIR] [--json]`: reports every problem and exits 1 if there is any; writes nothing. */
export function checkCommand(argv: string[], out: Output): number {
  const { values } = parseCommand(argv, SITE_OPTIONS, "check");
  const site = loadSite({ site: values.site, dataDir: values.data });
  const summary = runIndex(site, { path: ":memory:", writeBack: false });
  const problems = [...site.configErrors, ...site.configUnknown, ...summary.problems];
  const warnings = infraWarnings(process.env);
  if (values.json) out.json({ ...summaryJson(summary, problems), warnings });
  else {
    for (const w of warnings) out.err(`warning: ${w}`);
    for (const p of problems) out.line(p.describe());
    out.line(
      problems.length === 0
        ? `no problems in ${summary.entries} entries (${summary.ms} ms)`
        : `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${summary.entries} entries`,
    );
  }
  return problems.length === 0 ? 0 : 1;
}

const FIX_OPTIONS = { ...SITE_OPTIONS, staged: { type: "boolean", default: false } } as const;

/** `quire fix [--site DIR] [--staged]`: stamps missing Entry-ID, UUID and Date into entry files and lists them. */
export function fixCommand(argv: string[], out: Output): number {
  const { values } = parseCommand(argv, FIX_OPTIONS, "fix");
  const site = loadSite({ site: values.site, dataDir: values.data });
  if (values.staged) return fixStaged(site, out, values.json);
  const summary = runIndex(site, { path: site.paths.indexPath, writeBack: true });
  if (values.json) out.json({ written: summary.written.map((f) => `content/${f}`) });
  else {
    for (const f of summary.written) out.line(`stamped content/${f}`);
    out.line(summary.written.length === 0 ? "nothing to fix" : `stamped ${summary.written.length} files`);
  }
  return 0;
}

/**
 * `quire fix --staged`, for a git pre-commit hook: stamps only the entry files staged for the commit and
 * stages them again. A file with unstaged changes as well is not touched (staging it again would commit
 * those changes too); if it lacks headers the hook fails, naming it, so the commit can be redone.
 */
function fixStaged(site: LoadedSite, out: Output, json: boolean): number {
  const git = (...args: string[]) => runGit(site.paths.root, args);
  const top = git("rev-parse", "--show-toplevel").trim();
  const inContent = (list: string): string[] =>
    list
      .split("\0")
      .filter(Boolean)
      .map((f) => relative(site.paths.contentDir, resolve(top, f)).split(sep).join("/"))
      .filter((rel) => !rel.startsWith("..") && !isAbsolute(rel) && isEntryFile(rel));
  const staged = inContent(git("diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z"));
  const unstaged = new Set(inContent(git("diff", "--name-only", "-z")));
  const whole = staged.filter((f) => !unstaged.has(f));
  const summary = runIndex(site, { path: site.paths.indexPath, writeBack: true, only: new Set(whole) });
  if (summary.written.length > 0) {
    git("add", "--", ...summary.written.map((f) => join(site.paths.contentDir, f)));
  }
  const { db } = openIndex({ path: site.paths.indexPath });
  let blocked: string[];
  try {
    const lacking = db.prepare(
      "SELECT 1 FROM entries WHERE file = ? AND status != 'DRAFT' AND (explicit_id IS NULL OR explicit_uuid IS NULL OR date_explicit = 0)",
    );
    blocked = staged.filter((f) => unstaged.has(f) && lacking.get(f) !== undefined);
  } finally {
    db.close();
  }
  if (json)
    out.json({
      written: summary.written.map((f) => `content/${f}`),
      blocked: blocked.map((f) => `content/${f}`),
    });
  else {
    for (const f of summary.written) out.line(`stamped and staged content/${f}`);
    for (const f of blocked) {
      out.err(
        `content/${f} needs Entry-ID, UUID or Date headers but has unstaged changes: stage the whole file (git add) and commit again`,
      );
    }
    if (summary.written.length === 0 && blocked.length === 0)
      out.line("nothing to fix in the staged entry files");
  }
  return blocked.length > 0 ? 1 : 0;
}

function runGit(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 << 20,
    });
  } catch (err) {
    const detail = String((err as { stderr?: string }).stderr ?? (err as Error).message)
      .trim()
      .split("\n")[0];
    throw new QuireError("E_CONFIG", `git ${args[0]} failed in ${cwd}: ${detail}`, { cause: err });
  }
}

function isEntryFile(rel: string): boolean {
  const names = rel.split("/");
  return contentKind(names[names.length - 1]!) === "entry" && !names.some((n) => isIgnoredName(n));
}

/** Things that are fine on a laptop but wrong in production; printed by `quire check`, never counted as problems. */
export function infraWarnings(env: NodeJS.ProcessEnv): string[] {
  const warnings: string[] = [];
  if (!env.QUIRE_SECRET?.trim()) {
    warnings.push(
      "QUIRE_SECRET is not set: image URLs are signed with a secret generated for this machine; in production set QUIRE_SECRET, the same on every instance",
    );
  }
  return warnings;
}

function runIndex(
  site: LoadedSite,
  options: { path: string; writeBack: boolean; only?: ReadonlySet<string>; search?: boolean },
): RefreshSummary & { searchMs?: number } {
  const run = (): RefreshSummary & { searchMs?: number } => {
    const { db } = openIndex({ path: options.path });
    try {
      const summary = refreshIndex({
        db,
        contentDir: site.paths.contentDir,
        timeZone: site.config.site.timezone,
        writeBack: options.writeBack,
        ...(options.only ? { writeBackOnly: options.only } : {}),
      });
      // A checked index is thrown away; one written to disk ships with its search tables filled.
      if (options.path === ":memory:" || options.search === false) return summary;
      const search = syncSearch(db, site.paths.contentDir, site.config.site.timezone);
      return { ...summary, searchMs: search.ms, ms: summary.ms + search.ms };
    } finally {
      db.close();
    }
  };
  try {
    return run();
  } catch (err) {
    // Damage deep inside the file shows only when a page is read: the index is a cache, so start it over.
    if (!isCorruption(err) || options.path === ":memory:") throw err;
    removeIndexFiles(options.path);
    return run();
  }
}

function summaryJson(summary: RefreshSummary & { searchMs?: number }, problems: QuireError[]) {
  return {
    entries: summary.entries,
    categories: summary.categories,
    files: summary.files,
    added: summary.added,
    updated: summary.updated,
    removed: summary.removed,
    generation: summary.generation,
    ms: summary.ms,
    ...(summary.searchMs === undefined ? {} : { searchMs: summary.searchMs }),
    problems: problems.map((p) => p.toJSON()),
  };
}
