/** `quire build`: exports a site to plain files any static host serves — pages rendered by the server's own
 *  renderer on every core, renditions, content files, static files, redirects and host configuration. */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Site, QUIRE_VERSION } from "../site.js";
import { silentLogger } from "../log.js";
import { contentFileHeaders, SECURITY_HEADERS } from "../http/site-files.js";
import { exportPlan, type ScheduledEntry } from "./plan.js";
import { PageRenderer, type ErrorPage } from "./page-renderer.js";
import { inlinePool, spawnPool, type PendingPool, type RenderPool } from "./pool.js";
import { crawl } from "./crawl.js";
import { PagingExpander } from "./paging.js";
import { BuildResults, type BuildProblem } from "./results.js";
import { copyContentFiles, copyStatic } from "./assets.js";
import { isPrivateFile } from "../auth/file-access.js";
import { recordRedirectPages, redirectPages } from "./redirects.js";
import { headersFile, redirectsFile, type HeaderRule, type Redirect } from "./host-files.js";
import type { RenditionRef } from "./links.js";
import { checkOutDir, prepareOutDir, BUILD_MARKER } from "./out-dir.js";
import { silentProgress, type ProgressReporter } from "./progress.js";
import { byCodeUnits } from "../order.js";
import { routeRequest } from "../http/route.js";
import { ANONYMOUS_ACCESS } from "../auth/access-rule.js";
import { linkLine, linkSource } from "../references/check.js";
import { siteIcon } from "../http/site-icons.js";
import { siteRoots } from "../content/site-roots.js";

/** Icon files a static export gets at its root. */
const ICON_PATHS = ["/favicon.ico", "/apple-touch-icon.png"];

/** Below this many seed URLs, rendering on this thread beats starting threads. */
const SMALL_SITE = 300;

export interface BuildOptions {
  /** The site folder (default: the current directory). */
  site?: string;
  /** The output folder (default `<site>/dist`). */
  out?: string;
  /** Where the index and rendition cache live (default as for `quire serve`). */
  dataDir?: string;
  /** Rendering threads; 1 renders on this thread (default: one per core, or 1 for a small site). */
  jobs?: number;
  /** Overrides `site.base_url` (absolute URLs in feeds, the sitemap and canonical links). */
  baseUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** The build's clock (epoch ms): entries dated after it are left out. */
  now?: number;
  progress?: ProgressReporter;
}

export interface BuildSummary {
  outDir: string;
  pages: number;
  redirects: number;
  images: number;
  /** Static and content files copied. */
  files: number;
  bytes: number;
  ms: number;
  jobs: number;
  baseUrl: string;
  failures: BuildProblem[];
  warnings: BuildProblem[];
  scheduled: ScheduledEntry[];
  /** Entries not exported because their `Auth:` refuses a signed-out reader. */
  privateEntries: number;
  /** `source` is the entry file (and line) the link is written in, when the page is an entry's. */
  brokenLinks: { url: string; from: string; source?: string }[];
}

