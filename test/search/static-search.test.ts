/** The static export's search: `quire build` writes a sharded, compressed index and the default theme's
 *  /search page answers from it in a real browser (Chromium) with the entries the server finds, for a fixed
 *  set of queries; drafts, private and not-yet-scheduled entries are in neither. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { buildSite } from "../../src/export/index.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { launchChromium, skipWithoutChromium } from "../helpers/browser.js";
import { startStaticHost, type StaticHost } from "../export/static-host.js";

const NOW = Date.parse("2025-06-01T12:00:00Z");
const ENV = { QUIRE_SECRET: "static-search-secret" };

function entry(id: number, title: string, body: string, extra = ""): string {
  return `Title: ${title}\nDate: 2024-0${(id % 9) + 1}-1${id % 10} 10:00:00+00:00\nEntry-ID: ${id}\n${extra}\n${body}\n`;
}

const FILES: Record<string, string> = {
  "quire.toml": '[site]\ntitle = "Static search"\nbase_url = "https://example.test"\n',
  "content/birds/heron.md": entry(
    1,
    "Herons at dawn",
    "A grey heron stood in the reeds, fishing quietly.",
    "Tag: Birds\nTag: Rivers\n",
  ),
  "content/birds/egret.md": entry(
    2,
    "The little egret",
    "White egrets walk the river banks; a heron watched.",
    "Tag: Birds\n",
  ),
  "content/birds/kingfisher.md": entry(
    3,
    "Kingfisher",
    "A flash of blue over the river. Walking home in the rain.",
    "Tag: Birds\n",
  ),
  "content/kitchen/bread.md": entry(
    4,
    "Bread notes",
    "Sourdough bread, proofed overnight; the kitchen smelled of bread.",
    "Tag: Bread\n",
  ),
  "content/kitchen/cafe.md": entry(
    5,
    "Café mornings",
    "We were walking to the café. Crème brûlée for breakfast.",
    "Tag: Coffee\n",
  ),
  "content/kitchen/kettle.md": entry(
    6,
    "Kettle notes",
    "The kettle whistled while the heron waited by the window.",
    "",
  ),
  "content/travel/lisbon.md": entry(
    7,
    "Lisbon by tram",
    "Tram 28 through Alfama; grilled sardines by the river Tagus.",
    "Tag: Lisbon\n",
  ),
  "content/travel/kyoto.md": entry(
    8,
    "Kyoto gardens",
    "Moss gardens and a stone path; herons in the Kamo river.",
    "Tag: Kyoto\nTag: Gardens\n",
  ),
  "content/travel/oslo.md": entry(
    9,
    "Oslo in winter",
    "Snow on the fjord, walked the harbour at night.",
    "Tag: Winter\nHidden-Tag: secret\n",
  ),
  "content/travel/draft.md": entry(10, "Unfinished heron", "Heron draft words, zanzibar.", "Status: DRAFT\n"),
  "content/travel/private.md": entry(
    11,
    "Friends-only river",
    "Heron for friends, zanzibar.",
    "Auth: friends\n",
  ),
  "content/travel/later.md":
    "Title: Heron next year\nDate: 2026-01-01 10:00:00+00:00\nEntry-ID: 12\nStatus: SCHEDULED\n\nA future heron, zanzibar.\n",
  "content/travel/hidden.md": entry(13, "Hidden heron", "An unlisted heron, zanzibar.", "Status: HIDDEN\n"),
};

/** The fixed query set: every feature of the syntax, and words only drafts or private entries hold. */
const QUERIES = [
  "heron",
  "herons",
  "river heron",
  '"the river"',
  '"grey heron"',
  "walked",
  "cafe",
  "CRÈME",
  "kitchen OR fjord",
  "heron -kettle",
  "title:notes",
  "title:heron",
  "tag:birds",
  "tag:birds river",
  "river -tag:lisbon",
  "tag:secret",
  "-tag:secret snow",
  "gard*",
  "zanzibar",
  '"unbalanced',
  "NEAR(river",
  "*",
  "nothing-matches-this",
];

/** Queries that find nothing on either side: words only drafts, private, hidden or future entries hold, or none. */
const FIND_NOTHING = new Set([
  "tag:secret",
  "-tag:secret snow",
  "zanzibar",
  '"unbalanced',
  "NEAR(river",
  "*",
  "nothing-matches-this",
]);

const skip = skipWithoutChromium("static search");

describe.skipIf(skip)("search on a static export", () => {
  let root: string;
  let out: string;
  let server: TestServer;
  let host: StaticHost;
  let browser: Browser;
  // One tab for every query, as a reader searching again: each query is a new navigation (a fresh document, its
  // script run anew, nothing cached: the static host sends no caching headers). A new browser context per query
  // cost a renderer process each.
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    root = makeSite(FILES, "quire-static-search-");
    out = join(root, "public");
    const summary = await buildSite({
      site: root,
      out,
      dataDir: join(root, "data-build"),
      jobs: 1,
      now: NOW,
      env: ENV,
    });
    expect(summary.failures).toEqual([]);
    server = await serveSite(root, { now: () => NOW, env: ENV });
    host = await startStaticHost(out);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.stop();
    removeSite(root);
  });

  it("writes a compressed, sharded index without drafts, private or scheduled entries", () => {
    const meta = JSON.parse(readFileSync(join(out, "_search", "meta.json"), "utf8")) as {
      entries: number;
      terms: string[];
    };
    expect(meta.entries).toBe(9);
    expect(meta.terms.length).toBeGreaterThan(5);
    const shards = readdirSync(join(out, "_search", "t"));
    expect(shards.length).toBe(meta.terms.length);
    expect(readFileSync(join(out, "_search", "d", "0.json.gz")).subarray(0, 2)).toEqual(
      Buffer.from([0x1f, 0x8b]),
    );
    expect(existsSync(join(out, "_search", "tags.json.gz"))).toBe(true);
    expect(existsSync(join(out, "search.js"))).toBe(true);
  });

  it.each(QUERIES)("finds what the server finds for %s", async (q) => {
    const res = await server.get(`/search?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const fromServer = [
      ...html.matchAll(/<h2 class="entry-title" id="hit-\d+-title"><a href="([^"]*)">/g),
    ].map((m) => m[1]!);
    expect(fromServer.length > 0, `whether the server finds anything for ${q}`).toBe(!FIND_NOTHING.has(q));

    errors = [];
    await page.goto(`${host.url}/search?q=${encodeURIComponent(q)}`);
    await page.waitForSelector("[data-search-results][data-search-done]", { timeout: 20_000 });
    const fromStatic = await page.$$eval(".search-hit h2 a", (as) => as.map((a) => a.getAttribute("href")));
    expect(errors).toEqual([]);
    expect([...fromStatic].sort()).toEqual([...fromServer].sort());
    expect(await page.title()).toContain(`Search: ${q.trim()}`);
    for (const hidden of ["/travel/10-", "/travel/11-", "/travel/12-", "/travel/13-"])
      expect(fromStatic.some((h) => h?.startsWith(hidden))).toBe(false);
  });
});
