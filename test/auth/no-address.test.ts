/** A production site with no public address cannot send readers to their mail or their website and back:
 *  its sign-in page says so and offers neither, a forged attempt gets a clear 503, and bearer tokens still
 *  read private entries. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

let root: string;
let server: TestServer;

beforeAll(async () => {
  root = makeSite(
    {
      // Test identities (never in production) give the page a form, and so a form token to forge with.
      "quire.toml": '[site]\ntitle = "No address"\n[auth]\ntest_identities = true\n',
      "users.cfg": "[friends]\nmailto:reader@example.com\n",
      "templates/entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}",
      "content/friends.md":
        "Title: Friends\nEntry-ID: 2\nDate: 2024-01-01\nAuth: friends\n\nFRIENDS-ONLY text.\n",
    },
    "quire-no-address-",
  );
  server = await serveSite(root, {
    env: { QUIRE_SECRET: "no-address-secret", SMTP_URL: "smtp://127.0.0.1:9" },
  });
});

afterAll(async () => {
  await server?.stop();
  if (root) removeSite(root);
});

describe("sign-in without a public address", () => {
  it("says what the operator must set, and offers no form that could not work", async () => {
    const res = await server.get("/_login");
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("none is set");
    expect(html).toContain("base_url");
    expect(html).not.toContain('id="login-email"');
    expect(html).not.toContain('id="login-web"');
  });

  it("refuses an e-mail or website sign-in posted anyway with a clear 503, signing nobody in", async () => {
    const form = await server.get("/_login");
    const html = await form.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const cookie = form.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const fields: Record<string, string>[] = [
      { email: "reader@example.com" },
      { me: "https://reader.example/" },
    ];
    for (const field of fields) {
      const res = await server.get("/_login", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
        body: new URLSearchParams({ csrf, redirect: "/", ...field }).toString(),
      });
      const text = await res.clone().text();
      expect(res.status, text).toBe(503);
      expect(await res.text()).toContain("base_url");
      expect(res.headers.getSetCookie().some((c) => c.startsWith("quire_session="))).toBe(false);
    }
  });

  it("still lets a bearer token read a private entry", async () => {
    const token = server.site.auth.token("mailto:reader@example.com", 600);
    const res = await server.get("/2", { headers: { Authorization: `Bearer ${token}` }, redirect: "follow" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("FRIENDS-ONLY text.");
  });
});
