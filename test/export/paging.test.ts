/** Pagination worked out from two rendered pages, so the rest of a listing renders in parallel; and the
 *  queue that keeps each thread in date order. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { PagingExpander } from "../../src/export/paging.js";
import { JobQueue } from "../../src/export/job-queue.js";
import type { PageJob, PageResult } from "../../src/export/page-renderer.js";
import { Site } from "../../src/site.js";
import { silentLogger } from "../../src/log.js";
import { allPages, makeSpec } from "../../src/view/index.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";

const NOW = Date.UTC(2026, 0, 1);
let root: string;
let site: Site;

beforeAll(async () => {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 35; i++) {
    const day = String(i).padStart(2, "0");
    files[`content/blog/p${i}.md`] =
      `Title: Post ${i}\nDate: 2025-01-${day > "31" ? "31" : day} 10:00:00+00:00\nEntry-ID: ${i}\n\nText.\n`;
  }
  files["content/blog/p32.md"] = "Title: Post 32\nDate: 2025-02-01 10:00:00+00:00\nEntry-ID: 32\n\nText.\n";
  files["content/blog/p33.md"] = "Title: Post 33\nDate: 2025-02-02 10:00:00+00:00\nEntry-ID: 33\n\nText.\n";
  files["content/blog/p34.md"] = "Title: Post 34\nDate: 2025-02-03 10:00:00+00:00\nEntry-ID: 34\n\nText.\n";
  files["content/blog/p35.md"] = "Title: Post 35\nDate: 2025-02-04 10:00:00+00:00\nEntry-ID: 35\n\nText.\n";
  root = makeSite(files, "quire-paging-");
  site = new Site({
    site: root,
    dataDir: join(root, ".data"),
    cache: false,
    inlineIndexer: true,
    logger: silentLogger(),
    now: () => NOW,
  });
  await site.start();
});

afterAll(async () => {
  await site.close();
  removeSite(root);
});

/** Anchors of the listing's pages for a page size and order, as the server pages it. */
function anchors(count: number, order: "newest" | "oldest" = "newest"): number[] {
  const spec = makeSpec({ category: "blog", count, order });
  return allPages(site.index, spec, NOW).flatMap((p) => (p.id === null ? [] : [p.id]));
}

function page(url: string, links: string[]): Extract<PageResult, { kind: "page" }> {
  return {
    kind: "page",
    key: url,
    url,
    files: [],
    untyped: null,
    bytes: 0,
    links: links.map((u) => ({ key: u, url: u })),
    renditions: [],
    assets: [],
  };
}

function expander(): PagingExpander {
  return new PagingExpander(
    site,
    (url) => url,
    (path) => path === "/blog/",
  );
}

describe("PagingExpander", () => {
  it("queues every later page once page 2 confirms the page size", () => {
    const [second, third, ...rest] = anchors(10);
    const e = expander();
    expect(e.onPage(page("/blog/", ["/blog/1-post-1", `/blog/?id=${second}`]))).toEqual([]);
    const jobs = e.onPage(page(`/blog/?id=${second}`, ["/blog/", `/blog/?id=${third}`]));
    expect(jobs.map((j) => j.url)).toEqual(rest.map((id) => `/blog/?id=${id}`));
    expect(jobs.every((j) => typeof j.at === "number")).toBe(true);
  });

  it("works out other page sizes and orders", () => {
    const [second, third, fourth] = anchors(4, "oldest");
    const e = expander();
    e.onPage(page("/blog/", [`/blog/?id=${second}`]));
    const jobs = e.onPage(page(`/blog/?id=${second}`, [`/blog/?id=${third}`]));
    expect(jobs[0]?.url).toBe(`/blog/?id=${fourth}`);
    expect(jobs).toHaveLength(anchors(4, "oldest").length - 2);
  });

  it("queues nothing when page 2 does not continue the guessed listing", () => {
    const [second] = anchors(10);
    const e = expander();
    e.onPage(page("/blog/", [`/blog/?id=${second}`]));
    expect(e.onPage(page(`/blog/?id=${second}`, ["/blog/?id=1"]))).toEqual([]);
  });
});

describe("JobQueue", () => {
  it("hands out undated pages first, in arrival order, then the rest oldest first", () => {
    const q = new JobQueue();
    const job = (key: string, at?: number): PageJob =>
      at === undefined ? { key, url: key } : { key, url: key, at };
    for (const j of [job("c", 30), job("u1"), job("a", 10), job("u2"), job("b", 20)]) q.push(j);
    expect(q.take(2).map((j) => j.key)).toEqual(["u1", "u2"]);
    q.push(job("a0", 5));
    expect(q.take(10).map((j) => j.key)).toEqual(["a0", "a", "b", "c"]);
    expect(q.size).toBe(0);
  });
});