/** Builds the export; never throws for a bad page (see `failures`), only for an unusable site or output folder. */
export async function buildSite(options: BuildOptions = {}): Promise<BuildSummary> {
  const started = performance.now();
  const env = {
    ...(options.env ?? process.env),
    ...(options.baseUrl ? { QUIRE_BASE_URL: options.baseUrl } : {}),
  };
  const now = options.now ?? Date.now();
  const progress = options.progress ?? silentProgress;
  const site = new Site({
    site: options.site,
    dataDir: options.dataDir,
    env,
    cache: false,
    watch: false,
    writeBack: false,
    inlineIndexer: true,
    exporting: true,
    logger: silentLogger(),
    now: () => now,
  });
  let pending: PendingPool | null = null;
  try {
    const outDir = checkOutDir(options.out ?? join(site.paths.root, "dist"), site.paths);
    const results = new BuildResults();
    for (const p of [...site.loaded.configErrors, ...site.loaded.configUnknown]) {
      results.warnings.push({ file: p.file ?? "quire.toml", message: `${p.message} (${p.code})` });
    }
    progress.update("index", 0, 1);
    const jobs = Math.max(1, Math.floor(options.jobs ?? availableParallelism()));
    // The threads load their code while this one indexes.
    pending = jobs > 1 ? spawnPool(jobs) : null;
    const indexed = await site.start();
    for (const p of indexed.problems)
      results.failures.push({ file: p.file ?? null, message: `${p.message} (${p.code})` });
    prepareOutDir(outDir);

    const setup = { site: site.paths.root, dataDir: site.paths.dataDir, outDir, now, env: { ...env } };
    // Each entry that is not a draft is (nearly always) a page: a site with enough of them has its threads
    // open the index while this one reads the plan. Smaller sites decide once the plan counts their pages.
    const entries = (
      site.index.db.prepare("SELECT count(*) AS n FROM entries WHERE status != 'DRAFT'").get() as {
        n: number;
      }
    ).n;
    const early =
      pending && (options.jobs !== undefined || entries >= SMALL_SITE) ? pending.start(setup) : null;
    // Settled at once, so a plan that throws leaves no rejection unheard; awaited below.
    early?.catch(() => undefined);
    const plan = exportPlan(site);
    const renderer = new PageRenderer(site, outDir);
    let pool: RenderPool;
    if (early) pool = await early;
    else if (pending && plan.seeds.length >= SMALL_SITE) {
      pool = await pending.start(setup);
    } else {
      await pending?.cancel();
      pool = inlinePool(renderer);
    }
    const paging = new PagingExpander(
      site,
      (url) => renderer.keyOf(url),
      (path) => renderer.isViewPath(path),
    );
    let referrers = new Map<string, string>();
    let lastFiles: { redirects: string; headers: string; manifest: string };
    let redirectCount = 0;
    let released = false;
    // Renditions are made as the pages that show them come in, beside the pages still rendering, rather
    // than all after the last page.
    const images = new ImageQueue(pool, results, progress);
    try {
      const crawling = crawl({
        pool,
        seeds: plan.seeds,
        onResult: (r) => {
          results.addPage(r);
          if (r.kind !== "page") return [];
          images.update();
          return paging.onPage(r);
        },
        onProgress: (done, known) => progress.update("pages", done, known),
      });
      // Heard at once, should what is awaited below fail first.
      crawling.catch(() => undefined);
      // Needed only at the end, so made by the rendering threads beside the pages: the short links, and the
      // error pages (written once the crawl has settled which files pages took).
      const shortLinking = pool.shortLinks(plan.entries);
      shortLinking.catch(() => undefined);
      const erring = pool.errorPages();
      erring.catch(() => undefined);
      // The static search index is a few seconds of work of its own: done beside the pages, not after them.
      const searching = site.config.export.search_index
        ? pool.staticSearch(now)
        : Promise.resolve([{ entries: 0, terms: 0, files: 0, bytes: 0 }]);
      searching.catch(() => undefined);
      const shortLinks = await shortLinking;
      const errorPages = await erring;
      const crawled = await crawling;
      referrers = crawled.referrers;
      if (crawled.truncated)
        results.warnings.push({ file: null, message: "stopped following links after 1,000,000 URLs" });
      writeErrorPages(errorPages, renderer, results);
      await images.finish();

      progress.update("files", 0, 1);
      const copied = [
        copyStatic(site.paths.staticDir, outDir),
        copyContentFiles(site.paths.contentDir, results.assets, outDir, (rel) =>
          isPrivateFile(site.index.assetRules(rel)),
        ),
      ];
      for (const c of copied) {
        results.copied += c.files;
        results.bytes += c.bytes;
        results.warnings.push(...c.problems);
      }
      // Browsers ask a static host for these at its root too: the site's own, else the theme's icon.
      for (const path of ICON_PATHS) {
        if (existsSync(join(outDir, path))) continue; // a page of the site's own at that path
        const icon = await siteIcon(siteRoots(site.paths.contentDir), path);
        if (!icon) continue;
        const data = "file" in icon ? readFileSync(icon.file) : icon.body;
        renderer.write(path.slice(1), data);
        results.copied += 1;
        results.bytes += data.length;
      }
      const searchIndex = (await searching)[0]!;
      results.copied += searchIndex.files;
      results.bytes += searchIndex.bytes;
      // Those the crawl found come in the order the threads finished; sorted, `_redirects` is the same every run.
      const found = [...results.redirects].sort((a, b) => byCodeUnits(a.from, b.from));
      const redirects = redirectPages([...plan.redirects, ...shortLinks, ...found], results);
      // Thousands of small files (a `/<id>` page per entry): written by the rendering threads, side by side,
      // while this one makes the host files and the manifest, which need only what the crawl found.
      const writing = pool.redirectPages(redirects.pages);
      writing.catch(() => undefined);
      lastFiles = {
        redirects: redirectsFile(redirects.listed),
        headers: headersFile(headerRules(results)),
        manifest: manifest(site.baseUrl, results, redirects.listed, now),
      };
      const failed = await writing;
      redirectCount = recordRedirectPages(
        redirects.pages,
        new Map(failed.map((f) => [f.file, f.message])),
        results,
      );
      // Nothing is left for the threads: they stop while this one writes the last few files, and no one waits.
      pool.release();
      released = true;
    } finally {
      if (!released) await pool.close();
    }
    renderer.write("_redirects", lastFiles.redirects);
    renderer.write("_headers", lastFiles.headers);
    progress.finish();

    const brokenLinks = results.missing
      .filter((m) => m.status === 404 && referrers.has(m.key))
      .map((m, i) => {
        const from = referrers.get(m.key)!;
        // Only the links the report lists are traced to their file (each may read every entry file).
        return {
          url: m.url,
          from,
          source: i < BROKEN_LINKS_TRACED ? sourceOf(site, from, m.url) : undefined,
        };
      });
    const summary: BuildSummary = {
      outDir,
      pages: results.pages.length,
      redirects: redirectCount,
      images: results.images,
      files: results.copied,
      bytes: results.bytes,
      ms: Math.round(performance.now() - started),
      jobs: pool.size,
      baseUrl: site.baseUrl,
      failures: results.failures,
      warnings: results.warnings,
      scheduled: plan.scheduled,
      privateEntries: plan.privateEntries,
      brokenLinks,
    };
    writeFileSync(join(outDir, BUILD_MARKER), lastFiles.manifest);
    return summary;
  } finally {
    // Threads that never started rendering (an error before they could, or a small site) stop here.
    await pending?.cancel();
    await site.close();
  }
}

