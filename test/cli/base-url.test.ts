/**
 * Issue 19, item 3: production never links to localhost. The base URL comes from QUIRE_BASE_URL or
 * quire.toml, else Heroku's dyno metadata; without any, links are relative and Quire warns at start and in check.
 */
import { afterAll, describe, expect, it } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { startQuire } from "../helpers/server.js";
import { resolveBaseUrl } from "../../src/config/base-url.js";
import { quire } from "./run-quire.js";

const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

function site(toml = '[site]\ntitle = "T"\n'): string {
  const root = makeSite({
    "quire.toml": toml,
    "content/blog/post.md": "Title: A post\nEntry-ID: 7\nDate: 2024-01-01 10:00\n\nHello.\n",
  });
  sites.push(root);
  return root;
}

const NO_HEROKU = { HEROKU_APP_NAME: "", HEROKU_APP_DEFAULT_DOMAIN_NAME: "", QUIRE_BASE_URL: "" };

describe("the base URL", () => {
  it("comes from QUIRE_BASE_URL, quire.toml, then Heroku's dyno metadata; development falls back to localhost", () => {
    const heroku = { HEROKU_APP_NAME: "blog", HEROKU_APP_DEFAULT_DOMAIN_NAME: "blog-1a2b3c.herokuapp.com" };
    expect(resolveBaseUrl("https://a.example/", { QUIRE_BASE_URL: "https://b.example" }, false).url).toBe(
      "https://b.example",
    );
    expect(resolveBaseUrl("https://a.example/", heroku, false).url).toBe("https://a.example");
    expect(resolveBaseUrl("", heroku, false).url).toBe("https://blog-1a2b3c.herokuapp.com");
    expect(resolveBaseUrl("", { HEROKU_APP_NAME: "blog" }, false).url).toBe("https://blog.herokuapp.com");
    expect(resolveBaseUrl("", {}, true)).toMatchObject({
      url: "http://localhost:3000",
      source: "development",
    });
    expect(resolveBaseUrl("", {}, false)).toMatchObject({ url: "", source: "none" });
  });

  it("missing in production: quire check warns, and the server warns at start and never links to localhost", async () => {
    const root = site();
    const check = await quire(["check", "--site", root], NO_HEROKU);
    expect(check.code).toBe(0);
    expect(check.stderr).toMatch(/warning: no public address is set: .*base_url/);
    const server = await startQuire({ site: root, env: NO_HEROKU });
    try {
      const page = await (await fetch(`${server.url}/blog/7-A-post`)).text();
      expect(page).not.toContain("localhost");
      expect(page).toContain('<link rel="canonical" href="/blog/7-A-post">');
      const feed = await (await fetch(`${server.url}/feed`)).text();
      expect(feed).not.toContain("localhost");
      expect(server.output()).toMatch(/no public address is set/);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("is taken from Heroku's dyno metadata when quire.toml has none", async () => {
    const root = site();
    const env = {
      ...NO_HEROKU,
      HEROKU_APP_NAME: "blog",
      HEROKU_APP_DEFAULT_DOMAIN_NAME: "blog-1a2b3c.herokuapp.com",
    };
    const check = await quire(["check", "--site", root], env);
    expect(check.stderr).not.toContain("no public address");
    const server = await startQuire({ site: root, env });
    try {
      const page = await (await fetch(`${server.url}/blog/7-A-post`)).text();
      expect(page).toContain('href="https://blog-1a2b3c.herokuapp.com/blog/7-A-post"');
      expect(await (await fetch(`${server.url}/sitemap.xml`)).text()).toContain(
        "<loc>https://blog-1a2b3c.herokuapp.com/blog/7-A-post</loc>",
      );
      expect(server.output()).not.toMatch(/no public address/);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
