/** `quire index`, `quire check` and `quire fix`: build or refresh the index, report problems, stamp missing headers. */
import { privateEntryWarnings, type ProtectedEntry } from "../auth/site-check.js";
import { loadSite, type LoadedSite } from "../config/site.js";
import {
  openIndex,
  refreshIndex,
  removeIndexFiles,
  isCorruption,
  type Db,
  type RefreshSummary,
} from "../db/index.js";
// Straight from the module, not the folder index: the indexer need not load the template side of search.
import { syncSearch } from "../search/search-index.js";
import { refreshWithSearch } from "../search/search-build.js";
import { execFileSync } from "node:child_process";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { QuireError } from "../errors.js";
import { contentKind, isIgnoredName } from "../content/scanner.js";
import { resolveBaseUrl } from "../config/base-url.js";
import { SETTLE_DUPLICATES, duplicateOf } from "../content/entry-id.js";
import { parseCommand, SITE_OPTIONS } from "./args.js";
import { plural, type Output } from "./output.js";
import { imageArgWarnings } from "../image/arg-warnings.js";
import { siteReferenceProblems } from "../references/site-references.js";

const INDEX_OPTIONS = { ...SITE_OPTIONS, "no-search": { type: "boolean", default: false } } as const;

/**
 * `quire index [--site DIR] [--data DIR] [--json] [--no-search]`: exits 0 once the index is written, even if
 * files were skipped. `--no-search` leaves the search tables to the server, which fills them after it starts.
 */
export async function indexCommand(argv: string[], out: Output): Promise<number> {
  const { values } = parseCommand(argv, INDEX_OPTIONS, "index");
  const site = loadSite({ site: values.site, dataDir: values.data });
  const summary = await indexWithSearch(site, site.paths.indexPath, !values["no-search"]);
  const problems = [...site.configErrors, ...site.configUnknown, ...summary.problems];
  const duplicates = unsettledDuplicates(summary.problems);
  if (values.json) {
    out.json({ ...summaryJson(summary, problems), index: site.paths.indexPath });
  } else {
    for (const p of problems) out.err(`warning: ${p.describe()}`);
    out.line(
      `indexed ${plural(summary.entries, "entry", "entries")} in ${plural(summary.categories, "category", "categories")} (${plural(summary.files, "file")}; ${summary.added} added, ${summary.updated} changed, ${summary.removed} removed) with ${plural(problems.length, "problem")} in ${summary.ms} ms → ${site.paths.indexPath}`,
    );
  }
  for (const line of duplicates) out.err(`error: ${line}`);
  return duplicates.length > 0 ? 1 : 0;
}

/**
 * One sentence per pair of entries sharing an Entry-ID or UUID, naming both files and the command that
 * settles it. A deploy stops on them: without the author's decision written into the copy, the permalink
 * could move to the other file on a later deploy.
 */
export function unsettledDuplicates(problems: readonly QuireError[]): string[] {
  const lines = new Set<string>();
  for (const p of problems) {
    if (p.code !== "E_ENTRY_DUPLICATE_ID" && p.code !== "E_ENTRY_DUPLICATE_UUID") continue;
    const d = duplicateOf(p.message);
    if (!d || !p.file) continue;
    lines.add(
      `${p.file} and ${d.original} both have ${d.field} ${d.value}; run \`${SETTLE_DUPLICATES}\` to give the copy (${p.file}) a fresh one, then commit it`,
    );
  }
  return [...lines];
}

