/** `quire index`, `quire check` and `quire fix`: build or refresh the index, report problems, stamp missing headers. */
import { loadSite, type LoadedSite } from "../config/site.js";
import { openIndex, refreshIndex, type RefreshSummary } from "../db/index.js";
import type { QuireError } from "../errors.js";
import { parseCommand, SITE_OPTIONS } from "./args.js";
import type { Output } from "./output.js";

/** `quire index [--site DIR] [--data DIR] [--json]`: exits 0 once the index is written, even if files were skipped. */
export function indexCommand(argv: string[], out: Output): number {
  const { values } = parseCommand(argv, SITE_OPTIONS, "index");
  const site = loadSite({ site: values.site, dataDir: values.data });
  const summary = runIndex(site, { path: site.paths.indexPath, writeBack: false });
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

/** `quire fix [--site DIR]`: stamps missing Entry-ID, UUID and Date into entry files and lists them. */
export function fixCommand(argv: string[], out: Output): number {
  const { values } = parseCommand(argv, SITE_OPTIONS, "fix");
  const site = loadSite({ site: values.site, dataDir: values.data });
  const summary = runIndex(site, { path: site.paths.indexPath, writeBack: true });
  if (values.json) out.json({ written: summary.written.map((f) => `content/${f}`) });
  else {
    for (const f of summary.written) out.line(`stamped content/${f}`);
    out.line(summary.written.length === 0 ? "nothing to fix" : `stamped ${summary.written.length} files`);
  }
  return 0;
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

function runIndex(site: LoadedSite, options: { path: string; writeBack: boolean }): RefreshSummary {
  const { db } = openIndex({ path: options.path });
  try {
    return refreshIndex({
      db,
      contentDir: site.paths.contentDir,
      timeZone: site.config.site.timezone,
      writeBack: options.writeBack,
    });
  } finally {
    db.close();
  }
}

function summaryJson(summary: RefreshSummary, problems: QuireError[]) {
  return {
    entries: summary.entries,
    categories: summary.categories,
    files: summary.files,
    added: summary.added,
    updated: summary.updated,
    removed: summary.removed,
    generation: summary.generation,
    ms: summary.ms,
    problems: problems.map((p) => p.toJSON()),
  };
}
