import { describe, it, expect, beforeAll, afterAll } from "vitest";
import fc from "fast-check";
import { join } from "node:path";
import { openIndex, refreshIndex, ContentIndex, type Db } from "../../src/db/index.js";
import { routeRequest, safeLocation, type Route } from "../../src/http/route.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { ANONYMOUS_ACCESS } from "../../src/auth/access-rule.js";

let root: string;
let db: Db;
let index: ContentIndex;

beforeAll(() => {
  root = makeSite({
    "content/blog/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\nPath-Alias: /old/a\n\nx\n",
    "content/blog/sub/b.md":
      "Title: B é\nEntry-ID: 22\nDate: 2024-01-02\nRedirect-To: https://example.org/\n\nx\n",
    "content/c.md": "Title: C\nEntry-ID: 333\nDate: 2024-01-03\nStatus: DRAFT\n\nx\n",
  });
  db = openIndex({ path: ":memory:" }).db;
  refreshIndex({ db, contentDir: join(root, "content"), timeZone: "UTC" });
  index = new ContentIndex(db);
});
afterAll(() => {
  db.close();
  removeSite(root);
});

const KINDS = new Set(["entry", "category", "redirect", "error"]);

function route(path: string, search = ""): Route {
  return routeRequest(
    {
      index,
      now: Date.now(),
      reader: ANONYMOUS_ACCESS,
      categories: new Set(index.categories()),
      hasTemplate: (_c, n) => n === "feed" || n === "entry",
      indexTemplate: () => "index",
      entryTemplate: () => null,
    },
    path,
    search,
  );
}

describe("the URL router, for any input", () => {
  it("returns a route and never throws or hangs", () => {
    const segment = fc.oneof(
      fc.constantFrom(
        "blog",
        "sub",
        "1",
        "22-b-é",
        "333",
        "feed",
        "_private",
        "..",
        ".",
        "%2e%2e",
        "%",
        "%E0%A4",
        "%00",
        "old",
        "a",
      ),
      fc.string({ maxLength: 12 }),
      fc.webSegment(),
    );
    const path = fc
      .array(segment, { maxLength: 6 })
      .chain((parts) => fc.boolean().map((slash) => `/${parts.join("/")}${slash ? "/" : ""}`));
    fc.assert(
      fc.property(path, fc.string({ maxLength: 30 }), (p, q) => {
        const r = route(p, q ? `?${q}` : "");
        expect(KINDS.has(r.kind)).toBe(true);
        if (r.kind === "redirect") expect(r.location).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 3000 },
    );
  });

  it("routes the known forms", () => {
    expect(route("/blog/1-A")).toMatchObject({ kind: "entry" });
    expect(route("/1", "?q=1")).toEqual({ kind: "redirect", location: "/blog/1-A?q=1", status: 301 });
    expect(route("/old/a")).toMatchObject({ kind: "redirect", location: "/blog/1-A" });
    expect(route("/blog/sub/22")).toMatchObject({ kind: "redirect", location: "https://example.org/" });
    expect(route("/333-c")).toMatchObject({ kind: "error", status: 403 });
    expect(route("/blog/feed")).toMatchObject({ kind: "category", category: "blog", template: "feed" });
    expect(route("/blog/../c")).toMatchObject({ kind: "error", status: 404 });
    // Templates that need an entry or an error are not pages of their own.
    expect(route("/blog/entry")).toMatchObject({ kind: "error", status: 404 });
  });
});

describe("redirect targets", () => {
  it("never carry control characters into a Location header", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const loc = safeLocation(s);
        // eslint-disable-next-line no-control-regex -- control characters are what must never appear
        if (loc !== null) expect(loc).not.toMatch(/[\u0000-\u001f\u007f]/);
      }),
      { numRuns: 3000 },
    );
    expect(safeLocation("/ok\r\nSet-Cookie: x=1")).toBeNull();
    expect(safeLocation("javascript:alert(1)")).toBeNull();
    expect(safeLocation("/über uns")).toBe("/%C3%BCber%20uns");
  });
});
