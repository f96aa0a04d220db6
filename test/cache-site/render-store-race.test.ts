import { describe, it, expect, afterAll } from "vitest";
import type { Request } from "express";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite } from "../helpers/http.js";

const goLive = Date.UTC(2030, 0, 1, 12, 0, 0);
const root = makeSite({
  "content/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\n\nA.\n",
  "content/later.md": `Title: Later\nEntry-ID: 2\nDate: ${new Date(goLive).toISOString()}\n\nLater.\n`,
});
afterAll(() => removeSite(root));

describe("a page rendered just before a scheduled entry goes live", () => {
  it("is not cached when it is stored just after: it lacks that entry", async () => {
    let clock = goLive - 10_000;
    const t = await serveSite(root, { cache: true, now: () => clock });
    try {
      const req = { method: "GET", url: "/", headers: {} } as unknown as Request;
      const page = {
        status: 200,
        body: "<p>home without Later</p>",
        headers: { "Content-Type": "text/html" },
        cacheable: true,
      };
      clock = goLive + 50;
      t.site.storePage(req, page, goLive - 50);
      await new Promise((r) => setTimeout(r, 50));
      expect(await t.site.pageCache!.get(t.site.cacheKey(req)!)).toBeNull();
      // Rendered and stored well before: cached, until the entry's time at the latest.
      clock = goLive - 10_000;
      t.site.storePage(req, page, clock);
      // The write is in the background: poll until it lands (the bound only catches a hang).
      const giveUp = Date.now() + 60_000;
      while (!(await t.site.pageCache!.get(t.site.cacheKey(req)!)) && Date.now() < giveUp)
        await new Promise((r) => setTimeout(r, 20));
      expect(await t.site.pageCache!.get(t.site.cacheKey(req)!)).not.toBeNull();
    } finally {
      await t.stop();
    }
  });
});
