// Publ's `login`, `logout` and `token_endpoint` and the signed-out `user`, as Publ's templates print them: links back
// to the page, errors where the site has no sign-in (as Publ without auth), and Publ's empty, false user.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { captureLog, type CapturedLog } from "../store/log-capture.js";

const templates = {
  "templates/links.html": "[{{ login }}][{{ logout }}][{{ token_endpoint }}][{{ login(absolute=True) }}]",
  "templates/login-only.html": "[{{ login }}][{{ login('blog/') }}][{{ url_for('login', redir='x') }}]",
  "templates/logout.html": "line one\n[{{ logout }}]",
  "templates/token.html": "[{{ token_endpoint }}]",
  "templates/url-logout.html": "[{{ url_for('logout') }}]",
  "templates/who.html":
    "[{{ user }}][{{ user.is_bot }}][{{ 'in' if user else 'out' }}][{% if not user %}none{% endif %}][{{ user.identity }}]",
  "content/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01 10:00:00+00:00\n\nText.\n",
};

async function serve(signIn: boolean, log?: CapturedLog): Promise<{ root: string; t: TestServer }> {
  const root = makeSite({ ...templates, "quire.toml": `[auth]\nsign_in = ${signIn}\n` });
  const t = await serveSite(root, {
    ...(log ? { logger: log.logger } : {}),
    env: { QUIRE_SECRET: "s", QUIRE_BASE_URL: "https://quire.test" },
  });
  return { root, t };
}

describe("with sign-in (the default)", () => {
  let root: string;
  let t: TestServer;
  beforeAll(async () => ({ root, t } = await serve(true)));
  afterAll(async () => {
    await t?.stop();
    if (root) removeSite(root);
  });

  it("prints the links back to the page, as Publ's uncalled proxies do", async () => {
    const res = await t.get("/links?tag=cats");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      "[/_login/links%3Ftag%3Dcats][/_logout/links%3Ftag%3Dcats][/_tokens][https://quire.test/_login/links%3Ftag%3Dcats]",
    );
  });

  it("prints the signed-out reader as Publ's empty user, false in a test", async () => {
    expect(await (await t.get("/who")).text()).toBe("[User((&#39;&#39;,_None,_None))][False][out][none][]");
  });

  it("prints a signed-in reader as Publ prints its user", async () => {
    const token = t.site.auth.token("test:friend", 600);
    const res = await t.get("/who", { headers: { Authorization: `Bearer ${token}` } });
    expect(await res.text()).toBe(
      "[User((&#39;test:friend&#39;,_&#39;token&#39;,_None))][False][in][][test:friend]",
    );
  });
});

describe("with sign-in off, as Publ without auth", () => {
  let root: string;
  let t: TestServer;
  const log = captureLog();
  beforeAll(async () => ({ root, t } = await serve(false, log)));
  afterAll(async () => {
    await t?.stop();
    if (root) removeSite(root);
  });

  it("still gives the sign-in link, whose route answers 404", async () => {
    expect(await (await t.get("/login-only")).text()).toBe("[/_login/login-only][/_login/blog/][/_login/x]");
    expect((await t.get("/_login/login-only")).status).toBe(404);
  });

  it.each([
    ["/logout", "`logout`"],
    ["/token", "`token_endpoint`"],
    ["/url-logout", "`url_for('logout')`"],
  ])("fails the page that prints %s, saying why in the log", async (path, name) => {
    const res = await t.get(path);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("/_logout");
    const failure = log.lines.find((l) => l.msg === "page failed" && JSON.stringify(l).includes(name));
    expect(JSON.stringify(failure)).toContain("sign-in is off on this site ([auth] sign_in = false");
  });
});
