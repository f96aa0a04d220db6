/** Search finds what its reader may read: an `Auth:` entry for a reader its rule admits (signed in with a
 *  session or a bearer token), never for a signed-out or refused reader, who learns only Publ's
 *  `has_unauthorized`; signed-in search pages stay out of the shared cache; `quire build`'s static index
 *  holds no protected entry. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { buildSite } from "../../src/export/index.js";
import { Searcher } from "../../src/search/index.js";
import { ANONYMOUS_ACCESS } from "../../src/auth/access-rule.js";

const NOW = Date.UTC(2026, 0, 1);
const entry = (id: number, title: string, extra: string, body: string) =>
  `Title: ${title}\nEntry-ID: ${id}\nDate: 2024-02-0${id} 10:00:00+00:00\n${extra}\n${body}\n`;

// Every entry says "lantern"; each protected one also carries a marker word no one else may see.
const files: Record<string, string> = {
  "quire.toml":
    '[site]\ntitle = "Private search"\nbase_url = "https://example.test"\n[auth]\ntest_identities = true\n',
  "users.cfg": "[friends]\ntest:friend1\ntest:friend2\n\n[admin]\ntest:admin\n",
  "templates/search.html":
    "{% set r = search(request.query.q) %}total={{ r.total }} unauthorized={{ r.has_unauthorized }}" +
    "{% for hit in r.hits %}|{{ hit.entry.title }}: {{ hit.snippet }}{% endfor %}|" +
    "called={{ r.entries(unauthorized=5) | length }}",
  "content/public.md": entry(1, "Public lantern", "", "A lantern for everyone."),
  "content/friends.md": entry(2, "Friends lantern", "Auth: friends", "A lantern with zephyrmarker inside."),
  "content/not-two.md": entry(
    3,
    "Not-two lantern",
    "Auth: friends !test:friend2",
    "A lantern with quokkamarker inside.",
  ),
  "content/signed-in.md": entry(4, "Signed-in lantern", "Auth: *", "A lantern with ocelotmarker inside."),
  "content/signed-out.md": entry(5, "Signed-out lantern", "Auth: !*", "A lantern with wombatmarker inside."),
};
const PROTECTED = ["zephyrmarker", "quokkamarker", "ocelotmarker", "Friends lantern", "Not-two", "Signed-in"];

let root: string;
let t: TestServer;

beforeAll(async () => {
  root = makeSite(files, "quire-search-auth-");
  t = await serveSite(root, { now: () => NOW, cache: true, cacheMemoryBytes: 4 * 1024 * 1024 });
});

afterAll(async () => {
  await t?.stop();
  if (root) removeSite(root);
});

const search = async (q: string, headers: Record<string, string> = {}) => {
  const res = await t.get(`/search?q=${encodeURIComponent(q)}`, { headers });
  return { status: res.status, body: await res.text(), res };
};
const bearer = (identity: string) => ({ Authorization: `Bearer ${t.site.auth.token(identity, 3600)}` });

/** A session cookie from the sign-in form, as a browser gets one. */
async function sessionOf(identity: string): Promise<Record<string, string>> {
  const form = await t.get("/_login");
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  const csrfCookie = form.headers
    .getSetCookie()
    .find((c) => c.startsWith("quire_csrf="))!
    .split(";")[0]!;
  const res = await t.get("/_login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookie },
    body: new URLSearchParams({ csrf: csrf!, me: identity, redirect: "/" }).toString(),
  });
  expect(res.status).toBe(303);
  const session = res.headers
    .getSetCookie()
    .find((c) => c.startsWith("quire_session="))!
    .split(";")[0]!;
  return { Cookie: session };
}