/** `quire check [--site DIR] [--json]`: reports every problem (content, config, templates) and exits 1 if there is any; writes nothing. */
export async function checkCommand(argv: string[], out: Output): Promise<number> {
  const { values } = parseCommand(argv, SITE_OPTIONS, "check");
  const site = loadSite({ site: values.site, dataDir: values.data });
  let protectedEntries: ProtectedEntry[] = [];
  let references: QuireError[] = [];
  const summary = runIndex(site, {
    path: ":memory:",
    writeBack: false,
    inspect: (db) => {
      protectedEntries = db
        .prepare("SELECT file, auth FROM entries WHERE auth IS NOT NULL ORDER BY file")
        .all() as ProtectedEntry[];
      references = siteReferenceProblems(site, db);
    },
  });
  // Loaded here so that `quire index` and `quire fix` do not load the template engine.
  const { checkSiteTemplates } = await import("../template/check.js");
  const templates = await checkSiteTemplates(site.paths, site.config);
  const problems = [...site.configErrors, ...site.configUnknown, ...summary.problems, ...templates];
  // Unknown image arguments are ignored when rendering, as Publ ignores them: warned of, not failed on.
  const warnings = [
    ...infraWarnings(process.env, site),
    ...imageArgWarnings(site.paths.contentDir).map((w) => w.describe()),
    ...references.map((w) => w.describe()),
    ...privateEntryWarnings(
      protectedEntries,
      {
        root: site.paths.root,
        usersFile: site.config.auth.users_file,
        adminGroup: site.config.auth.admin_group,
        // As a production server would resolve it (environment, quire.toml, Heroku's metadata).
        baseUrl: resolveBaseUrl(site.config.site.base_url, process.env, false).url,
        signIn: site.config.auth.sign_in,
      },
      process.env,
    ),
  ];
  if (values.json) out.json({ ...summaryJson(summary, problems), warnings });
  else {
    for (const w of warnings) out.err(`warning: ${w}`);
    for (const p of problems) out.line(p.describe());
    out.line(
      problems.length === 0
        ? `no problems in ${plural(summary.entries, "entry", "entries")} (${summary.ms} ms)`
        : `${plural(problems.length, "problem")} in ${plural(summary.entries, "entry", "entries")}`,
    );
  }
  return problems.length === 0 ? 0 : 1;
}

/** The flags `quire fix` takes (described in usage.ts). */
export const FIX_OPTIONS = { ...SITE_OPTIONS, staged: { type: "boolean", default: false } } as const;

/** `quire fix [--site DIR] [--staged]`: stamps missing Entry-ID, UUID and Date into entry files and lists them. */
export function fixCommand(argv: string[], out: Output): number {
  const { values } = parseCommand(argv, FIX_OPTIONS, "fix");
  const site = loadSite({ site: values.site, dataDir: values.data });
  if (values.staged) return fixStaged(site, out, values.json);
  const summary = runIndex(site, { path: site.paths.indexPath, writeBack: true });
  if (values.json) out.json({ written: summary.written.map((f) => `content/${f}`) });
  else {
    for (const f of summary.written) out.line(`stamped content/${f}`);
    out.line(
      summary.written.length === 0 ? "nothing to fix" : `stamped ${plural(summary.written.length, "file")}`,
    );
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

/**
 * Things that are fine on a laptop but wrong in production; printed by `quire check`, never counted as
 * problems. (QUIRE_SECRET is the server's business: `quire serve` says so when it matters.)
 */
export function infraWarnings(env: NodeJS.ProcessEnv, site: LoadedSite): string[] {
  const warnings: string[] = [];
  const base = resolveBaseUrl(site.config.site.base_url, env, false);
  if (base.warning) warnings.push(base.warning);
  return warnings;
}

function runIndex(
  site: LoadedSite,
  options: {
    path: string;
    writeBack: boolean;
    only?: ReadonlySet<string>;
    search?: boolean;
    inspect?: (db: Db) => void;
  },
): RefreshSummary & { searchMs?: number } {
  const run = (): RefreshSummary & { searchMs?: number } => {
    const { db } = openIndex({ path: options.path });
    try {
      const summary = refreshIndex({
        db,
        contentDir: site.paths.contentDir,
        timeZone: site.config.site.timezone,
        slugStyle: site.config.content.slug_style,
        writeBack: options.writeBack,
        ...(options.only ? { writeBackOnly: options.only } : {}),
      });
      options.inspect?.(db);
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

/**
 * `quire index`'s run: like `runIndex`, but a first index of a large site fills its search tables on a second
 * thread while this one builds the rest (see search-build.ts). `searchMs` is what search added after the refresh.
 */
async function indexWithSearch(
  site: LoadedSite,
  path: string,
  search: boolean,
): Promise<RefreshSummary & { searchMs?: number }> {
  const contentDir = site.paths.contentDir;
  const timeZone = site.config.site.timezone;
  const attempt = async (): Promise<RefreshSummary & { searchMs?: number }> => {
    const { db } = openIndex({ path });
    try {
      const options = {
        db,
        contentDir,
        timeZone,
        slugStyle: site.config.content.slug_style,
        writeBack: false,
      };
      if (!search) return refreshIndex(options);
      const summary = await refreshWithSearch(path, options);
      return { ...summary, ms: summary.ms + summary.searchMs };
    } finally {
      db.close();
    }
  };
  try {
    return await attempt();
  } catch (err) {
    // Damage deep inside the file shows only when a page is read: the index is a cache, so start it over.
    if (!isCorruption(err)) throw err;
    removeIndexFiles(path);
    return attempt();
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
