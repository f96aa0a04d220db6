/**
 * Issue 19, item 7: `quire serve --dev` listens on 127.0.0.1 unless told otherwise, reports a content problem
 * when the file that has it is saved, shows a template error (template, line, message) in the browser, and
 * previews drafts with --drafts.
 */
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { startQuire } from "../helpers/server.js";
import { freePort, FROM_SOURCE, QUIRE_BIN } from "../helpers/process.js";

const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

function site(files: Record<string, string> = {}): string {
  const root = makeSite({
    "quire.toml": '[site]\ntitle = "T"\n',
    "content/blog/post.md":
      "Title: A post\nEntry-ID: 7\nUUID: 0b6a4b8e-3f5e-4c47-9d8e-1f2a3b4c5d6e\nDate: 2024-01-01 10:00\n\nHello.\n",
    "content/blog/draft.md": "Title: Not yet\nEntry-ID: 8\nStatus: DRAFT\n\nSecret plans.\n",
    ...files,
  });
  sites.push(root);
  return root;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

describe("quire serve --dev", () => {
  it("listens on 127.0.0.1 when no host is given", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [QUIRE_BIN, "serve", "--dev", "--site", site(), "--port", String(port)],
      {
        env: { ...process.env, QUIRE_FROM_SOURCE: FROM_SOURCE, HOST: "" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise((r) => child.once("exit", r));
    try {
      await until(() => out.includes("listening on") || child.exitCode !== null);
      expect(out).toContain(`listening on http://127.0.0.1:${port}`);
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  }, 60_000);

  it("reports a bad date saved while it runs, shows template errors in the page, and previews drafts", async () => {
    const root = site();
    const server = await startQuire({ site: root, args: ["--dev", "--drafts"] });
    try {
      const draft = await fetch(`${server.url}/blog/8-not-yet`);
      expect(draft.status).toBe(200);
      expect(await draft.text()).toContain("Secret plans.");

      await until(() => server.output().includes("watching for changes"));
      writeFileSync(join(root, "content/blog/bad.md"), "Title: Bad\nEntry-ID: 9\nDate: 2025-13-45\n\nx\n");
      await until(() => server.output().includes("content/blog/bad.md:3"));
      expect(server.output()).toMatch(/content\/blog\/bad\.md:3: Date "2025-13-45" is not a date/);

      writeFileSync(
        join(root, "templates/entry.html"),
        "<!doctype html>\n<title>{{ entry.title }}</title>\n<p>{{ entry.title | no_such_filter }}</p>\n",
      );
      let res = await fetch(`${server.url}/blog/7-a-post`);
      while (res.status === 200) {
        await new Promise((r) => setTimeout(r, 50));
        res = await fetch(`${server.url}/blog/7-a-post`);
      }
      expect(res.status).toBe(500);
      const page = await res.text();
      expect(page).toContain("templates/entry.html");
      expect(page).toMatch(/no_such_filter/);
      expect(page).toContain("content/blog/post.md");
    } finally {
      await server.stop();
    }
  }, 90_000);

  it("without --drafts, a draft stays private (403)", async () => {
    const server = await startQuire({ site: site(), args: ["--dev"] });
    try {
      expect((await fetch(`${server.url}/blog/8-not-yet`)).status).toBe(403);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
