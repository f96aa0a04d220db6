/** Content negotiation of templates, as Publ's `map_template` does it: a name with several variants (`feed.xml`,
 *  `feed.html`) answers with the one the `Accept` header prefers, 406 when it takes none of them, and the page
 *  cache keeps each variant apart. On the `accepts.*` templates of Publ's test site. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { acceptList, DEFAULT_ACCEPT, pickVariant } from "../../src/template/negotiate.js";

const KIT = join(import.meta.dirname, "../fixtures/publ-accept/templates");

let root: string;
let t: TestServer;

beforeAll(async () => {
  root = makeSite({
    "content/blog/one.md": "Title: One\nEntry-ID: 1\nDate: 2024-01-01\n\nOne.\n",
    "templates/index.html": "<p>index</p>",
    "templates/blog/entry.html": "<p>html entry {{entry.title}}</p>",
    "templates/blog/entry.txt": "text entry {{entry.title}}",
  });
  for (const f of ["accepts.atom", "accepts.htm", "accepts.html", "accepts.txt", "accepts.xml"])
    cpSync(join(KIT, f), join(root, "templates", f));
  t = await serveSite(root, { cache: true });
});
afterAll(async () => {
  await t?.stop();
  removeSite(root);
});

async function ask(path: string, accept?: string) {
  const res = await t.get(path, accept === undefined ? {} : { headers: { Accept: accept } });
  return {
    status: res.status,
    type: res.headers.get("content-type")?.split(";")[0],
    vary: res.headers.get("vary") ?? "",
    cache: res.headers.get("x-cache"),
    body: await res.text(),
  };
}

describe("a template with variants", () => {
  it("answers HTML to a client that takes anything, as Publ's default order does", async () => {
    for (const accept of [undefined, "*/*", ""]) {
      const r = await ask("/accepts", accept);
      expect([r.status, r.type, r.body.trim()], String(accept)).toEqual([
        200,
        "text/html",
        "<h1>This is accepts.html</h1>",
      ]);
      expect(r.vary).toContain("Accept");
    }
  });

  it("answers the variant the Accept header prefers", async () => {
    expect((await ask("/accepts", "text/plain")).body.trim()).toBe("This is accepts.txt");
    expect((await ask("/accepts", "application/atom+xml")).type).toBe("application/atom+xml");
    expect((await ask("/accepts", "text/plain;q=0.5, application/xml")).body).toContain(
      "This is accepts.xml",
    );
    // A browser's header: HTML first.
    const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    expect((await ask("/accepts", browser)).type).toBe("text/html");
  });

  it("answers 406 when the request takes none of the variants", async () => {
    expect((await ask("/accepts", "application/json")).status).toBe(406);
    expect((await ask("/accepts", "image/png, text/html;q=0")).status).toBe(406);
  });

  it("negotiates entry templates too", async () => {
    expect((await ask("/blog/1-One", "text/plain")).body).toBe("text entry One");
    expect((await ask("/blog/1-One")).body).toBe("<p>html entry One</p>");
  });

  it("keeps each variant apart in the page cache", async () => {
    const xml = await ask("/accepts?c=1", "application/xml");
    expect([xml.cache, xml.type]).toEqual(["miss", "application/xml"]);
    expect((await ask("/accepts?c=1", "application/xml")).cache).toBe("hit");
    const html = await ask("/accepts?c=1", "text/html");
    expect([html.cache, html.type]).toEqual(["miss", "text/html"]);
    const again = await ask("/accepts?c=1", "text/html");
    expect([again.cache, again.type, again.body.trim()]).toEqual([
      "hit",
      "text/html",
      "<h1>This is accepts.html</h1>",
    ]);
    expect((await ask("/accepts?c=1", "application/xml")).type).toBe("application/xml");
  });
});

describe("reading an Accept header", () => {
  it("orders ranges by q, then the more specific first, and leaves out what q=0 refuses", () => {
    expect(acceptList("text/*;q=0.5, text/plain;q=0.5, application/json")).toEqual([
      "application/json",
      "text/plain",
      "text/*",
    ]);
    expect(acceptList("text/html;q=0, application/xml")).toEqual(["application/xml"]);
    expect(acceptList("*/*")).toBe(DEFAULT_ACCEPT);
    expect(acceptList("nonsense, ;;")).toBe(DEFAULT_ACCEPT);
  });

  it("takes a file named exactly as asked only if its type is accepted", () => {
    const mime = (f: string) =>
      f.endsWith(".xml") ? "application/xml" : f.endsWith(".html") ? "text/html" : null;
    expect(pickVariant("test.xml", [], ["text/html"], mime)).toBe("refused");
    expect(pickVariant("test.xml", [], ["application/*"], mime)).toEqual({
      file: "test.xml",
      mime: "application/xml",
    });
    expect(pickVariant(null, ["feed.html", "feed.xml"], ["application/xml", "text/html"], mime)).toEqual({
      file: "feed.xml",
      mime: "application/xml",
    });
    expect(pickVariant(null, ["bloop.plap"], DEFAULT_ACCEPT, mime)).toBe("refused");
    expect(pickVariant(null, [], DEFAULT_ACCEPT, mime)).toBeNull();
  });
});