describe("search for readers", () => {
  it("finds only unrestricted and signed-out entries for a signed-out reader, and says some were left out", async () => {
    const page = await search("lantern");
    expect(page.status).toBe(200);
    expect(page.body).toContain("total=2 ");
    expect(page.body).toContain("unauthorized=True");
    expect(page.body).toContain("Public lantern");
    expect(page.body).toContain("Signed-out lantern");
    for (const marker of PROTECTED) expect(page.body).not.toContain(marker);
    // Searching for a protected entry's own word finds nothing, but Publ's flag says something was refused.
    const marker = await search("zephyrmarker");
    expect(marker.body).toContain("total=0 unauthorized=True");
    expect(marker.body).not.toContain("Friends lantern");
    expect((await search("kettle")).body).toContain("total=0 unauthorized=False");
  });

  it("finds what a friend signed in with a session may read, with its snippet, and nothing else", async () => {
    const headers = await sessionOf("test:friend1");
    const page = await search("lantern", headers);
    expect(page.status).toBe(200);
    // The `Auth: !*` entry is for signed-out readers only: left out, and flagged as Publ does.
    expect(page.body).toContain("total=4 unauthorized=True");
    expect(page.body).toContain("|Friends lantern: A <mark>lantern</mark> with zephyrmarker inside.");
    expect(page.body).toContain("Not-two lantern");
    expect(page.body).toContain("Signed-in lantern");
    expect(page.body).not.toContain("Signed-out lantern");
    expect(page.body).toContain("called=4");
    expect((await search("zephyrmarker", headers)).body).toContain("total=1 unauthorized=False");
  });

  it("leaves out what a rule refuses a signed-in reader, who sees only the flag", async () => {
    const headers = await sessionOf("test:friend2");
    const page = await search("lantern", headers);
    expect(page.body).toContain("total=3 unauthorized=True");
    expect(page.body).not.toContain("quokkamarker");
    expect(page.body).not.toContain("Not-two");
    const refused = await search("quokkamarker", headers);
    expect(refused.body).toContain("total=0 unauthorized=True");
    expect(refused.body).not.toContain("Not-two");
  });

  it("finds protected entries for a bearer token its rule admits; an admin finds everything", async () => {
    const friend = await search("quokkamarker", bearer("test:friend1"));
    expect(friend.body).toContain("total=1 unauthorized=False");
    expect(friend.body).toContain("Not-two lantern");
    const stranger = await search("lantern", bearer("test:stranger"));
    expect(stranger.body).toContain("total=2 unauthorized=True");
    expect(stranger.body).toContain("Signed-in lantern");
    expect(stranger.body).not.toContain("zephyrmarker");
    const admin = await search("lantern", bearer("test:admin"));
    expect(admin.body).toContain("total=5 unauthorized=False");
  });

  it("keeps signed-in search pages out of the shared cache: private, and never served to the signed-out", async () => {
    const friend = bearer("test:friend1");
    for (let i = 0; i < 3; i++) {
      const page = await search("ocelotmarker", friend);
      expect(page.body).toContain("total=1 ");
      expect(page.res.headers.get("cache-control")).toMatch(/\bprivate\b/);
      expect(page.res.headers.get("x-cache")).not.toBe("hit");
    }
    // The same URL signed out, three times (cached from the second): never the friend's page.
    const seen: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await search("ocelotmarker");
      expect(page.body).toContain("total=0 unauthorized=True");
      expect(page.body).not.toContain("Signed-in lantern");
      expect(page.res.headers.get("cache-control") ?? "").not.toMatch(/private/);
      seen.push(page.res.headers.get("x-cache"));
    }
    // The signed-out page itself is shared as usual.
    expect(seen[2]).toBe("hit");
    // And a signed-in reader asking after it still gets their own results, not the cached page.
    const again = await search("ocelotmarker", friend);
    expect(again.body).toContain("total=1 unauthorized=False");
  });

  it("filters in the searcher itself: no reader given means a signed-out reader", () => {
    const searcher = new Searcher(t.site.index.db, { contentDir: join(root, "content"), timeZone: "UTC" });
    const signedOut = searcher.search("lantern", { now: NOW });
    expect(signedOut.total).toBe(2);
    expect(signedOut.hasUnauthorized).toBe(true);
    expect(searcher.search("lantern", { now: NOW, reader: ANONYMOUS_ACCESS }).total).toBe(2);
    const admin = {
      signedIn: true,
      groups: new Set(["test:admin", "admin"]),
      isAdmin: true,
      accessKey: "rA",
    };
    expect(searcher.search("lantern", { now: NOW, reader: admin }).total).toBe(5);
  });
});

describe("the static export's search index", () => {
  it("holds no protected entry's words or title, and holds the signed-out one's", async () => {
    const out = mkdtempSync(join(tmpdir(), "quire-search-auth-out-"));
    const data = mkdtempSync(join(tmpdir(), "quire-search-auth-data-"));
    try {
      const summary = await buildSite({
        site: root,
        out,
        jobs: 1,
        now: NOW,
        dataDir: data,
        env: { QUIRE_SECRET: "search-auth-secret" },
      });
      expect(summary.privateEntries).toBe(3);
      const dir = join(out, "_search");
      const texts: string[] = [];
      const walk = (d: string) => {
        for (const name of readdirSync(d)) {
          const p = join(d, name);
          if (statSync(p).isDirectory()) walk(p);
          else {
            const bytes = readFileSync(p);
            texts.push((p.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString());
          }
        }
      };
      walk(dir);
      const all = texts.join("\n");
      expect(all).toContain("wombatmark");
      expect(all).toContain("Signed-out lantern");
      expect(all).toContain("Public lantern");
      for (const word of [
        "zephyrmark",
        "quokkamark",
        "ocelotmark",
        "Friends lantern",
        "Not-two",
        "Signed-in",
      ])
        expect(all).not.toContain(word);
      expect(JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")).entries).toBe(2);
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    }
  });
});