/** How many broken links the report names (the build command lists as many). */
const BROKEN_LINKS_TRACED = 20;

/**
 * The entry file (and line) a broken link is written in: the page's own entry, else the first entry file
 * that writes it (a listing shows entries' text); undefined when it comes from a template.
 */
function sourceOf(site: Site, page: string, url: string): string | undefined {
  const [path, search] = [page.split("?", 1)[0]!, page.includes("?") ? page.slice(page.indexOf("?")) : ""];
  const route = routeRequest(site.routeContext(ANONYMOUS_ACCESS), path, search);
  if (route.kind === "entry") return linkSource(site.paths.contentDir, route.entry.file, url, path);
  const files = site.index.db.prepare("SELECT file FROM entries ORDER BY file").pluck().all() as string[];
  for (const file of files) {
    const found = linkLine(site.paths.contentDir, file, url, path);
    if (found) return found;
  }
  return undefined;
}

/** Renditions handed to the pool in small batches as the build records them. */
class ImageQueue {
  private waiting: RenditionRef[] = [];
  private readonly running: Promise<void>[] = [];
  private done = 0;
  private reporting = false;
  private failure: unknown;

  constructor(
    private readonly pool: RenderPool,
    private readonly results: BuildResults,
    private readonly progress: ProgressReporter,
  ) {}

  /** Hands the renditions recorded since the last call to the pool at once. */
  update(): void {
    this.waiting.push(...this.results.takeNewRenditions());
    this.flush();
  }

  /** Sends what is left and waits for every rendition, reporting progress from here on. */
  async finish(): Promise<void> {
    this.waiting.push(...this.results.takeNewRenditions());
    this.flush();
    // While pages render, the bar shows pages; images have it once only they are left.
    this.reporting = true;
    this.progress.update("images", this.done, this.results.renditions.size);
    await Promise.all(this.running);
    if (this.failure !== undefined) throw this.failure;
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (let i = 0; i < waiting.length; i += IMAGE_BATCH) this.send(waiting.slice(i, i + IMAGE_BATCH));
  }

  private send(refs: RenditionRef[]): void {
    this.running.push(
      this.pool.images(refs).then(
        (images) => {
          for (const image of images) this.results.addImage(image);
          this.done += images.length;
          if (this.reporting) this.progress.update("images", this.done, this.results.renditions.size);
        },
        // Kept for `finish` to throw: a batch may fail while the crawl is still running, with no one awaiting it.
        (err: unknown) => {
          this.failure ??= err;
        },
      ),
    );
  }
}

/** Renditions per batch: a few, so that they spread over the threads. */
const IMAGE_BATCH = 4;

function writeErrorPages(pages: readonly ErrorPage[], renderer: PageRenderer, results: BuildResults): void {
  for (const page of pages) {
    if (results.files.has(page.file)) continue;
    for (const ref of page.renditions) results.addRendition(ref);
    renderer.write(page.file, page.body);
    results.files.set(page.file, page.url);
    results.bytes += Buffer.byteLength(page.body);
  }
}

/** The server's security headers, immutable renditions, a type for each extensionless file, content files' own. */
function headerRules(results: BuildResults): HeaderRule[] {
  const rules: HeaderRule[] = [
    { path: "/*", headers: SECURITY_HEADERS },
    { path: "/_img/*", headers: { "Cache-Control": "public, max-age=31536000, immutable" } },
  ];
  for (const [file, type] of [...results.untyped].sort())
    rules.push({ path: `/${file}`, headers: { "Content-Type": type } });
  // Files from content/ go out sandboxed, and scripts as text, as the server sends them.
  for (const encoded of [...results.assets].sort()) {
    const headers = contentFileHeaders(encoded);
    if (Object.keys(headers).length > 0) rules.push({ path: `/_file/${encoded}`, headers });
  }
  return rules;
}

/** The marker file: which URL each file came from, so tools (and the next build) can read the export. */
function manifest(baseUrl: string, results: BuildResults, redirects: Redirect[], now: number): string {
  return `${JSON.stringify(
    {
      quire: QUIRE_VERSION,
      builtAt: new Date(now).toISOString(),
      baseUrl,
      // In URL order: the threads finish pages in a different order on every run, the manifest should not.
      pages: [...results.pages].sort((a, b) => byCodeUnits(a.url, b.url)),
      redirects,
    },
    null,
    1,
  )}\n`;
}
