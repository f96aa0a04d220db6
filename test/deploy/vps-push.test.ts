/**
 * The server-of-your-own flow of docs/deploy-vps.md: `git push` to a bare repository whose post-receive hook
 * (taken from the guide, with only its folder changed) checks the site out; the running server's watcher
 * reindexes after each push; only a push that changes Quire itself rebuilds and restarts; a restart keeps
 * the index in the data folder and serves from its first answer.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../helpers/process.js";
import { bootAndProbe, type ProbedBoot } from "./boot-probe.js";

let root: string;
let bare: string;
let site: string;
let data: string;
let laptop: string;
let shimLog: string;
let env: NodeJS.ProcessEnv;
const servers: ProbedBoot[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "quire-vps-"));
  bare = join(root, "site.git");
  site = join(root, "site");
  data = join(root, "data");
  laptop = join(root, "laptop");
  mkdirSync(site);
  mkdirSync(laptop);

  // npm, npx and sudo are stand-ins that only record how the hook called them.
  const shims = join(root, "shims");
  mkdirSync(shims);
  shimLog = join(root, "shims.log");
  writeFileSync(shimLog, "");
  for (const name of ["npm", "npx", "sudo"]) {
    writeFileSync(join(shims, name), `#!/bin/sh\necho "${name} $*" >> "${shimLog}"\n`);
    chmodSync(join(shims, name), 0o755);
  }
  env = {
    ...process.env,
    PATH: `${shims}:${process.env.PATH ?? ""}`,
    GIT_AUTHOR_NAME: "Author",
    GIT_AUTHOR_EMAIL: "author@example.com",
    GIT_COMMITTER_NAME: "Author",
    GIT_COMMITTER_EMAIL: "author@example.com",
  };

  git(root, "init", "--bare", "-b", "main", bare);
  const hook = join(bare, "hooks", "post-receive");
  writeFileSync(hook, hookFromGuide().replace("SITE=/srv/quire/site", `SITE=${site}`));
  chmodSync(hook, 0o755);

  git(laptop, "init", "-b", "main");
  git(laptop, "remote", "add", "vps", bare);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  rmSync(root, { recursive: true, force: true });
});

/** The post-receive hook exactly as docs/deploy-vps.md prints it. */
function hookFromGuide(): string {
  const guide = readFileSync(join(REPO, "docs", "deploy-vps.md"), "utf8");
  const match = /<<'HOOK'\n([\s\S]*?)\nHOOK\n/.exec(guide);
  if (!match) throw new Error("docs/deploy-vps.md has no post-receive hook between <<'HOOK' and HOOK");
  return `${match[1]}\n`;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function write(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(laptop, path, ".."), { recursive: true });
    writeFileSync(join(laptop, path), text);
  }
}

/** Commits everything in the laptop's checkout and pushes it; returns what the shims saw during the push. */
function commitAndPush(message: string): string[] {
  git(laptop, "add", "-A");
  git(laptop, "commit", "-q", "-m", message);
  writeFileSync(shimLog, "");
  git(laptop, "push", "-q", "vps", "main");
  return readFileSync(shimLog, "utf8").split("\n").filter(Boolean);
}

/** How many times the server has logged a reindex after a change. */
function changesLogged(server: { output(): string }): number {
  return server.output().match(/content changed/g)?.length ?? 0;
}

/**
 * Waits for the watcher's reindex (the server logs "content changed") and then for the page to show it:
 * events, not a time allowance, so a busy machine only makes the wait longer (the test's timeout bounds it).
 */
async function waitFor(
  server: { url: string; output(): string },
  path: string,
  test: (body: string) => boolean,
  seen: number,
): Promise<void> {
  for (;;) {
    while (changesLogged(server) <= seen) await new Promise((resolve) => setTimeout(resolve, 50));
    seen = changesLogged(server);
    if (test(await (await fetch(server.url + path)).text())) return;
  }
}

describe("publishing to a server of your own by git push", () => {
  it("checks out on push, reindexes through the watcher, and keeps the index across a restart", async () => {
    write({
      "package.json": '{ "name": "my-blog", "private": true }\n',
      "quire.toml": '[site]\ntitle = "VPS test"\n\n[content]\nwatch = true\n',
      "content/blog/first.md": "Title: First post\nDate: 2025-01-01 10:00:00+00:00\n\nHello.\n",
      "templates/.keep": "",
    });
    // The first push installs, compiles and (re)starts the service.
    expect(commitAndPush("First")).toEqual([
      "npm ci --no-audit --no-fund",
      "npx tsc -p tsconfig.build.json",
      "sudo /usr/bin/systemctl restart quire",
    ]);
    expect(readFileSync(join(site, "content/blog/first.md"), "utf8")).toContain("First post");

    const env = { QUIRE_DATA_DIR: data };
    const first = await bootAndProbe(site, "/blog/", env);
    servers.push(first);
    expect(first.firstBody).toContain("First post");

    // A content-only push: no install, no restart; the watcher (once it runs) reindexes.
    while (!first.output().includes("watching for changes")) await new Promise((r) => setTimeout(r, 50));
    write({ "content/blog/second.md": "Title: Second post\nDate: 2025-01-02 10:00:00+00:00\n\nMore.\n" });
    let seen = changesLogged(first);
    expect(commitAndPush("Second")).toEqual([]);
    await waitFor(first, "/blog/", (body) => body.includes("Second post"), seen);

    // A push that removes a file removes the entry.
    rmSync(join(laptop, "content/blog/first.md"));
    seen = changesLogged(first);
    expect(commitAndPush("Remove the first")).toEqual([]);
    await waitFor(first, "/blog/", (body) => !body.includes("First post"), seen);

    // A push that changes Quire's dependencies installs, compiles and restarts.
    write({ "package.json": '{ "name": "my-blog", "private": true, "version": "1.0.1" }\n' });
    expect(commitAndPush("Upgrade")).toEqual([
      "npm ci --no-audit --no-fund",
      "npx tsc -p tsconfig.build.json",
      "sudo /usr/bin/systemctl restart quire",
    ]);

    // The restart: the index in the data folder is reused, so the very first answer is the page.
    expect(await first.stop()).toBe(0);
    const second = await bootAndProbe(site, "/blog/", env);
    servers.push(second);
    expect(second.statuses).toEqual([200]);
    expect(second.firstBody).toContain("Second post");
    expect(second.firstBody).not.toContain("First post");
    expect(second.output()).not.toMatch(/rebuilding it from content/);
    expect(await second.stop()).toBe(0);
  }, 120_000);
});
