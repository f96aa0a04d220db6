/** Private entries on two `quire serve` processes sharing one memcached, as two dynos: an allowed reader, a
 *  refused reader and a signed-out reader ask for the same URLs in an interleaved order on both; nobody ever
 *  gets a body they may not see, signed-out readers still get shared hits, and a magic link used on one
 *  process cannot be used again on the other. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { skipWithoutMemcached, startMemcached, type MemcachedServer } from "../helpers/memcached.js";
import { startQuire, type RunningQuire } from "../helpers/server.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { Signer } from "../../src/auth/signed-value.js";
import { fetchPage } from "./support.js";

const skip = skipWithoutMemcached("private entries: two processes");
const SECRET = "shared-secret";

const post = (id: number, title: string, day: number, extra: string, body: string) =>
  `Title: ${title}\nEntry-ID: ${id}\nDate: 2024-04-${day} 10:00:00+00:00\nTag: news\n${extra}\n${body}\n`;

const files = {
  "quire.toml": '[site]\ntitle = "Two dynos"\nbase_url = "https://example.test"\n[view]\ncount = 2\n',
  "users.cfg": "[friends]\ntest:friend\n",
  "templates/entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}",
  "templates/index.html": "{% for e in view.entries %}<p>{{ e.title }}: {{ e.body }}</p>{% endfor %}",
  "templates/feed.xml": "{% for e in view.entries %}<e>{{ e.title }} {{ e.body }}</e>{% endfor %}",
  "content/blog/a.md": post(1, "Open a", 10, "", "Open a text."),
  "content/blog/b.md": post(2, "Secret b", 11, "Auth: friends", "SECRET-B text."),
  "content/blog/c.md": post(3, "Open c", 12, "", "Open c text."),
};
const URLS = [
  "/blog/2",
  "/blog/2-Secret-b",
  "/blog/",
  "/",
  "/blog/feed",
  "/?tag=news",
  "/blog/?id=2",
  "/blog/?date=2024-04",
];

describe.skipIf(skip)("private entries on two processes sharing memcached", () => {
  let memcached: MemcachedServer;
  let root: string;
  const servers: RunningQuire[] = [];
  const signer = new Signer(SECRET);

  beforeAll(async () => {
    memcached = await startMemcached();
    root = makeSite(files, "quire-private-dynos-");
    const env = {
      MEMCACHE_SERVERS: memcached.servers,
      QUIRE_SECRET: SECRET,
      QUIRE_BASE_URL: "https://example.test",
      QUIRE_LOG_LEVEL: "warn",
      NODE_ENV: "production",
    };
    servers.push(...(await Promise.all([startQuire({ site: root, env }), startQuire({ site: root, env })])));
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    if (root) removeSite(root);
    await memcached?.stop();
  });

  it("never gives anyone a body they may not see, and keeps signed-out hits shared", async () => {
    const readers = {
      friend: { Authorization: `Bearer ${signer.sign({ p: "token", me: "test:friend" }, 3600)}` },
      other: { Cookie: `quire_session=${signer.sign({ p: "session", me: "test:other" }, 3600)}` },
      anonymous: {},
    } as const;
    const anonymousCache: string[] = [];
    // Three rounds, readers and processes interleaved in a fixed shuffled order.
    const order: [keyof typeof readers, number][] = [
      ["anonymous", 0],
      ["friend", 1],
      ["other", 0],
      ["friend", 0],
      ["anonymous", 1],
      ["other", 1],
    ];
    for (let round = 0; round < 3; round++) {
      for (const url of URLS) {
        for (const [name, server] of order) {
          const answer = await fetchPage(servers[server]!.url + url, readers[name]);
          const where = `${name} on process ${server}, round ${round}: ${url}`;
          if (name === "friend") {
            if (url.startsWith("/blog/2")) expect(answer.status, where).toBeLessThan(400);
            expect(answer.headers.get("x-cache"), where).toBe("miss");
            continue;
          }
          expect(answer.body, where).not.toContain("SECRET-B");
          expect(answer.body, where).not.toContain("Secret b");
          if (url === "/blog/2" || url === "/blog/2-Secret-b")
            expect(answer.status, where).toBe(name === "other" ? 403 : 401);
          if (name === "anonymous" && round > 0 && answer.status === 200)
            anonymousCache.push(answer.cache ?? "");
        }
      }
    }
    // The friend does read it, on both processes.
    for (const server of servers) {
      const page = await fetchPage(server.url + "/blog/2-Secret-b", readers.friend);
      expect(page.body).toContain("SECRET-B text.");
      expect(page.headers.get("cache-control")).toMatch(/private/);
    }
    expect(anonymousCache.length).toBeGreaterThan(0);
    expect(anonymousCache.every((c) => c === "hit")).toBe(true);
  });

  it("accepts a magic link once across both processes", async () => {
    const t = signer.sign(
      { p: "magic", me: "mailto:friend@example.com", jti: `j${Date.now()}`, to: "/" },
      600,
    );
    const results: number[] = [];
    for (const server of servers) {
      const form = await fetch(`${server.url}/_login?t=${encodeURIComponent(t)}`);
      const html = await form.text();
      const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
      const nonce = /quire_csrf=([^;]+)/.exec(form.headers.getSetCookie().join("\n"))![1]!;
      const res = await fetch(`${server.url}/_login`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `quire_csrf=${nonce}` },
        body: new URLSearchParams({ csrf, t }).toString(),
      });
      results.push(res.status);
    }
    expect(results).toEqual([303, 400]);
  });
});
