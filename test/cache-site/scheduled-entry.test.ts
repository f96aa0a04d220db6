/** A scheduled entry appears on the home page, in the feed and at its own URL as soon as its time
 *  passes, with the page cache on: cached pages never outlive the next scheduled entry going live. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveSite, type TestServer } from "../helpers/http.js";
import { skipWithoutMemcached, sleep, startMemcached, type MemcachedServer } from "../helpers/memcached.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { entry, fetchPage, headerDate } from "./support.js";

const skip = skipWithoutMemcached("site page cache: scheduled entries");
const TITLE = "Arrives on time";
const ENTRY = "/blog/103-Arrives-on-time";
// How late after its date the entry may first show: one poll interval plus a request, with slack for a busy machine.
const POLL_MS = 100;
const LATE_MS = 600;

describe.skipIf(skip)("page cache and scheduled entries", () => {
  let memcached: MemcachedServer;
  let root: string;
  let t: TestServer;
  let goLive: number;

  beforeAll(async () => {
    memcached = await startMemcached();
    // A whole second, 4–5 s ahead: Date headers have one-second resolution.
    goLive = Math.ceil(Date.now() / 1000) * 1000 + 4000;
    // The default theme's home page (index.html) and feed (feed.xml).
    root = makeSite({
      "quire.toml": '[site]\ntitle = "Scheduled"\nbase_url = "https://example.test"\n',
      "content/blog/old.md": entry(101, "Already out", "2024-01-10 10:00:00+00:00"),
      "content/blog/older.md": entry(102, "Out for ages", "2023-01-10 10:00:00+00:00"),
      "content/blog/soon.md": entry(103, TITLE, headerDate(goLive), "Worth the wait."),
    });
    t = await serveSite(root, {
      cache: true,
      env: { QUIRE_SECRET: "s", MEMCACHE_SERVERS: memcached.servers },
    });
  });
  afterAll(async () => {
    await t?.stop();
    removeSite(root);
    await memcached?.stop();
  });

  it("is on the home page and in the feed from the moment its date passes, and not before", async () => {
    const pages = ["/", "/feed"];
    for (const path of pages) {
      const first = await fetchPage(t.url + path);
      expect(first.status, path).toBe(200);
      expect(first.body, path).toContain("Already out");
      expect(first.body, path).not.toContain(TITLE);
      // The cache is really on: the page is served from it while the entry waits.
      expect((await fetchPage(t.url + path)).cache, path).toBe("hit");
    }
    expect((await fetchPage(t.url + ENTRY)).status).toBe(404);

    const firstSeen = new Map<string, number>();
    const misses = new Map<string, number>();
    while (firstSeen.size < pages.length + 1) {
      const round = Date.now();
      if (round > goLive + 10_000) throw new Error("the scheduled entry never appeared");
      for (const path of [...pages, ENTRY]) {
        if (firstSeen.has(path)) continue;
        const sent = Date.now();
        const answer = await fetchPage(t.url + path);
        const received = Date.now();
        const shows = answer.status === 200 && answer.body.includes(TITLE);
        // Never in a page received before its date; always in one asked for after it (plus the allowance).
        const when = `${path} at ${sent - goLive} ms after its date (X-Cache: ${answer.cache}, ${answer.status})`;
        if (received < goLive) expect(shows, when).toBe(false);
        if (sent >= goLive + LATE_MS) expect(shows, when).toBe(true);
        if (shows) {
          firstSeen.set(path, sent - goLive);
          misses.set(path, answer.cache === "miss" ? 1 : 0);
        }
      }
      await sleep(POLL_MS);
    }
    console.log(
      `scheduled entry first seen after its date: ${[...firstSeen].map(([p, ms]) => `${p} +${ms} ms`).join(", ")}`,
    );
    // Each page was rendered anew for it, and is cached again afterwards.
    expect([...misses.values()]).toEqual([1, 1, 1]);
    for (const path of pages) {
      const answer = await fetchPage(t.url + path);
      expect([answer.cache, answer.body.includes(TITLE)], path).toEqual(["hit", true]);
    }
  });
});
