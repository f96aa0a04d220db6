import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { request } from "node:http";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { MAX_PATH_SEGMENTS, type RouteContext } from "../../src/http/route.js";
import type { ReaderAccess } from "../../src/auth/access-rule.js";

// Issue 21, item 2: `/a` repeated 4,090 times cost the router quadratic work in its segments.

let root: string;
let t: TestServer;
/** Category lookups made by the router since the last reset. */
let lookups = 0;

beforeAll(async () => {
  root = makeSite({
    "templates/index.html": "index of {{ category.path }}",
    "templates/entry.html": "{{ entry.title }}",
    "templates/error.html": "error {{ error.code }} in [{{ category.path }}]",
    "templates/404.html": "error {{ error.code }} in [{{ category.path }}]",
    "content/a/b/c/deep.md": "Title: Deep\nEntry-ID: 1\nDate: 2024-01-01\n\nText.\n",
  });
  t = await serveSite(root);
  const routeContext = t.site.routeContext.bind(t.site);
  t.site.routeContext = (reader: ReaderAccess): RouteContext => {
    const ctx = routeContext(reader);
    const categories = ctx.categories;
    const counted = {
      has: (c: string) => {
        lookups++;
        return categories.has(c);
      },
      [Symbol.iterator]: () => categories[Symbol.iterator](),
    } as ReadonlySet<string>;
    return { ...ctx, categories: counted };
  };
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
});

function raw(path: string): Promise<{ status: number; body: string }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a path with thousands of segments", () => {
  it("is refused with 414 before any category is looked up", async () => {
    lookups = 0;
    const res = await raw("/a".repeat(4090));
    expect(res.status).toBe(414);
    expect(res.body).toContain("error 414");
    expect(lookups).toBe(0);
  });

  it("is refused too when its slashes are percent-encoded", async () => {
    lookups = 0;
    const res = await raw("/a" + "%2Fa".repeat(2000));
    expect(res.status).toBe(414);
    expect(lookups).toBe(0);
  });

  it("leaves the site serving", async () => {
    await Promise.all(Array.from({ length: 4 }, () => raw("/a".repeat(4090))));
    expect((await raw("/a/b/c/")).status).toBe(200);
  });
});

describe("a long path within the limit", () => {
  it("looks up no more categories than the deepest category is deep, and finds the nearest one", async () => {
    lookups = 0;
    const res = await raw("/a/b/c" + "/x".repeat(MAX_PATH_SEGMENTS - 3));
    expect(res.status).toBe(404);
    expect(res.body).toContain("[a/b/c]");
    // Three prefixes for the nearest category, and the few the router tries before giving up on the path.
    expect(lookups).toBeLessThanOrEqual(3 + 3);
  });

  it("answers 404, not 414, at exactly the limit", async () => {
    expect((await raw("/x".repeat(MAX_PATH_SEGMENTS))).status).toBe(404);
    expect((await raw("/x".repeat(MAX_PATH_SEGMENTS + 1))).status).toBe(414);
  });
});
