import { describe, it, expect, afterAll } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "node:http";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite } from "../helpers/http.js";

const root = makeSite({
  "content/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\n\nText.\n",
  "templates/entry.html": "<!doctype html><html><body>{{ entry.title }}</body></html>",
});
afterAll(() => removeSite(root));

/** Opens the event stream and resolves with the first `reload` event's arrival, or rejects after `ms`. */
function nextReload(url: string, ms: number): { ready: Promise<void>; reload: Promise<void>; close(): void } {
  let close = () => undefined as void;
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const reload = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reload event within ${ms} ms`)), ms);
    const req = request(`${url}/_live/events`, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (chunk.includes(": connected")) ready();
        if (chunk.includes("event: reload")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    req.end();
    close = () => req.destroy();
  });
  return { ready: readyP, reload, close: () => close() };
}

describe("quire serve --dev", () => {
  it("adds the live-reload script to pages and tells open pages to reload when content changes", async () => {
    const t = await serveSite(root, { dev: true, watch: true, writeBack: false });
    try {
      const html = await (await t.get("/1-A")).text();
      expect(html).toContain('<script src="/_live/reload.js" defer></script></body>');
      expect((await t.get("/_live/reload.js")).headers.get("content-type")).toMatch(/javascript/);
      const stream = nextReload(t.url, 3000);
      await stream.ready;
      writeFileSync(join(root, "content/a.md"), "Title: A changed\nEntry-ID: 1\nDate: 2024-01-01\n\nText.\n");
      await stream.reload;
      stream.close();
      expect(await (await t.get("/1-A-changed")).text()).toContain("A changed");
    } finally {
      await t.stop();
    }
  });
});
