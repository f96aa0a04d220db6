/** Issue 17: a file under content/ that only private entries refer to (an image, a PDF, a text file) is
 *  served by /_file/ only to a reader one of their `Auth:` rules admits; a file a public entry also uses,
 *  or that no entry mentions, stays public; a static export leaves private files out. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { buildSite, type BuildSummary } from "../../src/export/index.js";

const SECRET_TEXT = "SECRET-ATTACHMENT-TEXT";
const files: Record<string, string> = {
  "quire.toml": '[site]\ntitle = "Private files"\nbase_url = "https://example.test"\n',
  "users.cfg": "[friends]\ntest:friend\n",
  "templates/entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}",
  // A template may link a file by hand; the build still does not copy a private one.
  "templates/index.html":
    "{% for e in view.entries() %}<a href='{{ e.link }}'>{{ e.title }}</a>{% endfor %}" +
    "<a href='/_file/blog/notes.txt'>notes</a><a href='/_file/blog/shared.txt'>shared</a>",
  "content/blog/private.md":
    "Title: Private\nEntry-ID: 11\nDate: 2024-01-01\nAuth: friends\n\n" +
    'See [the notes](notes.txt), [the plan](<my plan.txt>) and ![a photo](photo.svg "title")\n\n' +
    '[ref]: /blog/ref.txt\n\nAnd [the shared one](shared.txt) and <a href="html-linked.txt">here</a>.\n',
  "content/blog/public.md":
    "Title: Public\nEntry-ID: 12\nDate: 2024-01-02\n\nAlso see [the shared one](shared.txt).\n",
  "content/blog/notes.txt": `${SECRET_TEXT} notes`,
  "content/blog/my plan.txt": `${SECRET_TEXT} plan`,
  "content/blog/photo.svg": `<svg xmlns="http://www.w3.org/2000/svg"><text>${SECRET_TEXT}</text></svg>`,
  "content/blog/ref.txt": `${SECRET_TEXT} ref`,
  "content/blog/html-linked.txt": `${SECRET_TEXT} html`,
  "content/blog/shared.txt": "shared with everyone",
  "content/blog/unreferenced.txt": "nobody links here",
};
const PRIVATE_FILES = ["notes.txt", "my%20plan.txt", "photo.svg", "ref.txt", "html-linked.txt"];

let root: string;
let server: TestServer;

beforeAll(async () => {
  root = makeSite(files, "quire-private-files-");
  server = await serveSite(root, { env: { QUIRE_SECRET: "private-files-secret" } });
});

afterAll(async () => {
  await server?.stop();
  if (root) removeSite(root);
});

const get = async (path: string, token?: string) => {
  const res = await server.get(path, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
  return { status: res.status, body: await res.text(), cache: res.headers.get("cache-control") ?? "" };
};

describe("/_file/ for a file only private entries refer to", () => {
  it("answers 401 to a signed-out reader, with none of the file", async () => {
    for (const name of PRIVATE_FILES) {
      const { status, body } = await get(`/_file/blog/${name}`);
      expect(status, name).toBe(401);
      expect(body, name).not.toContain(SECRET_TEXT);
    }
  });

  it("answers 403 to a signed-in reader the rule refuses", async () => {
    const stranger = server.site.auth.token("test:stranger", 600);
    const { status, body } = await get("/_file/blog/notes.txt", stranger);
    expect(status).toBe(403);
    expect(body).not.toContain(SECRET_TEXT);
  });

  it("serves it to a reader the rule admits, for that reader only", async () => {
    const friend = server.site.auth.token("test:friend", 600);
    for (const name of PRIVATE_FILES) {
      const { status, body, cache } = await get(`/_file/blog/${name}`, friend);
      expect(status, name).toBe(200);
      expect(body, name).toContain(SECRET_TEXT);
      expect(cache, name).toMatch(/private/);
    }
  });

  it("keeps files a public entry uses, and files no entry mentions, public", async () => {
    for (const name of ["shared.txt", "unreferenced.txt"]) {
      const { status, cache } = await get(`/_file/blog/${name}`);
      expect(status, name).toBe(200);
      expect(cache, name).not.toMatch(/private/);
    }
  });
});

describe("quire build", () => {
  let out: string;
  let summary: BuildSummary;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "quire-private-files-out-"));
    rmSync(out, { recursive: true, force: true });
    summary = await buildSite({
      site: root,
      out,
      jobs: 1,
      dataDir: mkdtempSync(join(tmpdir(), "quire-private-files-data-")),
      env: { QUIRE_SECRET: "private-files-secret" },
    });
  });

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("copies the files public pages use and none that only private entries use", () => {
    expect(summary.failures).toEqual([]);
    expect(existsSync(join(out, "_file", "blog", "shared.txt"))).toBe(true);
    expect(summary.warnings.map((w) => w.message).join("\n")).toMatch(/only private entries refer to it/);
    for (const name of ["notes.txt", "photo.svg", "ref.txt"])
      expect(existsSync(join(out, "_file", "blog", name)), name).toBe(false);
  });
});

// A site's references are read for every entry only once it has a private entry: the first private entry
// to arrive must still find the public entries that share its files.
describe("a site whose first private entry comes later", () => {
  let later: string;
  let site: TestServer;

  beforeAll(async () => {
    later = makeSite(
      {
        "quire.toml": '[site]\ntitle = "Later"\nbase_url = "https://example.test"\n',
        "users.cfg": "[friends]\ntest:friend\n",
        "content/blog/public.md":
          "Title: Public\nEntry-ID: 21\nDate: 2024-01-02\n\nSee [the shared one](shared.txt).\n",
        "content/blog/other.md":
          "Title: Other\nEntry-ID: 22\nDate: 2024-01-03\n\nAnd [the later one](later.txt).\n",
        "content/blog/shared.txt": "shared with everyone",
        "content/blog/later.txt": `${SECRET_TEXT} later`,
      },
      "quire-private-later-",
    );
    site = await serveSite(later, { env: { QUIRE_SECRET: "private-files-secret" } });
  });

  afterAll(async () => {
    await site?.stop();
    if (later) removeSite(later);
  });

  const status = async (path: string) => (await site.get(path)).status;

  it("keeps a file public while no entry is private, then follows the first private entry", async () => {
    expect(await status("/_file/blog/shared.txt")).toBe(200);
    expect(await status("/_file/blog/later.txt")).toBe(200);
    writeFileSync(
      join(later, "content/blog/private.md"),
      "Title: Private\nEntry-ID: 23\nDate: 2024-01-04\nAuth: friends\n\n" +
        "[Shared](shared.txt) and [secret](secret.txt).\n",
    );
    writeFileSync(join(later, "content/blog/secret.txt"), `${SECRET_TEXT} secret`);
    await site.site.refresh();
    // Only the private entry uses secret.txt; the public entry written before it still shares shared.txt.
    expect(await status("/_file/blog/secret.txt")).toBe(401);
    expect(await status("/_file/blog/shared.txt")).toBe(200);
    expect(await status("/_file/blog/later.txt")).toBe(200);
    // From then on every entry's references are kept: the public entry that stops using shared.txt leaves
    // it to the private one alone, and an entry made private takes its file with it.
    writeFileSync(
      join(later, "content/blog/public.md"),
      "Title: Public\nEntry-ID: 21\nDate: 2024-01-02\n\nNo files.\n",
    );
    writeFileSync(
      join(later, "content/blog/other.md"),
      "Title: Other\nEntry-ID: 22\nDate: 2024-01-03\nAuth: friends\n\nAnd [the later one](later.txt).\n",
    );
    await site.site.refresh();
    expect(await status("/_file/blog/shared.txt")).toBe(401);
    expect(await status("/_file/blog/later.txt")).toBe(401);
  });
});
