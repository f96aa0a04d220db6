/**
 * Issue 21, item 6: one hostile page held the event loop and every other request waited behind it (a 600 KB
 * Markdown line of `*a_`, a template that never ends). Pages now render on threads under a time budget.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

let root: string;
let t: TestServer;

beforeAll(async () => {
  root = makeSite({
    "templates/index.html": "{% for e in view.entries %}<li>{{ e.title }}</li>{% endfor %}",
    "templates/entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}",
    // Ten billion turns: it ends only when its thread is stopped.
    "templates/spin.html":
      "{% for i in range(0, 100000) %}{% for j in range(0, 100000) %}{% endfor %}{% endfor %}never",
    "content/blog/calm.md": "Title: Calm\nEntry-ID: 1\nDate: 2024-01-01\n\nA calm entry.\n",
    "content/blog/hostile.md": `Title: Hostile\nEntry-ID: 2\nDate: 2024-01-02\n\n${"*a_".repeat(200_000)}\n`,
  });
  t = await serveSite(root, { renderThreads: 2, renderThreadsMin: 2, renderTimeoutMs: 3000 });
  // Both threads started and warm, as on a server that has been answering for a while.
  await Promise.all(["/blog/", "/blog/1-Calm"].map(async (p) => (await t.get(p)).text()));
  await t.site.renderThreads!.started();
  expect(t.site.renderThreads?.size).toBe(2);
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
});

/** Resolves once the pool has taken `count` more renders than `from` (the hostile one is on a thread). */
async function rendersReach(count: number, server: TestServer = t): Promise<void> {
  while ((server.site.renderThreads?.stats.rendered ?? 0) < count) await new Promise((r) => setImmediate(r));
}

/** Sends `hostile`, then `other` once the hostile page is rendering; returns the order in which they finished. */
async function race(
  hostile: string,
  other: string,
  server: TestServer = t,
): Promise<{ order: string[]; statuses: number[] }> {
  const order: string[] = [];
  // A thread stopped by an earlier case is replaced at once; the race starts when the replacement is up.
  await server.site.renderThreads!.started();
  const before = server.site.renderThreads!.stats.rendered;
  const first = server.get(hostile).then(async (r) => {
    await r.text();
    order.push("hostile");
    return r.status;
  });
  await rendersReach(before + 1, server);
  const second = server.get(other).then(async (r) => {
    await r.text();
    order.push("other");
    return r.status;
  });
  return { order, statuses: await Promise.all([first, second]) };
}

describe("a page that takes long to render", () => {
  it("600 KB of `*a_` on one line: a request sent while it renders is answered first", async () => {
    const { order, statuses } = await race("/blog/2-Hostile", "/blog/");
    expect(order).toEqual(["other", "hostile"]);
    expect(statuses[1]).toBe(200);
    // Rendered within the budget (200), or stopped at it (503) on a slow machine: never a 500.
    expect([200, 503]).toContain(statuses[0]);
  });

  it("a template that never ends: 503 at the budget, while other requests are answered", async () => {
    const { order, statuses } = await race("/blog/spin", "/blog/1-Calm");
    expect(order).toEqual(["other", "hostile"]);
    expect(statuses).toEqual([503, 200]);
    expect(t.site.renderThreads!.stats.overran).toBeGreaterThanOrEqual(1);
  });

  it("answers the same page 503 again at once, without rendering it", async () => {
    const before = t.site.renderThreads!.stats.rendered;
    const res = await t.get("/blog/spin");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(t.site.renderThreads!.stats.rendered).toBe(before);
  });

  it("keeps serving afterwards, with no more threads than allowed", async () => {
    const res = await t.get("/blog/1-Calm");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("A calm entry.");
    expect(t.site.renderThreads!.size).toBeLessThanOrEqual(2);
  });
});

describe("one rendering thread on a slow page", () => {
  it("starts a spare thread for the pages waiting behind it", async () => {
    // One thread kept; a budget long enough that the spare thread starts and answers well before it.
    const one = await serveSite(root, { renderThreads: 2, renderThreadsMin: 1, renderTimeoutMs: 30_000 });
    let hostile: Promise<unknown> = Promise.resolve();
    try {
      await (await one.get("/blog/")).text();
      expect(one.site.renderThreads!.size).toBe(1);
      await one.site.renderThreads!.started();
      const before = one.site.renderThreads!.stats.rendered;
      const order: string[] = [];
      hostile = one.get("/blog/spin").then(
        async (r) => void (await r.text(), order.push("hostile")),
        () => void order.push("hostile"),
      );
      await rendersReach(before + 1, one);
      const other = await one.get("/blog/1-Calm");
      expect(other.status).toBe(200);
      expect(await other.text()).toContain("A calm entry.");
      order.push("other");
      expect(order).toEqual(["other"]);
      expect(one.site.renderThreads!.stats.threadsStarted).toBeGreaterThanOrEqual(2);
    } finally {
      // What happens at the budget is the first cases' concern: the never-ending page's thread is stopped now
      // rather than spending 30 s of CPU.
      await one.stop();
      await hostile;
    }
  }, 180_000);
});
