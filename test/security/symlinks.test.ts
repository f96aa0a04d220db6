import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { rawGet } from "../helpers/raw-request.js";
import { checkCommand } from "../../src/cli/index-command.js";
import { SourceCatalog } from "../../src/image/source-catalog.js";

// Issue 21, item 5: symlinks that lead outside the site's folders are neither served nor published.
let root: string;
let outside: string;
let t: TestServer;

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

beforeAll(async () => {
  outside = mkdtempSync(join(tmpdir(), "quire-outside-"));
  writeFileSync(join(outside, "secret.txt"), "OUTSIDE-SECRET-TEXT\n");
  writeFileSync(
    join(outside, "post.md"),
    "Title: Outside post\nEntry-ID: 50\nDate: 2024-01-01\n\nOUTSIDE-ENTRY-BODY\n",
  );
  writeFileSync(join(outside, "pic.png"), PNG);
  mkdirSync(join(outside, "dir"));
  writeFileSync(join(outside, "dir", "leak.txt"), "OUTSIDE-FOLDER-TEXT\n");
  writeFileSync(
    join(outside, "dir", "leak.md"),
    "Title: Folder post\nEntry-ID: 51\nDate: 2024-01-01\n\nOUTSIDE-FOLDER-ENTRY\n",
  );
  root = makeSite({
    "static/ok.txt": "static and fine\n",
    "content/blog/draft.md": "Title: Draft\nStatus: DRAFT\nEntry-ID: 2\n\nINSIDE-DRAFT-BODY\n",
    "content/blog/hello.md": "Title: Hello\nEntry-ID: 1\nDate: 2024-01-01\n\nHello.\n",
  });
  symlinkSync("/etc/passwd", join(root, "content", "passwd.txt"));
  symlinkSync("/etc/passwd", join(root, "static", "passwd"));
  symlinkSync(join(outside, "secret.txt"), join(root, "content", "blog", "secret.txt"));
  symlinkSync(join(outside, "secret.txt"), join(root, "static", "secret.txt"));
  symlinkSync(join(outside, "post.md"), join(root, "content", "blog", "outside.md"));
  symlinkSync(join(outside, "dir"), join(root, "content", "linked"));
  symlinkSync(join(outside, "dir"), join(root, "static", "linked"));
  symlinkSync(join(outside, "pic.png"), join(root, "content", "blog", "pic.png"));
  // Links that stay inside the site are fine, but never make an entry servable as a file.
  symlinkSync("../../static/ok.txt", join(root, "content", "blog", "ok-link.txt"));
  symlinkSync("../content/blog/draft.md", join(root, "static", "draft.txt"));
  symlinkSync("draft.md", join(root, "content", "blog", "alias.txt"));
  t = await serveSite(root);
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
  rmSync(outside, { recursive: true, force: true });
});

const LEAK = /root:x:0|OUTSIDE-[A-Z-]+|INSIDE-DRAFT-BODY/;

describe("files behind symlinks", () => {
  it.each([
    "/_file/passwd.txt",
    "/static/passwd",
    "/_file/blog/secret.txt",
    "/static/secret.txt",
    "/_file/linked/leak.txt",
    "/static/linked/leak.txt",
    "/_file/blog/pic.png",
    "/static/draft.txt",
    "/_file/blog/alias.txt",
  ])("%s is not served", async (path) => {
    const res = await rawGet(t.url, path);
    expect(res.status).toBe(404);
    expect(res.body).not.toMatch(LEAK);
  });

  it("serves links that stay inside the site", async () => {
    const res = await rawGet(t.url, "/_file/blog/ok-link.txt");
    expect(res.status).toBe(200);
    expect(res.body).toBe("static and fine\n");
    expect((await rawGet(t.url, "/static/ok.txt")).body).toBe("static and fine\n");
  });

  it("publishes no entry from a linked file or folder outside content/", async () => {
    for (const path of ["/", "/blog/", "/feed", "/sitemap.xml", "/50", "/51", "/linked/"]) {
      const res = await rawGet(t.url, path);
      expect(res.body, path).not.toMatch(LEAK);
      expect(res.body, path).not.toMatch(/Outside post|Folder post/);
    }
    expect((await rawGet(t.url, "/50")).status).toBe(404);
    expect((await rawGet(t.url, "/blog/1-Hello")).status).toBe(200);
  });

  it("does not read image sources through a link outside the site", () => {
    const catalog = new SourceCatalog(join(root, "content"));
    expect(catalog.exists("blog/pic.png")).toBe(false);
  });

  it("quire check names each outside link and where it leads", async () => {
    const lines: string[] = [];
    const out = { line: (s: string) => lines.push(s), err: () => {}, json: () => {} };
    const code = await checkCommand(
      ["--site", root, "--data", mkdtempSync(join(tmpdir(), "quire-check-"))],
      out,
    );
    expect(code).toBe(1);
    const text = lines.join("\n");
    expect(text).toMatch(/content\/passwd\.txt: links to \/etc\/passwd, outside the site/);
    expect(text).toContain(`content/blog/outside.md: links to ${join(outside, "post.md")}`);
    expect(text).toContain(`content/linked: links to ${join(outside, "dir")}`);
    expect(text).not.toContain("ok-link.txt");
  });
});
