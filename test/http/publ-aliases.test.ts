// Path-Alias, Path-Mount and Path-Canonical as Publ routes them, on the `aliases/` folder of Publ's test site.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openIndex, refreshIndex, ContentIndex, type Db } from "../../src/db/index.js";
import { routeRequest, type Route } from "../../src/http/route.js";
import { ANONYMOUS_ACCESS } from "../../src/auth/access-rule.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/publ-aliases/content");

let root: string;
let db: Db;
let index: ContentIndex;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "quire-aliases-"));
  cpSync(FIXTURE, join(root, "content"), { recursive: true });
  db = openIndex({ path: ":memory:" }).db;
  refreshIndex({ db, contentDir: join(root, "content"), timeZone: "America/Los_Angeles" });
  index = new ContentIndex(db);
});
afterAll(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

function route(path: string): Route {
  return routeRequest(
    {
      index,
      now: Date.now(),
      categories: new Set(index.categories()),
      hasTemplate: (_c, n) => ["index", "archive", "feed", "style.css"].includes(n),
      indexTemplate: (c) => index.categoryMeta(c)?.indexTemplate ?? "index",
      entryTemplate: () => null,
      reader: ANONYMOUS_ACCESS,
    },
    path,
    "",
  );
}

const redirect = (location: string) => ({ kind: "redirect", location, status: 301 });

describe("entry aliases (Publ's answers)", () => {
  it("redirect a plain Path-Alias to the entry and serve a Path-Mount in place", () => {
    expect(route("/aliases/a1")).toEqual(redirect("/aliases/2505-Multiple-aliases"));
    expect(route("/aliases/a2")).toEqual(redirect("/aliases/2505-Multiple-aliases"));
    expect(route("/aliases/m1")).toMatchObject({ kind: "entry", entry: { id: 2505 }, template: null });
  });

  it("redirect an alias with a template to that view of the category, positioned at the entry", () => {
    expect(route("/alias/c1")).toEqual(redirect("/aliases/?id=892"));
    expect(route("/alias/c1i")).toEqual(redirect("/aliases/archive?id=892"));
    // The category's own index template is `archive` here, so it needs no name in the URL, and `index` does.
    expect(route("/alias/alt/c1")).toEqual(redirect("/aliases/alt-index/index?id=2814"));
    expect(route("/alias/alt/c1i")).toEqual(redirect("/aliases/alt-index/?id=2814"));
  });

  it("serve a Path-Mount with a template with that template", () => {
    expect(route("/alias/c1m")).toMatchObject({ kind: "entry", entry: { id: 892 }, template: "_alternate" });
  });

  it("serve the entry at its Path-Canonical, and redirect its other URLs there", () => {
    expect(route("/alias/canonical")).toMatchObject({ kind: "entry", entry: { id: 1209 } });
    expect(route("/aliases/1209")).toEqual(redirect("/alias/canonical"));
    expect(route("/1209")).toEqual(redirect("/alias/canonical"));
  });

  it("match aliases written with %20 or spaces, and paths with parentheses", () => {
    expect(route("/alias/with%20space")).toEqual(redirect("/aliases/197-Alias-with-spaces-in-it"));
    expect(route("/alias/with%28parens%29")).toMatchObject({ kind: "entry", entry: { id: 197 } });
  });

  it("let aliases claim paths that start with _, which are otherwise never content", () => {
    for (const path of ["/_error", "/error", "/_foo/_bar/baz", "/_login"])
      expect(route(path), path).toEqual(redirect("/aliases/1358-Exception-case"));
    expect(route("/_login/1358-Exception-case")).toMatchObject({ kind: "error", status: 404 });
  });

  it("send every alias of a Redirect-To entry to its target", () => {
    for (const path of ["/redir/busybee", "/mount/busybee", "/canon/busybee"])
      expect(route(path), path).toEqual(redirect("https://beesbuzz.biz/"));
  });
});

describe("category aliases from .cat files (Publ's answers)", () => {
  it("redirect to the category, with the template named when it is not the category's own", () => {
    expect(route("/alias/p1")).toEqual(redirect("/aliases/"));
    expect(route("/alias/p2")).toEqual(redirect("/aliases/"));
    expect(route("/alias/p3")).toEqual(redirect("/aliases/archive"));
    expect(route("/alias/alt/p1")).toEqual(redirect("/aliases/alt-index/"));
    expect(route("/alias/alt/p2")).toEqual(redirect("/aliases/alt-index/index"));
    expect(route("/alias/alt/p3")).toEqual(redirect("/aliases/alt-index/"));
  });

  it("show the category in place at a Path-Mount, with its template", () => {
    expect(route("/alias/p1m")).toEqual({ kind: "category", category: "aliases", template: "index" });
    expect(route("/alias/p3m")).toEqual({ kind: "category", category: "aliases", template: "archive" });
    expect(route("/alias/style.css")).toEqual({
      kind: "category",
      category: "aliases",
      template: "style.css",
    });
    expect(route("/alias/alt/p1m")).toEqual({
      kind: "category",
      category: "aliases/alt-index",
      template: "archive",
    });
    expect(route("/alias/alt/p2m")).toEqual({
      kind: "category",
      category: "aliases/alt-index",
      template: "index",
    });
  });
});
