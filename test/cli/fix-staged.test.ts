/** `quire fix --staged`, alone and as the documented pre-commit hook: only staged entry files are stamped and
 *  staged again; files with unstaged changes are never staged behind the author's back. */
import { afterEach, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixCommand } from "../../src/cli/index-command.js";
import type { Output } from "../../src/cli/output.js";

const REPO = join(import.meta.dirname, "..", "..");
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", env: GIT_ENV });
}

function capture(): Output & { text: () => string } {
  const lines: string[] = [];
  return {
    line: (t) => lines.push(t),
    err: (t) => lines.push(t),
    json: (v) => lines.push(JSON.stringify(v)),
    text: () => lines.join("\n"),
  };
}

/** A git repository with the site in `site/` (so paths from git are not paths from the site). */
function repo(): { top: string; site: string; write: (rel: string, text: string) => void } {
  const top = mkdtempSync(join(tmpdir(), "quire-fix-staged-"));
  dirs.push(top);
  git(top, "init", "-q");
  const site = join(top, "site");
  mkdirSync(join(site, "content", "blog"), { recursive: true });
  writeFileSync(join(top, ".gitignore"), ".quire/\n");
  const write = (rel: string, text: string) => writeFileSync(join(site, rel), text);
  return { top, site, write };
}

const BARE = (title: string) => `Title: ${title}\n\nText of ${title}.\n`;

describe("quire fix --staged", () => {
  it("stamps and re-stages staged entries only, and leaves other files alone", () => {
    const { top, site, write } = repo();
    write("content/blog/staged.md", BARE("Staged"));
    write("content/blog/unstaged.md", BARE("Unstaged"));
    write(
      "content/blog/complete.md",
      "Title: Complete\nDate: 2025-01-01 10:00:00+00:00\nEntry-ID: 7\nUUID: 3f1c6f1e-1c2b-4d5e-8f90-123456789abc\n\nDone.\n",
    );
    git(top, "add", "site/content/blog/staged.md", "site/content/blog/complete.md", ".gitignore");
    const out = capture();
    expect(fixCommand(["--staged", "--site", site], out)).toBe(0);
    expect(out.text()).toBe("stamped and staged content/blog/staged.md");

    const staged = git(top, "show", ":site/content/blog/staged.md");
    expect(staged).toMatch(
      /^Title: Staged\nEntry-ID: \d+\nUUID: [0-9a-f-]{36}\nDate: .+\n\nText of Staged\.\n$/,
    );
    expect(readFileSync(join(site, "content/blog/staged.md"), "utf8")).toBe(staged);
    expect(readFileSync(join(site, "content/blog/unstaged.md"), "utf8")).toBe(BARE("Unstaged"));
    expect(git(top, "status", "--porcelain")).toContain("?? site/content/blog/unstaged.md");
  });

  it("does not stage a file that also has unstaged changes, and fails naming it", () => {
    const { top, site, write } = repo();
    write("content/blog/partial.md", BARE("Partial"));
    git(top, "add", "-A");
    write("content/blog/partial.md", `${BARE("Partial")}\nMore, not staged.\n`);
    const out = capture();
    expect(fixCommand(["--staged", "--site", site], out)).toBe(1);
    expect(out.text()).toContain(
      "content/blog/partial.md needs Entry-ID, UUID or Date headers but has unstaged changes",
    );
    expect(git(top, "show", ":site/content/blog/partial.md")).toBe(BARE("Partial"));
    expect(readFileSync(join(site, "content/blog/partial.md"), "utf8")).toContain("More, not staged.");
  });

  it("runs as the documented pre-commit hook: the commit has the headers", () => {
    const { top, site, write } = repo();
    const hook = join(top, ".git", "hooks", "pre-commit");
    writeFileSync(
      hook,
      `#!/bin/sh\ncd site && exec "${process.execPath}" "${join(REPO, "bin", "quire.js")}" fix --staged\n`,
    );
    chmodSync(hook, 0o755);
    write("content/blog/hooked.md", BARE("Hooked"));
    git(top, "add", "-A");
    const commit = spawnSync("git", ["commit", "-q", "-m", "A new post"], {
      cwd: top,
      encoding: "utf8",
      env: { ...GIT_ENV, QUIRE_FROM_SOURCE: "1" },
    });
    expect(commit.status, commit.stderr).toBe(0);
    const committed = git(top, "show", "HEAD:site/content/blog/hooked.md");
    expect(committed).toMatch(/\nEntry-ID: \d+\nUUID: [0-9a-f-]{36}\nDate: /);
    expect(git(top, "status", "--porcelain")).toBe("");
    void site;
  });
});
