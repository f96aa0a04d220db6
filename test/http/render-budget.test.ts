/**
 * Issue 21, item 6, with pages rendered on the main thread (the default): a page that runs past the main
 * thread's time budget is handed to a rendering thread started for it, so the other requests keep being
 * answered; a slow page still answers 200 from there, and one that runs past the full timeout answers 503.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { pino } from "pino";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

let root: string;
/** Slow pages get all the time they need on a thread. */
let roomy: TestServer;
/** A page on a thread is stopped after 2 s. */
let strict: TestServer;
const strictLog: Array<Record<string, unknown>> = [];

// The slow pages spend CPU time (what the budget counts), so that they are as slow on any machine and under any
// load: `spin(ms)` keeps the process busy for `ms` of CPU time, as a costly query or filter would. The main
// thread's budget is 0.5 s here (1.25 s for a page's first, cold, render).
const SPIN = [
  "export const globals = {",
  "  spin(ms) {",
  "    const start = process.cpuUsage();",
  "    for (;;) {",
  "      const used = process.cpuUsage(start);",
  "      if (used.user + used.system >= ms * 1000) return '';",
  "    }",
  "  },",
  "  pause(ms) {",
  "    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);",
  "    return '';",
  "  },",
  "};",
  "",
].join("\n");

beforeAll(async () => {
  root = makeSite({
    "extensions.mjs": SPIN,
    "templates/index.html": "{% for e in view.entries %}<li>{{ e.title }}</li>{% endfor %}",
    "templates/entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}",
    // 2.25 s of CPU: 1 s past the main thread's budget for a first, cold render (1.25 s), well within the roomy
    // server's timeout (the page is rendered in full four times below: every spin here costs the suite 0.2 s).
    "templates/slow.html": "{% for i in range(0, 45) %}{{ spin(50) }}{% endfor %}finished",
    // 6 s of CPU, 3 s at least on two cores: past the strict server's timeout (finite, so that without the budget the test fails instead of
    // holding its process for good).
    "templates/spin.html": "{% for i in range(0, 120) %}{{ spin(50) }}{% endfor %}never",
    "content/blog/calm.md": "Title: Calm\nEntry-ID: 1\nDate: 2024-01-01\n\nA calm entry.\n",
    // Not public until 2099: only a preview link opens them, one slow to render, one that does not end in time.
    "content/blog/later.md": "Title: Later\nEntry-ID: 4\nDate: 2099-01-01\nEntry-Template: slow\n\nLater.\n",
    "content/blog/never.md": "Title: Never\nEntry-ID: 5\nDate: 2099-01-01\nEntry-Template: spin\n\nNever.\n",
    // A listing that shows summaries, and an entry whose first paragraph is one 100 KB line of ordinary words.
    "templates/walls/index.html": "{% for e in view.entries %}<li>{{ e.summary }}</li>{% endfor %}",
    "content/walls/wall.md": `Title: Wall\nEntry-ID: 3\nDate: 2024-01-03\n\n${"plain words ".repeat(9000)}end of the line.\n`,
    // A long entry (so it goes to a thread at once) whose page then waits 3 s without using the CPU.
    "templates/pause.html": "{{ entry.body }}{{ pause(3000) }}waited",
    "content/blog/waits.md":
      "Title: Waits\nEntry-ID: 6\nDate: 2024-01-04\nEntry-Template: pause\n\n" +
      "A long entry, many times over.\n\n".repeat(9000),
    // 300 KB of ordinary paragraphs: quick to render, but past the length a main-thread render takes on.
    "content/blog/long.md":
      "Title: Long\nEntry-ID: 2\nDate: 2024-01-02\n\n" +
      Array.from(
        { length: 3000 },
        (_, i) => `Paragraph ${i} of a long entry, ${"word ".repeat(16)}ends here.\n`,
      ).join("\n"),
  });
  const logger = pino({ level: "info" }, { write: (line: string) => void strictLog.push(JSON.parse(line)) });
  [roomy, strict] = await Promise.all([
    serveSite(root, { renderBudgetMs: 500, renderTimeoutMs: 300_000 }),
    serveSite(root, { renderBudgetMs: 500, renderTimeoutMs: 2000, logger }),
  ]);
  // Warm, as a server that has been answering for a while.
  for (const t of [roomy, strict])
    for (const p of ["/blog/", "/blog/1-Calm"]) expect((await t.get(p)).status).toBe(200);
});
afterAll(async () => {
  await Promise.all([roomy?.stop(), strict?.stop()]);
  removeSite(root);
});

