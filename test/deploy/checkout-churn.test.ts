/**
 * Issue 21, item 3: a `git checkout` under a serving site removed entry files before the index caught up, and
 * every listing that named one answered 500. Listings now leave out what they cannot read and refresh the index.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSite, removeSite, writeFiles } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: "Author",
  GIT_AUTHOR_EMAIL: "author@example.com",
  GIT_COMMITTER_NAME: "Author",
  GIT_COMMITTER_EMAIL: "author@example.com",
};
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env, stdio: "pipe" });
/** A checkout that lets the server answer requests while git works. */
const gitAsync = (cwd: string, ...args: string[]) => promisify(execFile)("git", args, { cwd, env });

const entry = (id: number, title: string) =>
  `Title: ${title}\nEntry-ID: ${id}\nDate: 2024-01-${String(id % 28).padStart(2, "0")} 10:00:00+00:00\n\nThe text of ${title}.\n`;

// Branch `main` has entries 1–12; branch `other` drops 1–6, moves 7–9 into another file, and adds 20–23.
const MAIN = Array.from({ length: 12 }, (_, i) => i + 1);
const OTHER = [7, 8, 9, 10, 11, 12, 20, 21, 22, 23];

let root: string;
let t: TestServer;

beforeAll(async () => {
  root = makeSite({
    // Listings show every entry's text, so each one reads the entry files.
    "templates/index.html":
      "{% for e in view.entries %}<li>{{ e.id }}: {{ e.title }} {{ e.body }}</li>{% endfor %}",
    "templates/entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}",
    "quire.toml": "[view]\ncount = 50\n",
  });
  git(root, "init", "-q", "-b", "main");
  writeFiles(
    root,
    Object.fromEntries(MAIN.map((id) => [`content/blog/e${id}.md`, entry(id, `Entry ${id}`)])),
  );
  git(root, "add", "-A");
  git(root, "commit", "-qm", "main");
  git(root, "checkout", "-qb", "other");
  for (const id of MAIN.filter((id) => id <= 9)) git(root, "rm", "-q", `content/blog/e${id}.md`);
  writeFiles(
    root,
    Object.fromEntries(
      OTHER.filter((id) => id <= 9 || id >= 20).map((id) => [
        `content/blog/moved-${id}.md`,
        entry(id, `Entry ${id}`),
      ]),
    ),
  );
  git(root, "add", "-A");
  git(root, "commit", "-qm", "other");
  git(root, "checkout", "-q", "main");
  // No watcher and no page cache: every request renders from an index that only the listing itself can refresh.
  t = await serveSite(root, { watch: false, cache: false });
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
});

const listed = (html: string) =>
  [...html.matchAll(/<li>(\d+):/g)].map((m) => Number(m[1])).sort((a, b) => a - b);

describe("git checkout of another branch while requests run", () => {
  it("never answers 500, and the listing is right once the index has caught up", async () => {
    // Nothing has been rendered yet, so no entry's text is in memory: the first pages read the files, after
    // the first checkout has taken six of them away.
    await gitAsync(root, "checkout", "-q", "other");
    const statuses = new Map<number, number>();
    let checkingOut = true;
    const paths = ["/", "/blog/", ...MAIN.map((id) => `/blog/${id}-entry-${id}`)];
    const client = async (n: number) => {
      for (let i = n; checkingOut || i < n + paths.length; i++) {
        const res = await t.get(paths[i % paths.length]!);
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    const clients = [0, 3, 7, 11].map(client);
    for (const branch of ["main", "other", "main", "other"]) await gitAsync(root, "checkout", "-q", branch);
    checkingOut = false;
    await Promise.all(clients);

    expect(statuses.get(500) ?? 0).toBe(0);
    expect([...statuses.keys()].every((s) => [200, 301, 404, 503].includes(s))).toBe(true);

    // The listing left out what it could not read and started a refresh; once the index has caught up
    // (the refresh a watcher would run), it shows exactly the branch's entries, the returned ones included.
    await t.site.refresh();
    const res = await t.get("/blog/");
    expect(res.status).toBe(200);
    expect(listed(await res.text())).toEqual(OTHER);
  });

  it("refreshes the index by itself when a listing meets a file that is gone", async () => {
    git(root, "checkout", "-q", "main");
    await t.site.refresh();
    git(root, "checkout", "-q", "other");
    const changed = new Promise<void>((resolve) => t.site.onChange(resolve));
    const first = await t.get("/blog/");
    expect(first.status).toBe(200);
    // Entries 1–6 are gone: the listing shows what it can read and does not name them.
    expect(listed(await first.text()).some((id) => id <= 6)).toBe(false);
    await changed;
    expect(listed(await (await t.get("/blog/")).text())).toEqual(OTHER);
  });

  it("answers 503 with Retry-After for an entry whose file moved, until the index catches up", async () => {
    git(root, "checkout", "-q", "main");
    await t.site.refresh();
    git(root, "checkout", "-q", "other");
    const res = await t.get("/blog/1-Entry-1");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    await t.site.refresh();
    expect((await t.get("/blog/1-Entry-1")).status).toBe(404);
    expect((await t.get("/blog/7-Entry-7")).status).toBe(200);
  });
});
