/** What templates see of readers: `user` (identity, groups, is_admin, auth_type, token()), Publ's stubs
 *  (`view.unauthorized`, `view.has_unauthorized`, `view.entries(unauthorized=N)`), and stubs show no text. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

const entry = (id: number, title: string, day: number, extra = "") =>
  `Title: ${title}\nEntry-ID: ${id}\nDate: 2024-05-${String(day).padStart(2, "0")} 10:00:00+00:00\nTag: t\n${extra}\n${title.toUpperCase()}-TEXT\n`;

const files: Record<string, string> = {
  "quire.toml": "[view]\ncount = 10\n",
  "users.cfg": "[friends]\ntest:friend\n",
  "templates/index.html": [
    "has={{ view.has_unauthorized }}",
    "|entries={% for e in view.entries %}{{ e.id }},{% endfor %}",
    "|stubs={% for e in view.entries(unauthorized=1) %}{{ e.id }}:{{ e.title }}:{{ e.body }}:{{ e.link }}:{{ e.authorized }},{% endfor %}",
    "|unauth={% for e in view.unauthorized %}{{ e.id }}/{{ e.title(always_show=true) }},{% endfor %}",
    "|user={% if user %}{{ user.identity }} {{ user.groups | join('+') }} admin={{ user.is_admin }} via={{ user.auth_type }}{% else %}none{% endif %}",
  ].join(""),
  "templates/token.txt": "{{ user.token(3600) if user else 'none' }}",
  "templates/entry.html": "{{ entry.title }}",
  "content/a.md": entry(1, "Open", 1),
  "content/b.md": entry(2, "Friends one", 2, "Auth: friends"),
  "content/c.md": entry(3, "Friends two", 3, "Auth: friends"),
  "content/d.md": entry(4, "Open two", 4),
};

let root: string;
let server: TestServer;

beforeAll(async () => {
  root = makeSite(files, "quire-auth-objects-");
  server = await serveSite(root, { env: { QUIRE_SECRET: "objects-secret" } });
});
afterAll(async () => {
  await server?.stop();
  if (root) removeSite(root);
});

const page = async (path: string, token?: string) =>
  (await server.get(path, token ? { headers: { Authorization: `Bearer ${token}` } } : {})).text();

describe("Publ's unauthorized stubs", () => {
  it("tell a signed-out reader that private entries exist, without their titles or text", async () => {
    const body = await page("/");
    expect(body).toContain("has=True");
    expect(body).toContain("|entries=4,1,");
    // Newest first: one stub (entry 3) among the readable entries, no title, no text, a bare link.
    expect(body).toContain("|stubs=4:Open two:");
    expect(body).toContain("3:::/3:False,1:Open:");
    expect(body).not.toContain("FRIENDS ONE-TEXT");
    expect(body).not.toContain("FRIENDS TWO-TEXT");
    // `always_show` prints the title, as Publ does.
    expect(body).toContain("|unauth=3/Friends two,2/Friends one,");
    expect(body).toContain("|user=none");
  });

  it("are gone for a reader who may read everything, who sees user details", async () => {
    const token = server.site.auth.token("test:friend", 600);
    const body = await page("/", token);
    expect(body).toContain("has=False");
    expect(body).toContain("|entries=4,3,2,1,");
    expect(body).toContain("|unauth=|");
    expect(body).toContain("|user=test:friend friends admin=False via=token");
  });
});

describe("user.token()", () => {
  it("mints a bearer token a feed reader can use to read as the user", async () => {
    const first = server.site.auth.token("test:friend", 600);
    const minted = (await page("/token.txt", first)).trim();
    expect(minted).not.toBe("none");
    const res = await server.get("/3", { headers: { Authorization: `Bearer ${minted}` } });
    expect(res.status).toBe(301);
    expect(await page("/token.txt")).toBe("none");
  });
});
