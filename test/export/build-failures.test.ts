/** What `quire build` does when something is wrong: a failing template is named and the rest is still
 *  written (exit 1), and the output folder is never somewhere a build could destroy the author's files. */
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildCommand } from "../../src/cli/build-command.js";
import { buildSite } from "../../src/export/index.js";
import type { Output } from "../../src/cli/output.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { FROM_SOURCE, QUIRE_BIN } from "../helpers/process.js";
import { spawnSync } from "node:child_process";

const NOW = Date.UTC(2026, 0, 1);
const sites: string[] = [];

afterEach(() => {
  for (const s of sites.splice(0)) removeSite(s);
});

function capture(): Output & { text: () => string; errors: () => string } {
  const lines: string[] = [];
  const errs: string[] = [];
  return {
    line: (t) => lines.push(t),
    err: (t) => errs.push(t),
    json: (v) => lines.push(JSON.stringify(v)),
    text: () => lines.join("\n"),
    errors: () => errs.join("\n"),
  };
}

function site(files: Record<string, string>): string {
  const root = makeSite({
    "content/blog/first.md": "Title: First\nDate: 2025-01-01 10:00:00+00:00\nEntry-ID: 1\n\nHello.\n",
    "content/blog/second.md": "Title: Second\nDate: 2025-01-02 10:00:00+00:00\nEntry-ID: 2\n\nHello again.\n",
    "content/notes/note.md": "Title: A note\nDate: 2025-01-03 10:00:00+00:00\nEntry-ID: 3\n\nA note.\n",
    "content/notes/later.md": "Title: Later\nDate: 2099-05-01 08:00:00+00:00\nEntry-ID: 4\n\nNot yet.\n",
    ...files,
  });
  sites.push(root);
  return root;
}

describe("quire build with failing pages", () => {
  it("names the entry and the template, writes every other page, and exits 1", async () => {
    const root = site({ "templates/blog/entry.html": '{% include "no-such-partial.html" %}\n' });
    const out = capture();
    const code = await buildCommand(
      ["--site", root, "--out", join(root, "dist"), "--jobs", "1", "--quiet"],
      out,
    );
    expect(code).toBe(1);
    expect(out.errors()).toMatch(/content\/blog\/first\.md: .*templates\/blog\/entry\.html/);
    expect(out.errors()).toMatch(/content\/blog\/second\.md/);
    expect(existsSync(join(root, "dist", "blog", "1-First"))).toBe(false);
    expect(existsSync(join(root, "dist", "notes", "3-A-note", "index.html"))).toBe(true);
    expect(existsSync(join(root, "dist", "blog", "index.html"))).toBe(true);
    expect(existsSync(join(root, "dist", "404.html"))).toBe(true);
  });

  it("reports a malformed entry by file and still exports the others", async () => {
    const root = site({ "content/blog/broken.md": "Title: Broken\nDate: next tuesday\n\nText.\n" });
    const summary = await buildSite({ site: root, jobs: 1, now: NOW });
    expect(summary.failures.map((f) => f.file)).toContain("content/blog/broken.md");
    expect(existsSync(join(root, "dist", "blog", "2-Second", "index.html"))).toBe(true);
  });

  it("leaves out a scheduled entry and says to rebuild after its date", async () => {
    const root = site({});
    const out = capture();
    expect(await buildCommand(["--site", root, "--jobs", "1", "--quiet"], out)).toBe(0);
    expect(out.text()).toContain(
      "left out: content/notes/later.md is scheduled; rebuild after 2099-05-01 08:00:00+00:00 to publish it",
    );
    expect(existsSync(join(root, "dist", "notes", "4-later"))).toBe(false);
    expect(readFileSync(join(root, "dist", "notes", "index.html"), "utf8")).not.toContain("Later");
  });
});

