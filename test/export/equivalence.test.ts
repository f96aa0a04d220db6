/** The export is the server, frozen: every exported page, served by a plain static host, has the body the
 *  dynamic server sends for the same URL (after the documented link rewrite); redirects land in the same
 *  place; images and content files are the same bytes. The sample site, plus a mounted page and a PDF. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, relative } from "node:path";
import { buildSite, type BuildSummary } from "../../src/export/index.js";
import { rewritePage } from "../../src/export/links.js";
import { gainsSlash } from "../../src/export/url-map.js";
import { PageRenderer } from "../../src/export/page-renderer.js";
import { Site } from "../../src/site.js";
import { createApp } from "../../src/http/app.js";
import { silentLogger } from "../../src/log.js";
import { makeSite, removeSite, writeFiles } from "../helpers/site-fixture.js";
import { startStaticHost, type StaticHost } from "./static-host.js";

const REPO = join(import.meta.dirname, "..", "..");
const NOW = Date.UTC(2026, 0, 1);
const ENV: NodeJS.ProcessEnv = { ...process.env, QUIRE_SECRET: "equivalence-test-secret" };
delete ENV.QUIRE_DATA_DIR;
// The address the pages link to; a site without one gets relative links (tested in test/cli/base-url.test.ts).
ENV.QUIRE_BASE_URL = "http://localhost:3000";

interface Manifest {
  baseUrl: string;
  pages: { url: string; path: string; files: string[] }[];
}

let root: string;
let out: string;
let summary: BuildSummary;
let manifest: Manifest;
let site: Site;
let renderer: PageRenderer;
let dynamic: Server;
let dynUrl: string;
let host: StaticHost;

beforeAll(async () => {
  root = makeSite({}, "quire-export-eq-");
  for (const dir of ["content", "templates", "static"])
    cpSync(join(REPO, dir), join(root, dir), { recursive: true });
  writeFiles(root, {
    "content/notes/field-map.md":
      "Title: A field map\nDate: 2025-02-02 10:00:00+00:00\nEntry-ID: 901\nPath-Mount: /map\nTag: Maps\n\nThe [map as a PDF](map.pdf).\n",
    "content/notes/map.pdf": "%PDF-1.4 not really a PDF\n",
    "static/hello.txt": "static file\n",
  });
  out = join(root, "public");
  summary = await buildSite({
    site: root,
    out,
    dataDir: join(root, "data-build"),
    jobs: 2,
    now: NOW,
    env: ENV,
  });
  manifest = JSON.parse(readFileSync(join(out, ".quire-build"), "utf8")) as Manifest;

  site = new Site({
    site: root,
    dataDir: join(root, "data-dynamic"),
    env: ENV,
    cache: false,
    watch: false,
    writeBack: false,
    inlineIndexer: true,
    logger: silentLogger(),
    now: () => NOW,
  });
  await site.start();
  renderer = new PageRenderer(site, join(root, "unused"));
  dynamic = createServer(createApp(site));
  await new Promise<void>((resolve) => dynamic.listen(0, "127.0.0.1", resolve));
  const address = dynamic.address();
  dynUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  host = await startStaticHost(out);
}, 120_000);

afterAll(async () => {
  await host?.close();
  await new Promise<void>((resolve) => (dynamic ? dynamic.close(() => resolve()) : resolve()));
  await site?.close();
  if (root) removeSite(root);
});

async function get(
  base: string,
  url: string,
): Promise<{ status: number; type: string; body: string; location: string | null }> {
  const res = await fetch(base + url, { redirect: "manual" });
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    body: await res.text(),
    location: res.headers.get("location"),
  };
}

/** The dynamic body with the documented rewrite applied, as the export writes it. */
function exported(body: string, type: string, page: { url: string; path: string; files: string[] }): string {
  return rewritePage(body, type, {
    pageUrl: page.url,
    baseUrl: site.baseUrl,
    isViewPath: (p) => renderer.isViewPath(p),
    resolveRelative: gainsSlash(page.path, page.files),
  }).body;
}