/** Sends `hostile`, then `other` once the hostile page is on a rendering thread; returns the finishing order. */
async function race(t: TestServer, hostile: string, other: string) {
  const order: string[] = [];
  const sent = t.site.renderThreads?.stats.rendered ?? 0;
  let hostileDone = false;
  const first = t.get(hostile).then(async (r) => {
    const body = await r.text();
    hostileDone = true;
    order.push("hostile");
    return { status: r.status, body, retryAfter: r.headers.get("retry-after") };
  });
  // Without a thread to hand it to, the hostile page finishes first here, and the order below says so.
  while (!hostileDone && (t.site.renderThreads?.stats.rendered ?? 0) <= sent)
    await new Promise((r) => setImmediate(r));
  const second = t.get(other).then(async (r) => {
    await r.text();
    order.push("other");
    return r.status;
  });
  const [h, o] = await Promise.all([first, second]);
  return { order, hostile: h, other: o };
}

describe("a page over the main thread's time budget", () => {
  it("pages within the budget start no rendering thread", () => {
    expect(roomy.site.renderThreads).toBeNull();
    expect(strict.site.renderThreads).toBeNull();
    expect(roomy.site.pagesHandedOver).toBe(0);
  });

  it("a slow page goes to a thread: a request sent meanwhile is answered first, and the slow one answers 200", async () => {
    const { order, hostile, other } = await race(roomy, "/blog/slow", "/blog/1-Calm");
    expect(order).toEqual(["other", "hostile"]);
    expect(other).toBe(200);
    expect(hostile.status).toBe(200);
    expect(hostile.body).toBe("finished");
    expect(roomy.site.pagesHandedOver).toBe(1);
    expect(roomy.site.renderThreads!.size).toBe(1);
  }, 600_000);

  it("the thread runs at the lowest OS priority, so it gets only the CPU the main thread leaves (Linux)", (ctx) => {
    const ids = roomy.site.renderThreads!.threadIds;
    if (!existsSync("/proc/self/task")) {
      console.log("skipped: no /proc/self/task (not Linux): threads keep the process's priority there");
      return ctx.skip();
    }
    expect(ids).toHaveLength(1);
    // Field 19 of a task's stat is its nice value; the fields after the command name start at field 3.
    const stat = readFileSync(`/proc/self/task/${ids[0]}/stat`, "latin1");
    const nice = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19 - 3]);
    expect(nice).toBe(19);
    // The main thread keeps its own.
    const own = readFileSync(`/proc/self/stat`, "latin1");
    expect(Number(own.slice(own.lastIndexOf(")") + 2).split(" ")[19 - 3])).not.toBe(19);
  });

  it("the next request for the slow page goes straight to the thread", async () => {
    const sent = roomy.site.renderThreads!.stats.rendered;
    const res = await roomy.get("/blog/slow");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("finished");
    // Not tried on the main thread again (no second handover), rendered on the thread.
    expect(roomy.site.pagesHandedOver).toBe(1);
    expect(roomy.site.renderThreads!.stats.rendered).toBe(sent + 1);
  }, 600_000);

  it("readers asking for the slow page at once share one render on the thread", async () => {
    const { rendered, joined } = roomy.site.renderThreads!.stats;
    const answers = await Promise.all([1, 2, 3].map(() => roomy.get("/blog/slow")));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await Promise.all(answers.map((r) => r.text()))).toEqual(["finished", "finished", "finished"]);
    expect(roomy.site.renderThreads!.stats.rendered).toBe(rendered + 1);
    expect(roomy.site.renderThreads!.stats.joined).toBe(joined + 2);
  }, 600_000);

  it("a page that does not end in time answers 503 at the full timeout while other requests are answered", async () => {
    const { order, hostile, other } = await race(strict, "/blog/spin", "/blog/1-Calm");
    expect(order).toEqual(["other", "hostile"]);
    expect(other).toBe(200);
    expect(hostile.status).toBe(503);
    expect(hostile.retryAfter).toBe("30");
    expect(hostile.body).toContain("taking too long to render");
    expect(strict.site.renderThreads!.stats.overran).toBe(1);
    // One line for the main thread's handover, one for the failure: both name the template and the URL.
    const lines = strictLog.filter((l) => l.url === "/blog/spin");
    expect(lines.map((l) => [l.level, l.code, l.template])).toEqual([
      [40, "E_RENDER_BUDGET", "templates/spin.html"],
      [50, "E_RENDER_TIMEOUT", "templates/spin.html"],
    ]);
  }, 600_000);

  it("asked again within the failure's lifetime, it answers 503 at once without rendering", async () => {
    const sent = strict.site.renderThreads!.stats.rendered;
    const logged = strictLog.length;
    const res = await strict.get("/blog/spin");
    expect(res.status).toBe(503);
    expect(strict.site.renderThreads!.stats.rendered).toBe(sent);
    expect(strict.site.renderThreads!.stats.overran).toBe(1);
    expect(strictLog.slice(logged).filter((l) => l.url === "/blog/spin")).toEqual([]);
    // And the rest of the site is served as before.
    expect((await strict.get("/blog/1-Calm")).status).toBe(200);
  });
});

