/** `quire build`: exports the site to plain files for a static host and prints what it did. */
import { relative } from "node:path";
import {
  buildSite,
  describeProblem,
  progressReporter,
  silentProgress,
  type BuildSummary,
} from "../export/index.js";
import { QuireError } from "../errors.js";
import { parseCommand, SITE_OPTIONS } from "./args.js";
import { NO_BASE_URL } from "../config/base-url.js";
import { plural, type Output } from "./output.js";

/** The flags `quire build` takes (described in usage.ts). */
export const BUILD_OPTIONS = {
  ...SITE_OPTIONS,
  out: { type: "string", short: "o" },
  jobs: { type: "string", short: "j" },
  "base-url": { type: "string" },
  quiet: { type: "boolean", short: "q", default: false },
} as const;

/** How many broken links are listed before "and N more". */
const LIST_LIMIT = 20;

/**
 * `quire build [--site DIR] [--out DIR] [--jobs N] [--base-url URL] [--json]`: exits 1 when any entry,
 * template or file failed (after writing everything else), 0 otherwise.
 */
export async function buildCommand(argv: string[], out: Output): Promise<number> {
  const { values } = parseCommand(argv, BUILD_OPTIONS, "build");
  if (values.help) {
    out.line(
      "usage: quire build [--site DIR] [--out DIR] [--jobs N] [--base-url URL] [--data DIR] [--json] [--quiet]\n\n" +
        "Writes every page, feed, image and file of the site to --out (default <site>/dist) for a static host.\n" +
        "See docs/static-export.md for the URL-to-file mapping and the host files (_redirects, _headers).",
    );
    return 0;
  }
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) {
      throw new QuireError("E_USAGE", `--jobs is "${values.jobs}"; expected a whole number from 1 to 64`);
    }
  }
  const quiet = values.quiet || values.json;
  const progress = quiet
    ? silentProgress
    : progressReporter({
        write: (text) => process.stderr.write(text),
        tty: Boolean(process.stderr.isTTY),
        columns: process.stderr.columns,
      });
  const summary = await buildSite({
    site: values.site,
    out: values.out,
    dataDir: values.data,
    jobs,
    baseUrl: values["base-url"],
    progress,
  });
  if (values.json) out.json(summary);
  else report(summary, out);
  return summary.failures.length > 0 ? 1 : 0;
}

function report(s: BuildSummary, out: Output): void {
  for (const w of s.warnings) out.err(`warning: ${describeProblem(w)}`);
  for (const link of s.brokenLinks.slice(0, LIST_LIMIT))
    out.err(
      link.source
        ? `warning: ${link.source}: broken link ${link.url} (on ${link.from})`
        : `warning: broken link ${link.url} on ${link.from}`,
    );
  if (s.brokenLinks.length > LIST_LIMIT)
    out.err(`warning: … and ${s.brokenLinks.length - LIST_LIMIT} more broken links`);
  for (const e of s.scheduled) {
    out.line(`left out: content/${e.file} is scheduled; rebuild after ${e.when} to publish it`);
  }
  if (s.privateEntries > 0) {
    const n = s.privateEntries;
    out.line(
      `left out: ${n} private entr${n === 1 ? "y" : "ies"} (Auth: header); a static host cannot tell who reads them`,
    );
  }
  for (const f of s.failures) out.err(`error: ${describeProblem(f)}`);
  if (s.baseUrl === "") out.err(`warning: ${NO_BASE_URL.replace("or QUIRE_BASE_URL", "or --base-url")}`);
  else if (/\/\/(localhost|127\.0\.0\.1)[:/]/.test(s.baseUrl)) {
    out.err(
      `warning: the base URL is ${s.baseUrl}; feeds and the sitemap need the public one (site.base_url or --base-url)`,
    );
  }
  const where = relative(process.cwd(), s.outDir) || ".";
  out.line(
    `built ${plural(s.pages, "page")}, ${plural(s.redirects, "redirect")}, ${plural(s.images, "image")} and ${plural(s.files, "file")} (${megabytes(s.bytes)}) ` +
      `in ${(s.ms / 1000).toFixed(1)} s on ${s.jobs} thread${s.jobs === 1 ? "" : "s"} → ${where}`,
  );
  if (s.failures.length > 0) {
    const n = s.failures.length;
    out.err(
      `${n} problem${n === 1 ? "" : "s"}: what ${n === 1 ? "it names is" : "they name is"} missing from the export; everything else was written`,
    );
  }
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
