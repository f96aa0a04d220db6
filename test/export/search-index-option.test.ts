/** `[export] search_index = false`: `quire build` writes no static search index and leaves the index's search
 *  tables empty; the search page then says search is not available, and a server started on the same data
 *  folder still finds the entries. By default the index is written. */
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSite } from "../helpers/site-fixture.js";
import { buildSite } from "../../src/export/build.js";
import { openIndex } from "../../src/db/index.js";
import { serveSite } from "../helpers/http.js";

const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

function site(exportSection: string): string {
  const root = makeSite({
    "quire.toml": `[site]\ntitle = "T"\nbase_url = "https://blog.example"\n${exportSection}`,
    "content/a.md": "Title: Herons\nDate: 2025-01-01 10:00\nEntry-ID: 1\n\nA heron by the kettle.\n",
    "content/b.md": "Title: Lanterns\nDate: 2025-01-02 10:00\nEntry-ID: 2\n\nA lantern on the bridge.\n",
  });
  temp.push(root);
  return root;
}

async function build(root: string): Promise<{ out: string; data: string }> {
  const dir = mkdtempSync(join(tmpdir(), "quire-search-option-"));
  temp.push(dir);
  const out = join(dir, "out");
  const data = join(dir, "data");
  const summary = await buildSite({ site: root, dataDir: data, out, jobs: 1, env: {} });
  expect(summary.failures).toEqual([]);
  return { out, data };
}

const searchDocs = (data: string): number => {
  const { db } = openIndex({ path: join(data, "index.db") });
  try {
    return (db.prepare("SELECT count(*) AS n FROM search_docs").get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe("quire build: [export] search_index", () => {
  it("writes the static search index by default", async () => {
    const { out, data } = await build(site(""));
    expect(existsSync(join(out, "_search", "meta.json"))).toBe(true);
    expect(searchDocs(data)).toBe(2);
  }, 60_000);

  it("= false writes none, skips the search tables, and a server on that data folder still searches", async () => {
    const root = site("\n[export]\nsearch_index = false\n");
    const { out, data } = await build(root);
    expect(existsSync(join(out, "_search"))).toBe(false);
    // The search page is still there; its script finds no index and says so (templates/search.js).
    expect(readFileSync(join(out, "search", "index.html"), "utf8")).toContain("/search.js");
    expect(searchDocs(data)).toBe(0);
    const server = await serveSite(root, { dataDir: data });
    try {
      const res = await server.get("/search?q=heron");
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain("Herons");
      expect(html).not.toContain("Lanterns");
    } finally {
      await server.server.stop(1000);
    }
    expect(searchDocs(data)).toBe(2);
  }, 60_000);
});
