/** Preview links on two server processes sharing memcached, as two dynos: a valid link opens a scheduled or
 *  draft entry on either process, an expired or tampered one does not, and the preview is never shared. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { skipWithoutMemcached, startMemcached, type MemcachedServer } from "../helpers/memcached.js";
import { startQuire, type RunningQuire } from "../helpers/server.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { entry, fetchPage, memcachedStats, waitFor } from "./support.js";
import { previewCommand } from "../../src/cli/preview-command.js";
import { PreviewLinks } from "../../src/preview/preview-links.js";
import type { Output } from "../../src/cli/output.js";

const skip = skipWithoutMemcached("preview links: two processes");

const SECRET = "shared-secret";
const files = {
  "quire.toml": '[site]\ntitle = "Previews"\nbase_url = "https://example.test"\n',
  "templates/entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}",
  "templates/index.html": "{% for e in view.entries %}<p>{{ e.title }}</p>{% endfor %}",
  "content/blog/one.md": entry(101, "One", "2024-01-10 10:00:00+00:00"),
  "content/blog/soon.md": entry(
    103,
    "Soon",
    "2099-01-01 10:00:00+00:00",
    "Not yet, but shared with a friend.",
  ),
  "content/blog/draft.md": `Title: Draft\nEntry-ID: 104\nDate: 2024-03-01\nStatus: DRAFT\n\nUnfinished.\n`,
};
const SOON = "/blog/103-Soon";

/** Runs `quire preview` in this process, as an author would at the shell, and returns the path it prints. */
function previewPath(root: string, file: string, ...flags: string[]): string {
  const lines: string[] = [];
  const out: Output = { line: (s) => lines.push(s), err: (s) => lines.push(s), json: () => undefined };
  const saved = { secret: process.env.QUIRE_SECRET, base: process.env.QUIRE_BASE_URL };
  process.env.QUIRE_SECRET = SECRET;
  process.env.QUIRE_BASE_URL = "https://example.test";
  try {
    expect(previewCommand(["--site", root, "--data", `${root}/.quire-cli`, file, ...flags], out)).toBe(0);
  } finally {
    if (saved.secret === undefined) delete process.env.QUIRE_SECRET;
    else process.env.QUIRE_SECRET = saved.secret;
    if (saved.base === undefined) delete process.env.QUIRE_BASE_URL;
    else process.env.QUIRE_BASE_URL = saved.base;
  }
  const url = new URL(lines[0]!);
  expect(url.origin).toBe("https://example.test");
  return url.pathname + url.search;
}

describe.skipIf(skip)("preview links on two processes sharing memcached", () => {
  let memcached: MemcachedServer;
  let root: string;
  let a: RunningQuire;
  let b: RunningQuire;

  const serve = () =>
    startQuire({
      site: root,
      env: {
        MEMCACHE_SERVERS: memcached.servers,
        QUIRE_SECRET: SECRET,
        QUIRE_BASE_URL: "https://example.test",
        QUIRE_LOG_LEVEL: "warn",
      },
    });

  beforeAll(async () => {
    memcached = await startMemcached();
    root = makeSite(files);
    [a, b] = await Promise.all([serve(), serve()]);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    if (root) removeSite(root);
    await memcached?.stop();
  });

  it("opens a scheduled entry on every process, noindex and never stored, and nobody else sees it", async () => {
    const link = previewPath(root, "content/blog/soon.md", "--hours", "2");
    expect(link.startsWith(`${SOON}?preview=`)).toBe(true);
    const setsBefore = (await memcachedStats(memcached.servers)).cmd_set ?? 0;
    for (const server of [a, b, a]) {
      const page = await fetchPage(server.url + link);
      expect(page.status).toBe(200);
      expect(page.body).toContain("<h1>Soon</h1>");
      expect(page.headers.get("x-robots-tag")).toBe("noindex");
      expect(page.headers.get("cache-control")).toBe("private, no-store");
      expect(page.cache).toBe("miss");
    }
    // A cacheable page on each process after the previews: once both have reached memcached, anything the
    // previews had stored (earlier, on the same connections) would have too. Only those two were stored.
    // (Two pages no one asked for yet: the second process would find the first one's page in memcached.)
    expect((await fetchPage(a.url + "/blog/")).cache).toBe("miss");
    expect((await fetchPage(b.url + "/blog/?tag=nothing")).cache).toBe("miss");
    await waitFor("the listings to reach memcached", async () =>
      ((await memcachedStats(memcached.servers)).cmd_set ?? 0) >= setsBefore + 2 ? true : undefined,
    );
    expect((await memcachedStats(memcached.servers)).cmd_set ?? 0).toBe(setsBefore + 2);
    // Without the link the entry stays hidden, on both processes, and so does it from the shared cache.
    for (const server of [a, b]) expect((await fetchPage(server.url + SOON)).status).toBe(404);
  });

  it("opens a draft, which answers 403 without it", async () => {
    const link = previewPath(root, `${root}/content/blog/draft.md`);
    expect((await fetchPage(b.url + link)).body).toContain("<h1>Draft</h1>");
    expect((await fetchPage(b.url + link.split("?")[0]!)).status).toBe(403);
  });

  it("refuses an expired link", async () => {
    const expired = new PreviewLinks(SECRET).token("blog/soon.md", Date.now() - 1000);
    for (const server of [a, b])
      expect((await fetchPage(`${server.url}${SOON}?preview=${expired}`)).status).toBe(404);
  });

  it("refuses a tampered link: another signature, another expiry, another entry's token, another secret", async () => {
    const link = previewPath(root, "content/blog/soon.md");
    const token = new URL(link, "https://x").searchParams.get("preview")!;
    const [expiry, sig] = token.split(".") as [string, string];
    const flipped = sig.slice(0, -1) + (sig.endsWith("A") ? "B" : "A");
    const forged = [
      `${expiry}.${flipped}`,
      `${Number(expiry) + 86_400}.${sig}`,
      new PreviewLinks(SECRET).token("blog/draft.md", Date.now() + 3600_000),
      new PreviewLinks("another-secret").token("blog/soon.md", Date.now() + 3600_000),
      "",
    ];
    for (const bad of forged) {
      const page = await fetchPage(`${a.url}${SOON}?preview=${encodeURIComponent(bad)}`);
      expect(page.status, bad).toBe(404);
      expect(page.body).not.toContain("<h1>Soon</h1>");
    }
  });
});
