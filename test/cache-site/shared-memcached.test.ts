/** Two `quire serve` processes on one memcached, as two dynos would run: a page rendered by one is a
 *  hit on the other with the same ETag; a process serving other content or settings shares nothing. */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { skipWithoutMemcached, startMemcached, type MemcachedServer } from "../helpers/memcached.js";
import { startQuire, type RunningQuire } from "../helpers/server.js";
import { makeSite, removeSite, writeFiles } from "../helpers/site-fixture.js";
import { entry, fetchPage, memcachedStats, waitFor } from "./support.js";

const skip = skipWithoutMemcached("site page cache: two processes");

const TOML = '[site]\ntitle = "Two dynos"\nbase_url = "https://example.test"\n';
const files = {
  "quire.toml": TOML,
  "templates/entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}<p>{{ site.title }}</p>",
  "templates/index.html": "{% for e in view.entries %}<p>{{ e.title }}</p>{% endfor %}",
  "content/blog/one.md": entry(101, "One", "2024-01-10 10:00:00+00:00", "Shared between dynos."),
  "content/blog/two.md": entry(102, "Two", "2024-02-10 10:00:00+00:00"),
};
const PAGE = "/blog/101-One";

describe.skipIf(skip)("two server processes sharing memcached", () => {
  let memcached: MemcachedServer;
  let root: string;
  const servers: RunningQuire[] = [];
  const folders: string[] = [];

  /** `quire serve` from the TypeScript source, with the same base URL and secret as every other dyno. */
  const serve = async (site: string): Promise<RunningQuire> => {
    const server = await startQuire({
      site,
      env: {
        MEMCACHE_SERVERS: memcached.servers,
        QUIRE_SECRET: "shared-secret",
        QUIRE_BASE_URL: "https://example.test",
        QUIRE_LOG_LEVEL: "warn",
      },
    });
    servers.push(server);
    return server;
  };
  /** A copy of the site, changed as a deploy would change it. */
  const variant = (changes: Record<string, string>): string => {
    const copy = mkdtempSync(join(tmpdir(), "quire-dyno-"));
    cpSync(root, copy, { recursive: true });
    writeFiles(copy, changes);
    folders.push(copy);
    return copy;
  };
  const sets = async () => (await memcachedStats(memcached.servers)).cmd_set ?? 0;
  /** Requests `path` on `server` and waits until the page it stored has reached memcached. */
  const renderAndShare = async (server: RunningQuire, path: string) => {
    const before = await sets();
    const answer = await fetchPage(server.url + path);
    await waitFor(
      `${path} to reach memcached`,
      async () => ((await sets()) > before ? true : undefined),
      2_000,
    );
    return answer;
  };

  beforeAll(async () => {
    memcached = await startMemcached();
    root = makeSite(files);
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    if (root) removeSite(root);
    await memcached?.stop();
  });

  it("serves a page rendered by one process as a hit on the other, with the same ETag", async () => {
    const [a, b] = await Promise.all([serve(root), serve(root)]);
    const first = await renderAndShare(a, PAGE);
    expect([first.status, first.cache]).toEqual([200, "miss"]);
    expect(first.etag).toMatch(/^(W\/)?"/);

    const shared = await fetchPage(b.url + PAGE);
    expect([shared.status, shared.cache, shared.etag]).toEqual([200, "hit", first.etag]);
    expect(shared.body).toBe(first.body);
    expect(shared.headers.get("content-type")).toBe(first.headers.get("content-type"));
    // A browser revalidating against the other dyno gets a 304 straight from the cache.
    const revalidated = await fetch(b.url + PAGE, { headers: { "if-none-match": first.etag ?? "" } });
    expect([revalidated.status, revalidated.headers.get("x-cache")]).toEqual([304, "hit"]);

    // And the other way round.
    const listing = await renderAndShare(b, "/blog/");
    expect(listing.cache).toBe("miss");
    const back = await fetchPage(a.url + "/blog/");
    expect([back.cache, back.etag, back.body]).toEqual(["hit", listing.etag, listing.body]);
  });

  it("shares nothing with a process serving edited content", async () => {
    const edited = await serve(
      variant({ "content/blog/two.md": entry(102, "Two", "2024-02-10 10:00:00+00:00", "Edited.") }),
    );
    const page = await fetchPage(edited.url + PAGE);
    expect([page.status, page.cache]).toEqual([200, "miss"]);
  });

  it("shares nothing with a process whose settings render pages differently", async () => {
    const retitled = await serve(variant({ "quire.toml": TOML.replace("Two dynos", "Renamed") }));
    const page = await fetchPage(retitled.url + PAGE);
    expect([page.status, page.cache]).toEqual([200, "miss"]);
    expect(page.body).toContain("<p>Renamed</p>");
  });
});
