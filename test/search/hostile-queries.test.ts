/** Strange and hostile search queries get a page (200) or a clear refusal (400), never a server error, and
 *  what can be read of them is still searched. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveSite, type TestServer } from "../helpers/http.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { MAX_URL_LENGTH } from "../../src/http/server.js";

const HOSTILE = [
  '"unbalanced quote',
  'heron "',
  '""',
  "NEAR(",
  "NEAR(heron kettle, 2)",
  "heron NEAR/2 kettle",
  "*",
  "heron*",
  "* OR *",
  "AND",
  "OR heron OR",
  "NOT",
  "-",
  "-heron",
  "title:",
  "tag:",
  'tag:"',
  "{title}: heron",
  "title : heron ^",
  "heron:kettle",
  "rank:1",
  "'); DROP TABLE entries; --",
  "%00",
  "heron\u0000kettle",
  "\u0000",
  "x".repeat(10_000),
  "heron ".repeat(2_000),
  "(((((heron",
  "😀 heron 😀",
  "\u0301\u0301",
];

describe("hostile search queries", () => {
  let root: string;
  let t: TestServer;

  beforeAll(async () => {
    root = makeSite({
      "quire.toml": '[site]\ntitle = "Hostile"\n',
      "content/blog/heron.md":
        "Title: Heron\nEntry-ID: 1\nDate: 2024-01-01\nTag: birds\n\nA heron and a kettle.\n",
    });
    t = await serveSite(root);
  });
  afterAll(async () => {
    await t?.stop();
    removeSite(root);
  });

  it.each(HOSTILE.map((q) => [q.length > 40 ? `${q.slice(0, 20)}… (${q.length} chars)` : q, q]))(
    "%s answers 200 or 400",
    async (_label, q) => {
      const path = `/search?q=${encodeURIComponent(q)}`;
      const res = await t.get(path);
      // URLs past the server's limit are refused before routing, as every over-long URL is (414).
      expect(path.length > MAX_URL_LENGTH ? [414] : [200, 400]).toContain(res.status);
      const body = await res.text();
      if (res.status === 200) expect(body).toContain('class="search-form');
    },
  );

  it("still searches the words of a query FTS5 could not read as written", async () => {
    for (const q of [
      '"heron',
      "heron -",
      "heron*",
      "heron ".repeat(1000),
      "heron\u0000",
      "(((((heron",
      "title:heron",
    ]) {
      const body = await (await t.get(`/search?q=${encodeURIComponent(q)}`)).text();
      expect(body, q).toContain('href="/blog/1-Heron"');
    }
  });

  it("applies -exclude and tag: filters", async () => {
    const excluded = await (await t.get("/search?q=kettle+-heron")).text();
    expect(excluded).not.toContain('href="/blog/1-Heron"');
    const tagged = await (await t.get("/search?q=tag%3Abirds")).text();
    expect(tagged).toContain('href="/blog/1-Heron"');
    const otherTag = await (await t.get("/search?q=kettle+tag%3Afish")).text();
    expect(otherTag).not.toContain('href="/blog/1-Heron"');
  });

  it("puts the query in the page title, escaped", async () => {
    const body = await (await t.get(`/search?q=${encodeURIComponent("<b>heron</b>")}`)).text();
    expect(body).toMatch(/<title>Search: &lt;b&gt;heron&lt;\/b&gt; · Hostile<\/title>/);
    expect(body).not.toContain("<b>heron</b>");
  });

  it("answers odd page numbers with a page", async () => {
    for (const page of ["0", "-1", "999999999", "abc", "1e9", "2"]) {
      const res = await t.get(`/search?q=heron&page=${page}`);
      expect(res.status, page).toBe(200);
    }
  });
});