describe("redirect pages", () => {
  it.each([1, 2])(
    "that cannot be written are named, listed for hosts all the same, and the rest written (%i thread(s))",
    async (jobs) => {
      // `/feed` is a file, so no folder `feed/` can hold a page for the alias under it.
      const root = site({
        "content/blog/moved.md":
          "Title: Moved\nDate: 2025-01-04 10:00:00+00:00\nEntry-ID: 5\nPath-Alias: /feed/moved\nPath-Alias: /old/moved\n\nMoved.\n",
      });
      const summary = await buildSite({ site: root, jobs, now: NOW });
      expect(summary.warnings).toContainEqual({
        file: null,
        url: "/feed/moved",
        message: expect.stringMatching(/^could not write the redirect page feed\/moved\/index\.html: /),
      });
      const dist = join(root, "dist");
      expect(readFileSync(join(dist, "old", "moved", "index.html"), "utf8")).toContain(
        'href="/blog/5-Moved"',
      );
      expect(readFileSync(join(dist, "5", "index.html"), "utf8")).toContain('href="/blog/5-Moved"');
      expect(readFileSync(join(dist, "feed"), "utf8")).toContain("<feed");
      expect(readFileSync(join(dist, "_redirects"), "utf8")).toContain("/feed/moved /blog/5-Moved 301");
      // Entries 1, 2, 3 and 5 each have a `/<id>` page, and one alias has its own.
      expect(summary.redirects).toBe(5);
    },
  );
});

describe("the output folder", () => {
  it("refuses folders of the site itself", async () => {
    const root = site({});
    for (const outDir of [root, join(root, "content"), join(root, "templates", "x"), join(root, "static")]) {
      await expect(buildSite({ site: root, out: outDir, jobs: 1 })).rejects.toThrow(/refusing to build into/);
    }
  });

  it("refuses a non-empty folder that no build made, and cleans one that a build made", async () => {
    const root = site({});
    const other = join(root, "elsewhere");
    mkdirSync(other);
    writeFileSync(join(other, "precious.txt"), "keep me");
    await expect(buildSite({ site: root, out: other, jobs: 1 })).rejects.toThrow(/not made by quire build/);
    expect(readFileSync(join(other, "precious.txt"), "utf8")).toBe("keep me");

    const dist = join(root, "dist");
    await buildSite({ site: root, out: dist, jobs: 1 });
    writeFileSync(join(dist, "stale.html"), "old");
    await buildSite({ site: root, out: dist, jobs: 1 });
    expect(existsSync(join(dist, "stale.html"))).toBe(false);
    expect(existsSync(join(dist, "index.html"))).toBe(true);
  });
});

describe("quire build as a command", () => {
  // The command runs the build in a second node (started with V8 flags it takes only at start).
  const run = (root: string) =>
    spawnSync(process.execPath, [QUIRE_BIN, "build", "--site", root, "--jobs", "2", "--json"], {
      env: { ...process.env, QUIRE_FROM_SOURCE: FROM_SOURCE },
      encoding: "utf8",
      // Only bounds a build that hangs (spawnSync cannot be interrupted by the test's own time-out).
      timeout: 240_000,
    });

  // Two builds, each in two nodes with two rendering threads: on a loaded machine that is well over 30 s.
  it("passes on the build's output and exit code", { timeout: 600_000 }, () => {
    const ok = run(site({}));
    expect(ok.status, ok.stderr).toBe(0);
    const summary = JSON.parse(ok.stdout) as { pages: number; jobs: number; failures: unknown[] };
    expect(summary).toMatchObject({ jobs: 2, failures: [] });
    expect(summary.pages).toBeGreaterThan(5);

    const failing = run(site({ "templates/blog/entry.html": '{% include "no-such-partial.html" %}\n' }));
    expect(failing.status).toBe(1);
    const failures = (JSON.parse(failing.stdout) as { failures: { file: string }[] }).failures;
    expect(failures.map((f) => f.file)).toContain("content/blog/first.md");
  });
});

describe("rendering threads", () => {
  it("that cannot open the site fail the start with the reason, and stop", async () => {
    const { spawnPool } = await import("../../src/export/pool.js");
    const missing = join(site({}), "no-such-site");
    const pending = spawnPool(2);
    await expect(
      pending.start({
        site: missing,
        dataDir: join(missing, ".quire"),
        outDir: join(missing, "out"),
        now: NOW,
        env: {},
      }),
    ).rejects.toThrow(/could not start the rendering threads: .*no-such-site/);
  });
});
