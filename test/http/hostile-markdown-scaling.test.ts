/** A page whose one paragraph holds hundreds of thousands of emphasis delimiters renders in time linear in
 *  its size through the default theme's whole entry page (body, summary, card, plain text): one 600 KB line costs about
 *  what eight lines of an eighth its size cost, in CPU time measured in the same run. A quadratic step (a
 *  pass over the line at every delimiter) makes the ratio about 8. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

const LARGE = 200_000; // repeats of `*a_`: 600 KB
const entry = (id: number, repeats: number) =>
  `Title: Wall ${id}\nEntry-ID: ${id}\nDate: 2024-01-01\n\n${"*a_".repeat(repeats)}\n`;

let root: string;
let t: TestServer;

beforeAll(async () => {
  const files: Record<string, string> = {
    "content/wall/large.md": entry(100, LARGE),
  };
  for (let i = 0; i < 8; i++) files[`content/wall/small${i}.md`] = entry(200 + i, LARGE / 8);
  root = makeSite(files, "quire-hostile-scaling-");
  // Without a render budget, every page renders in this process's main thread: what is measured is the Markdown's
  // cost, not a rendering thread's start (the large page would otherwise go to one).
  t = await serveSite(root, { renderBudgetMs: 0 });
});

afterAll(async () => {
  await t?.stop();
  if (root) removeSite(root);
});

/** CPU time (this process serves the pages) to render the entries with these IDs, one after another. */
async function cpuCost(ids: number[]): Promise<number> {
  const start = process.cpuUsage();
  for (const id of ids) {
    const res = await t.get(`/${id}`, { redirect: "follow" });
    expect(res.status).toBe(200);
    await res.text();
  }
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

describe("a 600 KB line of emphasis delimiters", () => {
  it("costs about what eight lines of an eighth its size cost, not eight times as much", async () => {
    const small = await cpuCost([200, 201, 202, 203, 204, 205, 206, 207]);
    const large = await cpuCost([100]);
    const ratio = large / small;
    expect(ratio, `one page cost ${ratio.toFixed(1)}× as much as eight of an eighth its size`).toBeLessThan(
      3,
    );
  }, 120_000);
});
