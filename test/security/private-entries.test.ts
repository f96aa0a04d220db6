/** Issue 17: an entry with an `Auth:` header is never shown to a signed-out reader: not at its URL, not in a
 *  listing, feed, sitemap, tag or date page, not through `?id=` paging or `entry.next/previous`, not in a
 *  static export. Entries whose rule admits the signed-out (`Auth: !*`) are the exception, as in Publ. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, readdirSync, readFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { buildSite, type BuildSummary } from "../../src/export/index.js";

const REPO = join(import.meta.dirname, "..", "..");
const NOW = Date.UTC(2026, 0, 1);

const post = (id: number, title: string, date: string, extra: string, body: string) =>
  `Title: ${title}\nEntry-ID: ${id}\nDate: ${date}\nTag: Shared\n${extra}\n${body}\n`;

// Every private entry's title and body carry a marker no public page may contain.
const PRIVATE: Record<string, string> = {
  "content/blog/friends.md": post(
    301,
    "Secret friends title",
    "2024-03-05 10:00:00+00:00",
    "Auth: friends\nPath-Alias: /old/friends.php\n",
    "SECRET-FRIENDS body.\n\n.....\n\nSECRET-FRIENDS more.",
  ),
  "content/blog/anyone.md": post(
    302,
    "Secret signed-in title",
    "2024-03-06 10:00:00+00:00",
    "Auth: *\n",
    "SECRET-SIGNED-IN body.",
  ),
  "content/blog/sub/deny.md": post(
    303,
    "Secret deny title",
    "2024-03-07 10:00:00+00:00",
    "Auth: friends !enemies\nRedirect-To: https://example.org/elsewhere\n",
    "SECRET-DENY body.",
  ),
};
const MARKERS = [
  "SECRET-FRIENDS",
  "SECRET-SIGNED-IN",
  "SECRET-DENY",
  "Secret friends",
  "Secret signed-in",
  "Secret deny",
];

const files: Record<string, string> = {
  "quire.toml": '[site]\ntitle = "Private test"\nbase_url = "https://example.test"\n[view]\ncount = 2\n',
  "content/blog/public1.md": post(
    201,
    "Public one",
    "2024-03-04 10:00:00+00:00",
    "",
    "Public one body, linking to [a friend post](301) and [another](friends.md).",
  ),
  "content/blog/public2.md": post(202, "Public two", "2024-03-08 10:00:00+00:00", "", "Public two body."),
  "content/blog/loggedout.md": post(
    203,
    "Only when signed out",
    "2024-03-06 12:00:00+00:00",
    "Auth: !*\n",
    "SIGNED-OUT-ONLY body.",
  ),
  ...PRIVATE,
};

let root: string;
let server: TestServer;

beforeAll(async () => {
  root = makeSite(files, "quire-private-");
  cpSync(join(REPO, "templates"), join(root, "templates"), { recursive: true });
  server = await serveSite(root, { now: () => NOW });
});

afterAll(async () => {
  await server?.stop();
  if (root) removeSite(root);
});

async function text(path: string): Promise<{ status: number; body: string }> {
  const res = await server.get(path);
  return { status: res.status, body: await res.text() };
}

function expectNoSecret(url: string, body: string): void {
  for (const m of MARKERS) expect(body, `${url} shows "${m}"`).not.toContain(m);
}

describe("a signed-out reader", () => {
  it("gets 401 at a private entry's every URL, with no text of it", async () => {
    for (const url of [
      "/blog/301-secret-friends-title",
      "/301",
      "/blog/301",
      "/old/friends.php",
      "/blog/302-secret-signed-in-title",
      "/302",
      "/blog/sub/303-secret-deny-title",
      "/303",
    ]) {
      const { status, body } = await text(url);
      expect(status, url).toBe(401);
      expectNoSecret(url, body);
    }
  });

  it("never sees a private entry in listings, feeds, the sitemap, tag, date or ?id= pages", async () => {
    const urls = [
      "/",
      "/blog/",
      "/blog/sub/",
      "/feed",
      "/blog/feed",
      "/sitemap.xml",
      "/archive",
      "/blog/archive",
      "/?tag=Shared",
      "/blog/?tag=Shared",
      "/blog/?date=2024-03",
      "/blog/?date=2024-03-05",
      "/blog/?date=2024",
      "/blog/?id=301",
      "/blog/?id=302",
      "/blog/?id=303",
      "/blog/?id=201",
      "/blog/?id=202",
      "/blog/201-Public-one",
      "/blog/202-Public-two",
      "/blog/203-Only-when-signed-out",
    ];
    for (const url of urls) {
      const { status, body } = await text(url);
      expect(status, url).toBe(200);
      expectNoSecret(url, body);
    }
    // The listings still list what the reader may read: the page is not simply empty.
    expect((await text("/blog/feed")).body).toContain("Public two");
    expect((await text("/blog/?tag=Shared")).body).toContain("Public two");
  });

  it("reads an entry whose rule admits only signed-out readers (Auth: !*), and finds it listed", async () => {
    const entry = await text("/blog/203-Only-when-signed-out");
    expect(entry.body).toContain("SIGNED-OUT-ONLY body.");
    expect((await text("/blog/feed")).body).toContain("SIGNED-OUT-ONLY");
  });

  it("follows entry.next/previous from a public entry straight over the private ones", async () => {
    // 203 (Mar 6 12:00) is the next readable entry after 201 (Mar 4); 301 and 302 lie between them.
    const { body } = await text("/blog/201-Public-one");
    expect(body).toContain("/blog/203-Only-when-signed-out");
    expectNoSecret("/blog/201-Public-one", body);
  });

  it("sees links to a private entry from a public one as its bare ID, without its title", async () => {
    const { body } = await text("/blog/201-Public-one");
    expect(body).toContain('href="/301"');
  });
});

describe("quire build", () => {
  let out: string;
  let summary: BuildSummary;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "quire-private-out-"));
    rmSync(out, { recursive: true, force: true });
    summary = await buildSite({
      site: root,
      out,
      jobs: 1,
      now: NOW,
      dataDir: mkdtempSync(join(tmpdir(), "quire-private-data-")),
      env: { QUIRE_SECRET: "private-test-secret" },
    });
  });

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("leaves private entries out of every file and reports how many", () => {
    expect(summary.failures).toEqual([]);
    expect(summary.privateEntries).toBe(3);
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const abs = join(dir, name);
        return statSync(abs).isDirectory() ? walk(abs) : [abs];
      });
    const written = walk(out);
    expect(written.length).toBeGreaterThan(5);
    for (const file of written) expectNoSecret(file, readFileSync(file, "utf8"));
    expect(
      existsSync(join(out, "blog", "201-Public-one.html")) ||
        written.some((f) => f.includes("201-Public-one")),
    ).toBe(true);
  });
});
