import { describe, it, expect, afterAll } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { startQuireProcess } from "../helpers/process.js";

const root = makeSite({
  "content/blog/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\n\nHello.\n",
  // A page that takes a while to render, so a request is still in flight when the signal arrives.
  "templates/slow.html":
    "{% for i in range(0, 1500) %}{% for j in range(0, 1000) %}{% endfor %}{% endfor %}slow page done",
  "templates/index.html": "home",
});
afterAll(() => removeSite(root));

describe("SIGTERM", () => {
  it("lets the request in flight finish, then exits 0", async () => {
    // A budget far above the slow page, however busy the machine: this case is about draining, not budgets.
    const q = await startQuireProcess({
      site: root,
      env: { QUIRE_DATA_DIR: `${root}/.data`, QUIRE_RENDER_TIMEOUT_MS: "120000" },
    });
    const started = Date.now();
    const inflight = fetch(`${q.url}/slow`).then(async (r) => ({ status: r.status, body: await r.text() }));
    await new Promise((r) => setTimeout(r, 150));
    q.child.kill("SIGTERM");
    const res = await inflight;
    expect(res).toEqual({ status: 200, body: "slow page done" });
    const code = await q.exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(25_000);
    await expect(fetch(`${q.url}/`)).rejects.toThrow();
    expect(q.output()).toContain("stopping");
  });
});
