/** Search pages use the page cache like any view, keyed by their query, but a flood of distinct queries
 *  cannot take more than its bounded share: a search URL is cached from its second request, and at most
 *  MAX_CACHED_SEARCHES of them per content generation. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveSite, type TestServer } from "../helpers/http.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { MAX_CACHED_SEARCHES, SearchCacheGate } from "../../src/search/search-cache.js";

async function xcache(t: TestServer, path: string): Promise<string | null> {
  const res = await t.get(path);
  expect(res.status, path).toBe(200);
  await res.arrayBuffer();
  return res.headers.get("x-cache");
}

describe("search pages in the page cache", () => {
  let root: string;
  let t: TestServer;

  beforeAll(async () => {
    root = makeSite({
      "quire.toml": '[site]\ntitle = "Cached"\n',
      "content/blog/heron.md": "Title: Heron\nEntry-ID: 1\nDate: 2024-01-01\n\nA heron and a kettle.\n",
    });
    t = await serveSite(root, { cache: true, cacheMemoryBytes: 8 * 1024 * 1024 });
  });
  afterAll(async () => {
    await t?.stop();
    removeSite(root);
  });

  it("caches a search page from its second request, under its own query", async () => {
    expect(await xcache(t, "/search?q=heron")).toBe("miss");
    expect(await xcache(t, "/search?q=heron")).toBe("miss");
    expect(await xcache(t, "/search?q=heron")).toBe("hit");
    expect(await xcache(t, "/search?q=kettle")).toBe("miss");
  });

  it("keeps other pages cached while a crawler tries thousands of queries, and caches a bounded number", async () => {
    expect(await xcache(t, "/")).toBe("miss");
    expect(await xcache(t, "/")).toBe("hit");
    const queries = Array.from({ length: MAX_CACHED_SEARCHES + 100 }, (_, i) => `/search?q=w${i}x`);
    for (const q of queries) await xcache(t, q);
    for (const q of queries) await xcache(t, q);
    let hits = 0;
    for (const q of queries) if ((await xcache(t, q)) === "hit") hits++;
    // One slot went to the heron query above.
    expect(hits).toBe(MAX_CACHED_SEARCHES - 1);
    expect(await xcache(t, "/")).toBe("hit");
    // ~1,100 requests: a ceiling for a loaded machine, not a speed requirement.
  }, 180_000);
});

describe("SearchCacheGate", () => {
  it("admits a URL on its second request, the same answer for both looks at one request", () => {
    const gate = new SearchCacheGate(2);
    const inStep = () => true;
    const r1 = {};
    expect(gate.admit(r1, "/search?q=a", "g1", inStep)).toBe(false);
    expect(gate.admit(r1, "/search?q=a", "g1", inStep)).toBe(false);
    expect(gate.admit({}, "/search?q=a", "g1", inStep)).toBe(true);
    gate.admit({}, "/search?q=b", "g1", inStep);
    expect(gate.admit({}, "/search?q=b", "g1", inStep)).toBe(true);
    gate.admit({}, "/search?q=c", "g1", inStep);
    expect(gate.admit({}, "/search?q=c", "g1", inStep)).toBe(false);
    // A new generation starts over: the old keys are unreachable anyway.
    gate.admit({}, "/search?q=c", "g2", inStep);
    expect(gate.admit({}, "/search?q=c", "g2", inStep)).toBe(true);
  });

  it("admits nothing while the search tables catch up", () => {
    const gate = new SearchCacheGate(2);
    gate.admit({}, "/search?q=a", "g1", () => false);
    expect(gate.admit({}, "/search?q=a", "g1", () => false)).toBe(false);
  });
});
