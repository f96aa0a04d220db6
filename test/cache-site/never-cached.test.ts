/** What the page cache must never keep: error pages, the 503 of a site still indexing, and anything
 *  requested with a Cookie or Authorization header, which neither reads from nor fills the shared cache. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveSite, type TestServer } from "../helpers/http.js";
import { skipWithoutMemcached, sleep, startMemcached, type MemcachedServer } from "../helpers/memcached.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { entry, fetchPage, memcachedStats, waitFor } from "./support.js";
import { Signer } from "../../src/auth/signed-value.js";

const skip = skipWithoutMemcached("site page cache: never cached");

const files = {
  "quire.toml": '[site]\ntitle = "Never cached"\nbase_url = "https://example.test"\n',
  "templates/entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}",
  "templates/index.html": "{% for e in view.entries %}<p>{{ e.title }}</p>{% endfor %}",
  "templates/broken.html": "{{ no_such_function() }}",
  "templates/error.html": "<p>Error {{ error.code }}: {{ error.message }}</p>",
  "content/blog/one.md": entry(101, "One", "2024-01-10 10:00:00+00:00"),
  "content/blog/two.md": entry(102, "Two", "2024-02-10 10:00:00+00:00"),
  "content/blog/gone.md": `Title: Gone\nEntry-ID: 103\nDate: 2024-01-01\nStatus: GONE\n\nRemoved.\n`,
  "content/blog/later.md": entry(104, "Later", "2099-01-01 00:00:00+00:00"),
};
// memcached writes are asynchronous: time for one to land, judged against a page that is stored.
const SETTLE_MS = 300;

describe.skipIf(skip)("responses the page cache never keeps", () => {
  let memcached: MemcachedServer;
  let root: string;
  let t: TestServer;
  const sets = async () => (await memcachedStats(memcached.servers)).cmd_set ?? 0;
  const env = () => ({ QUIRE_SECRET: "s", MEMCACHE_SERVERS: memcached.servers });

  beforeAll(async () => {
    memcached = await startMemcached();
    root = makeSite(files);
    t = await serveSite(root, { cache: true, env: env() });
  });
  afterAll(async () => {
    await t?.stop();
    removeSite(root);
    await memcached?.stop();
  });

  it("stores a plain page (the control for the tests below)", async () => {
    const before = await sets();
    const page = await fetchPage(t.url + "/blog/102-Two");
    expect([page.status, page.cache]).toEqual([200, "miss"]);
    await waitFor(
      "the page to reach memcached",
      async () => ((await sets()) > before ? true : undefined),
      2_000,
    );
    expect((await fetchPage(t.url + "/blog/102-Two")).cache).toBe("hit");
  });

  it.each([
    ["not found", "/no/such/page", 404],
    ["removed entry", "/blog/103-Gone", 410],
    ["entry not yet published", "/blog/104-Later", 404],
    ["template that fails", "/broken", 500],
  ])("never caches an error page: %s", async (_label, path, status) => {
    const before = await sets();
    for (let i = 0; i < 3; i++) {
      const answer = await fetchPage(t.url + path);
      expect([answer.status, answer.cache]).toEqual([status, "miss"]);
    }
    await sleep(SETTLE_MS);
    expect(await sets()).toBe(before);
  });

  it.each([
    ["Cookie", { cookie: "session=abc" }],
    // A valid bearer token (a forged one is answered 401): its reader's page is theirs alone.
    [
      "Authorization",
      { authorization: `Bearer ${new Signer("s").sign({ p: "token", me: "test:reader" }, 3600)}` },
    ],
  ])("neither fills nor reads the cache for a request with %s", async (_label, credentials) => {
    const path = `/blog/101-One?v=${_label}`;
    const before = await sets();
    for (let i = 0; i < 2; i++) {
      const personal = await fetchPage(t.url + path, credentials);
      expect([personal.status, personal.cache]).toEqual([200, "miss"]);
    }
    await sleep(SETTLE_MS);
    expect(await sets()).toBe(before);
    // Nothing was stored in memory either: the first anonymous request renders the page.
    expect((await fetchPage(t.url + path)).cache).toBe("miss");
    expect((await fetchPage(t.url + path)).cache).toBe("hit");
    // And a cached page is not handed to a request that carries credentials.
    expect((await fetchPage(t.url + path, credentials)).cache).toBe("miss");
  });

  it("never caches the 503 served while the first index is built", async () => {
    const other = makeSite(files);
    const starting = await serveSite(other, { cache: true, env: env(), index: false });
    try {
      const before = await sets();
      for (const path of ["/", "/blog/101-One"]) {
        const answer = await fetchPage(starting.url + path);
        expect([answer.status, answer.cache], path).toEqual([503, "miss"]);
        expect(answer.headers.get("cache-control")).toBe("no-store");
      }
      await sleep(SETTLE_MS);
      expect(await sets()).toBe(before);
      await starting.site.start();
      const ready = await fetchPage(starting.url + "/blog/101-One");
      expect([ready.status, ready.body.includes("<h1>One</h1>")]).toEqual([200, true]);
    } finally {
      await starting.stop();
      removeSite(other);
    }
  });
});
