/** A sick memcached never breaks the site: stopped mid-run or never answering, every page is still a 200
 *  (latency is compared in bench/, not here); restarted, hits come back. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveSite, type TestServer } from "../helpers/http.js";
import { skipWithoutMemcached, startMemcached, startSilentServer } from "../helpers/memcached.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import {
  describeLoad,
  entry,
  fetchPage,
  memcachedStats,
  mergeLoads,
  runLoad,
  waitFor,
  type LoadResult,
} from "./support.js";

const skip = skipWithoutMemcached("site page cache: memcached faults");

const ENTRIES = 40;
// Bounds a wait that would otherwise hang; far above anything a loaded machine needs.
const HANG_GUARD_MS = 60_000;
// When memcached stops answering, the requests in flight (up to CONCURRENCY) each wait one deadline
// (250 ms) before the tier is skipped: by design, once per failure. Every request must still answer 200.
const REQUESTS = 1_000;
const CONCURRENCY = 16;
const BLOCK = 250;
const BLOCKS = REQUESTS / BLOCK;
const STOP_AFTER_BLOCK = 1;

// Entries of the default theme, ~200 words each, so a miss costs a real render.
const words = "the quick brown fox jumps over the lazy dog and keeps on running ".repeat(18);
const files: Record<string, string> = {
  "quire.toml": '[site]\ntitle = "Faults"\nbase_url = "https://example.test"\n',
};
for (let i = 1; i <= ENTRIES; i++) {
  const day = String((i % 28) + 1).padStart(2, "0");
  files[`content/blog/post-${i}.md`] = entry(100 + i, `Post ${i}`, `2024-03-${day} 10:00:00+00:00`, words);
}
const paths = Array.from({ length: ENTRIES }, (_, i) => `/blog/${101 + i}-Post-${i + 1}`);
// Every request a different URL, so none is a memory hit: each one asks memcached, then stores.
const distinct = (tag: string) => (i: number) => `${paths[i % ENTRIES]}?${tag}=${i}`;

/** A cached server under test, with what to do between blocks of load. */
interface FaultSetup {
  server: TestServer;
  /** Runs after block `n` (1-based) of the load on `server`. */
  afterBlock?: (n: number) => Promise<void>;
  /** Assertions once the load is over (the fault really happened). */
  check?: () => Promise<void> | void;
  close: () => Promise<void>;
}

describe.skipIf(skip)("the site with a sick memcached", () => {
  let root: string;
  let uncached: TestServer;

  // Requests with a Cookie bypass the cache: they warm a fresh server (JIT, templates) without touching memcached.
  const warm = (t: TestServer) =>
    runLoad({
      origin: t.url,
      path: distinct("warm"),
      total: 300,
      concurrency: CONCURRENCY,
      headers: { cookie: "warm=1" },
    });

  /**
   * Sends REQUESTS to the server under test and as many to the same site with no cache, in alternating
   * blocks. Every page must be a 200 while the fault lasts. Their p99s are printed for the reader but not
   * compared: on a busy machine the comparison measures the machine (latency belongs in bench/).
   */
  const everyPageServed = async (label: string, setup: (attempt: number) => Promise<FaultSetup>) => {
    const attempt = 1;
    const subject = await setup(attempt);
    const base: LoadResult[] = [];
    const fault: LoadResult[] = [];
    try {
      await warm(subject.server);
      for (let block = 1; block <= BLOCKS; block++) {
        const blockLoad = (t: TestServer, tag: string) =>
          runLoad({
            origin: t.url,
            path: (i) => distinct(`${tag}${attempt}`)((block - 1) * BLOCK + i),
            total: BLOCK,
            concurrency: CONCURRENCY,
          });
        base.push(await blockLoad(uncached, "base"));
        fault.push(await blockLoad(subject.server, "fault"));
        await subject.afterBlock?.(block);
      }
      await subject.check?.();
    } finally {
      await subject.close();
    }
    const baseline = mergeLoads(base);
    const run = mergeLoads(fault);
    console.log(`${describeLoad("no cache", baseline)}\n${describeLoad(label, run)}`);
    expect(baseline.statuses.get(200)).toBe(REQUESTS);
    expect(run.statuses.get(200)).toBe(REQUESTS);
  };

  beforeAll(async () => {
    root = makeSite(files);
    uncached = await serveSite(root, { cache: false });
    await warm(uncached);
  });
  afterAll(async () => {
    await uncached?.stop();
    removeSite(root);
  });

  it("answers every request with a 200 when memcached is stopped mid-run", { timeout: 600_000 }, async () => {
    await everyPageServed(`memcached stopped after ${STOP_AFTER_BLOCK * BLOCK} requests`, async () => {
      const memcached = await startMemcached();
      const server = await serveSite(root, {
        cache: true,
        env: { QUIRE_SECRET: "s", MEMCACHE_SERVERS: memcached.servers },
      });
      let usedBeforeStop = 0;
      return {
        server,
        afterBlock: async (n) => {
          if (n !== STOP_AFTER_BLOCK) return;
          usedBeforeStop = (await memcachedStats(memcached.servers)).cmd_get ?? 0;
          await memcached.stop();
        },
        // memcached was really in use until it stopped.
        check: () => expect(usedBeforeStop).toBeGreaterThan(0),
        close: async () => {
          await server.stop();
          await memcached.stop();
        },
      };
    });
  });

  it(
    "answers every request with a 200 when memcached accepts but never answers",
    { timeout: 600_000 },
    async () => {
      await everyPageServed("memcached never answers", async () => {
        const silent = await startSilentServer();
        const server = await serveSite(root, {
          cache: true,
          env: { QUIRE_SECRET: "s", MEMCACHE_SERVERS: silent.servers },
        });
        return {
          server,
          // The site did try it: requests went out and were never answered.
          check: () => expect(silent.bytesReceived).toBeGreaterThan(0),
          close: async () => {
            await server.stop();
            await silent.stop();
          },
        };
      });
    },
  );

  it("serves hits from memcached again once it is back, after the cool-down", async () => {
    const memcached = await startMemcached();
    const coolDownMs = 1_000;
    // No in-process tier: every hit below comes from memcached.
    const t = await serveSite(root, {
      cache: true,
      cacheMemoryBytes: 0,
      cacheCoolDownMs: coolDownMs,
      env: { QUIRE_SECRET: "s", MEMCACHE_SERVERS: memcached.servers },
    });
    const page = paths[0] as string;
    // Polls until a hit; the bound only catches a hang (hits are expected within the cool-down).
    const nextHit = () =>
      waitFor(
        `a hit on ${page}`,
        async () => ((await fetchPage(t.url + page)).cache === "hit" ? true : undefined),
        HANG_GUARD_MS,
      );
    try {
      expect((await fetchPage(t.url + page)).cache).toBe("miss");
      await nextHit();

      await memcached.stop();
      // Every page is still served while it is down (that the tier is then skipped, sending nothing and
      // waiting on nothing, is shown in test/cache/memcached-faults.test.ts).
      for (let i = 0; i < 20; i++) {
        const answer = await fetchPage(t.url + page);
        expect([answer.status, answer.cache]).toEqual([200, "miss"]);
      }

      await memcached.restart();
      const back = performance.now();
      // The restarted server is empty: the first request after the cool-down stores the page, the next one hits.
      await nextHit();
      console.log(`hits resumed ${Math.round(performance.now() - back)} ms after memcached came back`);
      const stats = await memcachedStats(memcached.servers);
      expect(stats.get_hits).toBeGreaterThan(0);
    } finally {
      await t.stop();
      await memcached.stop();
    }
  });
});
