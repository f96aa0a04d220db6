/** What an export starts from, read from the index: the seed URLs (categories, entries, tags, top-level
 *  templates, mounts), the redirects the server would answer, and the scheduled entries left out. */
import { existsSync, readdirSync } from "node:fs";
import { ANONYMOUS_ACCESS, mayRead } from "../auth/access-rule.js";
import { extname } from "node:path";
import type { Site } from "../site.js";
import { routeRequest } from "../http/route.js";
import { categoryPath, entryPath } from "../template/urls.js";
import type { Redirect } from "./host-files.js";
import type { PageJob } from "./page-renderer.js";
import { mapViewUrl } from "./url-map.js";
import { formatDate } from "../content/dates.js";

/** An entry whose date has not come: not exported, and named in the summary. */
export interface ScheduledEntry {
  file: string;
  date: number;
  /** The date as written back, in the site's time zone. */
  when: string;
}

export interface ExportPlan {
  /** Pages to render first; the crawl adds every same-site page they link to. */
  seeds: PageJob[];
  /** Redirects of Path-Alias paths. */
  redirects: Redirect[];
  /** The entries exported, for `shortLinkRedirects`. */
  entries: PlannedEntry[];
  scheduled: ScheduledEntry[];
  /** Entries left out because their `Auth:` refuses a signed-out reader (a static host cannot check who reads). */
  privateEntries: number;
}

/** An entry the export publishes. */
export interface PlannedEntry {
  id: number;
  slug: string;
  category: string;
  pathCanonical: string | null;
  date: number;
}

// Templates that are not pages of their own at the top of the site.
const NOT_PAGES = new Set(["index", "entry", "error"]);

/** Reads the plan of an export from a site whose index is up to date. */
export function exportPlan(site: Site): ExportPlan {
  const ctx = site.routeContext(ANONYMOUS_ACCESS);
  const db = site.index.db;
  const seeds: PageJob[] = [];
  const page = (url: string, at?: number) => {
    const q = url.indexOf("?");
    const key =
      q < 0 ? url : (mapViewUrl(url.slice(0, q), new URLSearchParams(url.slice(q + 1)))?.path ?? url);
    seeds.push(at === undefined ? { key, url } : { key, url, at });
  };
  const aliasRedirects: Redirect[] = [];

  const categories = site.index.categories();
  for (const name of topLevelPages(site)) page(`/${name}`);

  const rows = db
    .prepare(
      "SELECT id, slug, category, path_canonical AS pathCanonical, status, date, auth FROM entries ORDER BY date, id",
    )
    .all() as (PlannedEntry & { status: string; auth: string | null })[];
  const entries: PlannedEntry[] = [];
  let privateEntries = 0;
  for (const e of rows) {
    if (e.status === "DRAFT" || e.status === "ATTACHMENT" || (e.status === "SCHEDULED" && e.date > ctx.now))
      continue;
    if (!mayRead(ANONYMOUS_ACCESS, e.auth)) {
      privateEntries++;
      continue;
    }
    entries.push(e);
    page(entryPath(e), e.date);
  }

  const aliases = db.prepare("SELECT path, kind FROM aliases ORDER BY path").all() as {
    path: string;
    kind: string;
  }[];
  for (const a of aliases) {
    const route = routeRequest(ctx, a.path, "");
    if (route.kind === "redirect")
      aliasRedirects.push({ from: a.path, to: route.location, status: route.status });
    else if (route.kind === "entry") page(a.path, route.entry.date);
  }

  // First pages only: the crawl follows their links, and the paging expander queues the rest at once.
  for (const c of categories) page(categoryPath(c));
  for (const tag of site.index.tagCounts("", true, ctx.now)) page(`/?tag=${encodeURIComponent(tag.name)}`);

  const scheduled = (
    db
      .prepare("SELECT file, date FROM entries WHERE status = 'SCHEDULED' AND date > ? ORDER BY date, file")
      .all(ctx.now) as { file: string; date: number }[]
  ).map((e) => ({ ...e, when: formatDate(e.date, site.config.site.timezone) }));
  return { seeds, redirects: aliasRedirects, entries, scheduled, privateEntries };
}

/**
 * The `/<id>` short link of each exported entry, as the server answers it. Not needed to render anything, so
 * a build works these out while pages render.
 */
export function shortLinkRedirects(site: Site, entries: readonly PlannedEntry[]): Redirect[] {
  const ctx = site.routeContext(ANONYMOUS_ACCESS);
  const redirects: Redirect[] = [];
  for (const e of entries) {
    const short = `/${e.id}`;
    if (short === entryPath(e)) continue;
    const route = routeRequest(ctx, short, "");
    if (route.kind === "redirect") redirects.push({ from: short, to: route.location, status: route.status });
  }
  return redirects;
}

/**
 * The routable templates at the top of the templates folders, by the URL readers use: HTML templates and
 * Atom feeds without their extension (`/archive`, `/feed`), other files with it (`/sitemap.xml`, `/robots.txt`).
 */
export function topLevelPages(site: Site): string[] {
  const names = new Set<string>();
  for (const root of site.engine.loader.roots) {
    if (!existsSync(root)) continue;
    for (const d of readdirSync(root, { withFileTypes: true })) {
      if (!d.isFile() || d.name.startsWith("_") || d.name.startsWith(".")) continue;
      const base = d.name.slice(0, d.name.length - extname(d.name).length);
      if (NOT_PAGES.has(base) || /^\d+$/.test(base)) continue;
      const found = site.findTemplate(base, "");
      if (!found) continue;
      const plain =
        found.mimeType.startsWith("text/html") || found.mimeType.startsWith("application/atom+xml");
      names.add(plain ? base : d.name);
    }
  }
  return [...names].sort();
}