describe("a page on a thread that waits for longer than the timeout without using the CPU", () => {
  it("is not stopped: the timeout counts the thread's CPU time (Linux)", async (ctx) => {
    if (!existsSync("/proc/self/task")) {
      console.log("skipped: no /proc/self/task (not Linux): the timeout counts wall time there");
      return ctx.skip();
    }
    const overran = strict.site.renderThreads?.stats.overran ?? 0;
    const res = await strict.get("/blog/6-Waits");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("waited");
    expect(strict.site.renderThreads!.stats.overran).toBe(overran);
  }, 600_000);
});

describe("a preview link (an entry not yet public)", () => {
  const preview = (t: TestServer, file: string, path: string) =>
    `${path}?preview=${t.site.previews.token(file, Date.now() + 3_600_000)}`;

  it("renders under the same budget: a slow one goes to a thread, which opens the entry with the token", async () => {
    // Without its token the entry is not there.
    expect((await roomy.get("/blog/4-Later")).status).toBe(404);
    const handed = roomy.site.pagesHandedOver;
    const { order, hostile, other } = await race(
      roomy,
      preview(roomy, "blog/later.md", "/blog/4-Later"),
      "/blog/1-Calm",
    );
    expect(order).toEqual(["other", "hostile"]);
    expect(other).toBe(200);
    expect(hostile.status).toBe(200);
    expect(hostile.body).toBe("finished");
    expect(roomy.site.pagesHandedOver).toBe(handed + 1);
  }, 600_000);

  it("one that does not end in time is stopped and answers 503 while other requests are answered", async () => {
    const overran = strict.site.renderThreads?.stats.overran ?? 0;
    const { order, hostile, other } = await race(
      strict,
      preview(strict, "blog/never.md", "/blog/5-Never"),
      "/blog/1-Calm",
    );
    expect(order).toEqual(["other", "hostile"]);
    expect(other).toBe(200);
    expect(hostile.status).toBe(503);
    expect(strict.site.renderThreads!.stats.overran).toBe(overran + 1);
  }, 600_000);
});

describe("an entry whose text is too long to render within a budget", () => {
  it("goes to a thread before its Markdown is rendered on the main thread, and answers 200 with all of it", async () => {
    const handed = roomy.site.pagesHandedOver;
    const res = await roomy.get("/blog/2-Long");
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain("Paragraph 0 of a long entry");
    expect(body).toContain("Paragraph 2999 of a long entry");
    expect(roomy.site.pagesHandedOver).toBe(handed + 1);
  }, 600_000);
});

describe("a listing whose entry's first paragraph is too long to render within a budget", () => {
  it("goes to a thread before that paragraph is rendered on the main thread, and answers 200", async () => {
    const handed = roomy.site.pagesHandedOver;
    const res = await roomy.get("/walls/");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("end of the line.");
    expect(roomy.site.pagesHandedOver).toBe(handed + 1);
  }, 600_000);
});
