/** With the page cache on (memory in front of a real memcached), an edited entry or template is
 *  never served stale: the first request after the change is a miss that shows the new text. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveSite, type TestServer } from "../helpers/http.js";
import { skipWithoutMemcached, startMemcached, type MemcachedServer } from "../helpers/memcached.js";
import { makeSite, removeSite, writeFiles } from "../helpers/site-fixture.js";
import { entry, fetchPage, waitFor, type Answer } from "./support.js";

const skip = skipWithoutMemcached("site page cache: content changes");

const files = {
  "quire.toml": '[site]\ntitle = "Cache changes"\nbase_url = "https://example.test"\n',
  "templates/entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}<footer>entry-v1</footer>",
  "templates/index.html":
    "{% for e in view.entries %}<p>{{ e.title }}</p>{% endfor %}<footer>index-v1</footer>",
  "content/blog/first.md": entry(101, "First post", "2024-01-10 10:00:00+00:00", "The original text."),
  "content/blog/second.md": entry(102, "Second post", "2024-02-10 10:00:00+00:00"),
};
const FIRST = "/blog/101-First-post";

/** Requests `path` until the body contains `marker`; returns every answer seen, the last one with the marker. */
async function untilBodyHas(t: TestServer, path: string, marker: string): Promise<Answer[]> {
  const seen: Answer[] = [];
  await waitFor(`${path} to show "${marker}"`, async () => {
    const answer = await fetchPage(t.url + path);
    seen.push(answer);
    return answer.body.includes(marker) ? true : undefined;
  });
  return seen;
}

describe.skipIf(skip)("page cache and content changes", () => {
  let memcached: MemcachedServer;
  beforeAll(async () => {
    memcached = await startMemcached();
  });
  afterAll(async () => {
    await memcached?.stop();
  });

  it("serves an edited entry as a miss with the new text once the index has refreshed", async () => {
    const root = makeSite(files);
    const t = await serveSite(root, {
      cache: true,
      env: { QUIRE_SECRET: "s", MEMCACHE_SERVERS: memcached.servers },
    });
    try {
      const before = await fetchPage(t.url + FIRST);
      expect([before.status, before.cache]).toEqual([200, "miss"]);
      expect(before.body).toContain("The original text.");
      const cached = await fetchPage(t.url + FIRST);
      expect([cached.cache, cached.etag]).toEqual(["hit", before.etag]);
      // A hit carries the headers the rendered page went out with, security headers included.
      for (const name of [
        "content-type",
        "cache-control",
        "content-security-policy",
        "x-content-type-options",
      ]) {
        expect(cached.headers.get(name), name).toBe(before.headers.get(name));
      }
      expect(cached.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect((await fetchPage(t.url + "/blog/")).cache).toBe("miss");
      expect((await fetchPage(t.url + "/blog/")).cache).toBe("hit");

      writeFiles(root, {
        "content/blog/first.md": entry(
          101,
          "First post, revised",
          "2024-01-10 10:00:00+00:00",
          "A corrected text.",
        ),
      });
      await t.site.refresh();

      const after = await fetchPage(t.url + "/blog/101-First-post-revised");
      expect([after.status, after.cache]).toEqual([200, "miss"]);
      expect(after.body).toContain("A corrected text.");
      expect(after.etag).not.toBe(before.etag);
      // The old URL now redirects to the new slug: a redirect, not the cached old page.
      const old = await fetchPage(t.url + FIRST);
      expect(old.status).toBe(301);
      expect(old.body).not.toContain("The original text.");
      // Pages that list the entry change too.
      const listing = await fetchPage(t.url + "/blog/");
      expect([listing.cache, listing.body.includes("First post, revised")]).toEqual(["miss", true]);
      const again = await fetchPage(t.url + "/blog/101-First-post-revised");
      expect([again.cache, again.etag]).toEqual(["hit", after.etag]);
    } finally {
      await t.stop();
      removeSite(root);
    }
  });

  describe("with the watcher on", () => {
    let root: string;
    let t: TestServer;
    beforeAll(async () => {
      root = makeSite(files);
      t = await serveSite(root, {
        cache: true,
        watch: true,
        env: { QUIRE_SECRET: "s", MEMCACHE_SERVERS: memcached.servers },
      });
      // serveSite awaits site.start(), which resolves once the watcher's first crawl is done (watcher.ready),
      // so the edits below are seen as changes: nothing to wait for here.
    });
    afterAll(async () => {
      await t?.stop();
      removeSite(root);
    });

    it("shows an edited entry's text on the first request that is no longer the old page, as a miss", async () => {
      const path = "/blog/102-Second-post";
      await fetchPage(t.url + path);
      const cached = await fetchPage(t.url + path);
      expect([cached.cache, cached.body.includes("Body of Second post.")]).toEqual(["hit", true]);

      writeFiles(root, {
        "content/blog/second.md": entry(
          102,
          "Second post",
          "2024-02-10 10:00:00+00:00",
          "Edited while serving.",
        ),
      });
      const seen = await untilBodyHas(t, path, "Edited while serving.");
      const first = seen[seen.length - 1] as Answer;
      expect(first.cache).toBe("miss");
      // Until then the old page was served, from the cache; nothing in between.
      for (const answer of seen.slice(0, -1)) {
        expect([answer.cache, answer.etag]).toEqual(["hit", cached.etag]);
      }
      const next = await fetchPage(t.url + path);
      expect([next.cache, next.etag, next.body.includes("Edited while serving.")]).toEqual([
        "hit",
        first.etag,
        true,
      ]);
    });

    it("renders every page again after a template edit, even pages whose template did not change", async () => {
      await fetchPage(t.url + FIRST);
      await fetchPage(t.url + "/");
      expect((await fetchPage(t.url + FIRST)).cache).toBe("hit");
      const homeBefore = await fetchPage(t.url + "/");
      expect(homeBefore.cache).toBe("hit");

      writeFiles(root, {
        "templates/entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}<footer>entry-v2</footer>",
      });
      const seen = await untilBodyHas(t, FIRST, "entry-v2");
      expect((seen[seen.length - 1] as Answer).cache).toBe("miss");
      for (const answer of seen.slice(0, -1)) expect(answer.body).toContain("entry-v1");
      expect((await fetchPage(t.url + FIRST)).cache).toBe("hit");
      // The template fingerprint is part of every key: the home page is rendered again as well.
      const home = await fetchPage(t.url + "/");
      expect([home.status, home.cache]).toEqual([200, "miss"]);
      expect(home.body).toBe(homeBefore.body);
    });
  });
});
