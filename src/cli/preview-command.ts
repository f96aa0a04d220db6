/** `quire preview <file>`: prints a signed link that shows a draft or scheduled entry until a chosen time. */
import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { loadSite } from "../config/site.js";
import { infraFromEnv } from "../config/env.js";
import { openIndex, refreshIndex } from "../db/index.js";
import { ContentIndex } from "../db/content-index.js";
import { tryParseDate } from "../content/dates.js";
import { QuireError } from "../errors.js";
import { siteSecret } from "../image/site-images.js";
import { createLogger } from "../log.js";
import { PreviewLinks, PREVIEW_PARAM } from "../preview/preview-links.js";
import { entryPath } from "../template/urls.js";
import { parseCommand, SITE_OPTIONS } from "./args.js";
import type { Output } from "./output.js";

const OPTIONS = {
  ...SITE_OPTIONS,
  hours: { type: "string" },
  until: { type: "string" },
} as const;

const DEFAULT_HOURS = 7 * 24;

/** `quire preview content/blog/soon.md [--hours N | --until DATE]`: the link, valid 7 days unless told otherwise. */
export function previewCommand(argv: string[], out: Output): number {
  const { values, positionals } = parseCommand(argv, OPTIONS, "preview");
  if (values.help || positionals.length !== 1) {
    out.line("usage: quire preview <entry file> [--hours N | --until 2026-12-24] [--site DIR]");
    return values.help ? 0 : 2;
  }
  const site = loadSite({ site: values.site, dataDir: values.data });
  const expiresAt = expiry(values.hours, values.until, site.config.site.timezone);
  const file = contentRelative(site.paths.root, site.paths.contentDir, positionals[0]!);
  const { db } = openIndex({ path: site.paths.indexPath });
  try {
    refreshIndex({
      db,
      contentDir: site.paths.contentDir,
      timeZone: site.config.site.timezone,
      slugStyle: site.config.content.slug_style,
    });
    const entry = new ContentIndex(db).entryByFile(file);
    if (!entry)
      throw new QuireError("E_BAD_REQUEST", "is not an entry Quire indexed", { file: `content/${file}` });
    const infra = infraFromEnv(process.env);
    const secret = siteSecret(site.paths.dataDir, infra.secret, createLogger({ level: "error" }), false);
    const token = new PreviewLinks(secret).token(entry.file, expiresAt);
    const base = (infra.baseUrl ?? site.config.site.base_url).replace(/\/+$/, "");
    const link = `${base}${entryPath(entry)}?${PREVIEW_PARAM}=${token}`;
    if (values.json)
      out.json({ url: link, file: `content/${file}`, expires: new Date(expiresAt).toISOString() });
    else out.line(link);
    return 0;
  } finally {
    db.close();
  }
}

function expiry(hours: string | undefined, until: string | undefined, timeZone: string): number {
  if (hours !== undefined && until !== undefined)
    throw new QuireError("E_BAD_REQUEST", "give --hours or --until, not both", { field: "--until" });
  if (until !== undefined) {
    const at = tryParseDate(until, timeZone);
    if (at === null || at <= Date.now())
      throw new QuireError("E_BAD_REQUEST", `--until "${until}" is not a date in the future`, {
        field: "--until",
      });
    return at;
  }
  const h = hours === undefined ? DEFAULT_HOURS : Number(hours);
  if (!Number.isFinite(h) || h <= 0)
    throw new QuireError("E_BAD_REQUEST", `--hours "${hours}" is not a number of hours`, {
      field: "--hours",
    });
  return Date.now() + h * 3600_000;
}

/** `content/blog/a.md` (from the site or the current folder), `blog/a.md` or an absolute path → `blog/a.md`. */
function contentRelative(root: string, contentDir: string, given: string): string {
  for (const abs of [resolve(given), resolve(root, given), resolve(contentDir, given)]) {
    const rel = relative(contentDir, abs);
    if (rel && !rel.startsWith("..") && !isAbsolute(rel) && existsSync(abs)) return rel.split(sep).join("/");
  }
  throw new QuireError("E_BAD_REQUEST", `"${given}" is not a file under ${contentDir}`);
}
