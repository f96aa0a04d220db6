/**
 * Issue 21, item 6: the rendering thread started for a page over the main thread's budget is stopped again once
 * it has been idle for a while (30 s in production, a few milliseconds here), and started anew when needed.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync } from "node:fs";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

const IDLE_MS = 50;
let root: string;
let t: TestServer;

beforeAll(async () => {
  root = makeSite({
    "templates/entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}",
    // 300 KB of ordinary paragraphs: its page goes to a thread at once (past the length a main-thread render
    // takes on), without spending CPU time here first, and renders quickly there.
    "content/blog/long.md":
      "Title: Long\nEntry-ID: 2\nDate: 2024-01-02\n\n" +
      Array.from(
        { length: 3000 },
        (_, i) => `Paragraph ${i} of a long entry, ${"word ".repeat(16)}ends here.\n`,
      ).join("\n"),
  });
  t = await serveSite(root, { renderIdleMs: IDLE_MS });
});
afterAll(async () => {
  await t?.stop();
  removeSite(root);
});

/** Resolves once `done()` holds, looking again after each turn of the timers. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, IDLE_MS / 5));
}

describe("the rendering thread for slow pages", () => {
  it("stops once it has been idle, and a later slow page starts it again", async () => {
    const first = await t.get("/blog/2-Long");
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("Paragraph 2999 of a long entry");
    const pool = t.site.renderThreads!;
    expect(pool.stats.threadsStarted).toBe(1);
    const [tid] = pool.threadIds;

    // Three looks for idle threads after the answer: by the last, the thread has been idle at least IDLE_MS.
    const looked = pool.stats.idleChecks;
    await until(() => pool.stats.idleChecks >= looked + 3);
    expect(pool.size).toBe(0);
    // And it is really gone: its worker exited, and the OS thread with it (Linux).
    await until(() => pool.stats.threadsExited === 1);
    if (tid !== undefined) await until(() => !existsSync(`/proc/self/task/${tid}`));

    const again = await t.get("/blog/2-Long");
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("Paragraph 2999 of a long entry");
    expect(pool.stats.threadsStarted).toBe(2);
  });
});