describe("quire build ≡ quire serve", () => {
  it("exports the site without failures", () => {
    expect(summary.failures).toEqual([]);
    expect(summary.pages).toBe(manifest.pages.length);
    expect(summary.pages).toBeGreaterThan(40);
  });

  it("serves every exported page with the server's body for the same URL", async () => {
    for (const page of manifest.pages) {
      const dyn = await get(dynUrl, page.url);
      const stat = await get(host.url, page.path);
      expect(dyn.status, page.url).toBe(200);
      expect(stat.status, page.path).toBe(200);
      expect(stat.body, `${page.url} → ${page.path}`).toBe(exported(dyn.body, dyn.type, page));
      expect(stat.type.split(";")[0], page.path).toBe(dyn.type.split(";")[0]);
    }
  });

  it("exports every URL of the sitemap and the paging, date, tag and feed pages the theme links to", async () => {
    const byUrl = new Map(manifest.pages.map((p) => [p.url, p]));
    const sitemap = (await get(host.url, "/sitemap.xml")).body;
    const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname);
    expect(locs.length).toBeGreaterThan(10);
    for (const path of locs) expect((await get(host.url, path)).status, path).toBe(200);

    const home = (await get(dynUrl, "/")).body;
    const archive = (await get(dynUrl, "/archive")).body;
    const wanted = [
      ...[...home.matchAll(/href="(\/\?id=\d+)"/g)].map((m) => m[1]!),
      ...[...home.matchAll(/href="(\/[a-z/]*\?tag=[^"]+)"/g)]
        .slice(0, 3)
        .map((m) => m[1]!.replace(/&amp;/g, "&")),
      ...[...archive.matchAll(/href="(\/[a-z/]*\?date=[\d-]+)"/g)].map((m) => m[1]!),
      "/feed",
      "/blog/feed",
      "/robots.txt",
      "/map",
    ];
    expect(wanted.some((u) => u.includes("?id="))).toBe(true);
    expect(wanted.some((u) => u.includes("?tag="))).toBe(true);
    expect(wanted.some((u) => u.includes("?date="))).toBe(true);
    for (const url of wanted) expect(byUrl.has(decodeURI(url)) || byUrl.has(url), url).toBe(true);
    expect((await get(host.url, "/feed")).type).toBe("application/atom+xml; charset=utf-8");
  });

  it("answers unknown URLs with the server's 404 page", async () => {
    for (const url of ["/no-such-page", "/blog/no-such-entry"]) {
      const dyn = await get(dynUrl, url);
      const stat = await get(host.url, url);
      expect(dyn.status).toBe(404);
      expect(stat.status).toBe(404);
      expect(stat.body, url).toBe(
        exported(dyn.body, dyn.type, { url: "/404.html", path: "/404.html", files: [] }),
      );
    }
  });

  it("redirects where the server redirects, with _redirects and with redirect pages", async () => {
    const lines = readFileSync(join(out, "_redirects"), "utf8")
      .split("\n")
      .filter((l) => l.startsWith("/"));
    expect(lines.length).toBeGreaterThan(5);
    const plain = await startStaticHost(out, { redirects: false });
    try {
      for (const line of lines) {
        const [from, to] = line.split(" ") as [string, string];
        const dyn = await get(dynUrl, from);
        expect(dyn.status, from).toBe(301);
        expect(dyn.location, from).toBe(to);
        const stat = await get(host.url, from);
        expect([stat.status, stat.location], from).toEqual([301, to]);
        const page = await get(plain.url, from);
        expect(page.body, from).toContain(`<meta http-equiv="refresh" content="0; url=${to}">`);
      }
    } finally {
      await plain.close();
    }
    expect(lines).toContain("/welcome /blog/102-Welcome-to-Quire 301");
  });

  it("writes every rendition and content file a page refers to, byte for byte", async () => {
    const photos = (await get(dynUrl, "/photos/")).body;
    const signed = [
      ...new Set([...photos.matchAll(/\/_img\/[^"\s]+/g)].map((m) => m[0].replace(/&amp;/g, "&"))),
    ];
    expect(signed.length).toBeGreaterThan(0);
    for (const url of signed) {
      const dyn = await fetch(dynUrl + url);
      const stat = await fetch(host.url + url.split("?")[0]!);
      expect(stat.status, url).toBe(200);
      expect(Buffer.from(await stat.arrayBuffer()).equals(Buffer.from(await dyn.arrayBuffer())), url).toBe(
        true,
      );
    }
    const pdf = await fetch(`${host.url}/_file/notes/map.pdf`);
    expect(await pdf.text()).toBe("%PDF-1.4 not really a PDF\n");
    expect(await (await fetch(`${host.url}/static/hello.txt`)).text()).toBe("static file\n");
  });

  it("leaves out the scheduled entry and says when to rebuild", () => {
    expect(summary.scheduled.map((s) => s.file)).toEqual(["blog/coming-in-2030.md"]);
    expect(summary.scheduled[0]!.when).toMatch(/^2030-01-01 /);
    expect(existsSync(join(out, "blog", "109-a-post-from-the-future"))).toBe(false);
    expect(manifest.pages.some((p) => p.url.startsWith("/blog/109"))).toBe(false);
  });
});

describe("quire build, run again", () => {
  it("writes the same files with the same bytes, manifest and _redirects included", async () => {
    const again = join(root, "public-again");
    await buildSite({
      site: root,
      out: again,
      dataDir: join(root, "data-again"),
      jobs: 2,
      now: NOW,
      env: ENV,
    });
    const files = (dir: string): Map<string, string> => {
      const found = new Map<string, string>();
      for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const path = join(entry.parentPath, entry.name);
        found.set(relative(dir, path), readFileSync(path).toString("base64"));
      }
      return found;
    };
    const first = files(out);
    const second = files(again);
    expect(first.size).toBeGreaterThan(50);
    // Pages are listed by URL, not in the order the threads happened to finish them.
    const urls = manifest.pages.map((p) => p.url);
    expect(urls).toEqual([...urls].sort());
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [path, bytes] of first) expect(second.get(path), path).toBe(bytes);
  }, 120_000);
});
