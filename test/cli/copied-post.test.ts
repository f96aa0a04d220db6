/**
 * Issue 19, item 1: a copied post never takes the original's permalink or UUID. `quire fix` and the dev
 * server write a fresh ID into the copy (the later file); `quire index` stops a deploy on an unsettled one.
 */
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync, renameSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { startQuire } from "../helpers/server.js";
import { quire } from "./run-quire.js";

const UUID = "0b6a4b8e-3f5e-4c47-9d8e-1f2a3b4c5d6e";
const ORIGINAL = `Title: Hello world\nEntry-ID: 4242\nUUID: ${UUID}\nDate: 2024-01-01 10:00\n\nThe first post.\n`;

const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

/** A site whose blog holds the original; `hello-world-copy.md` sorts before `hello-world.md`. */
function site(): { root: string; original: string; copy: string } {
  const root = makeSite({
    "quire.toml": '[site]\ntitle = "T"\nbase_url = "https://example.com"\n',
    "content/blog/hello-world.md": ORIGINAL,
  });
  sites.push(root);
  return {
    root,
    original: join(root, "content/blog/hello-world.md"),
    copy: join(root, "content/blog/hello-world-copy.md"),
  };
}

/** Copies the post with a new title, appearing at once (as a file manager's copy and save would leave it). */
function makeCopy(original: string, copy: string): void {
  const temp = join(dirname(dirname(original)), "..", "copy.tmp");
  writeFileSync(temp, readFileSync(original, "utf8").replace("Title: Hello world", "Title: Hello again"));
  renameSync(temp, copy);
}

function header(file: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.*)$`, "m").exec(readFileSync(file, "utf8"))?.[1];
}

/** Resolves once `check` holds, looking every 50 ms; the test's timeout bounds the wait. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

function git(cwd: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", ...args], {
    cwd,
    stdio: "ignore",
  });
}

describe("quire fix after copying a post", () => {
  it("gives the copy that is newer in git history a fresh Entry-ID and UUID and leaves the original alone", async () => {
    const { root, original, copy } = site();
    git(root, "init", "-q");
    git(root, "add", ".");
    git(root, "commit", "-qm", "first post");
    makeCopy(original, copy);
    // The copy looks older by modification time: git history decides before mtime.
    utimesSync(copy, new Date("2020-01-01"), new Date("2020-01-01"));
    const before = readFileSync(original);
    const r = await quire(["fix", "--site", root], { QUIRE_SECRET: "x" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("content/blog/hello-world-copy.md");
    expect(readFileSync(original).equals(before)).toBe(true);
    expect(header(copy, "Entry-ID")).toMatch(/^\d+$/);
    expect(header(copy, "Entry-ID")).not.toBe("4242");
    expect(header(copy, "UUID")).not.toBe(UUID);
    expect(readFileSync(copy, "utf8")).toContain("Title: Hello again");
    const check = await quire(["check", "--site", root], { QUIRE_SECRET: "x" });
    expect(check.stdout).toMatch(/^no problems/m);
  });

  it("without git history, takes the later modification time as the copy", async () => {
    const { root, original, copy } = site();
    makeCopy(original, copy);
    utimesSync(original, new Date("2020-01-01"), new Date("2020-01-01"));
    const r = await quire(["fix", "--site", root], { QUIRE_SECRET: "x" });
    expect(r.code).toBe(0);
    expect(header(original, "Entry-ID")).toBe("4242");
    expect(header(original, "UUID")).toBe(UUID);
    expect(header(copy, "Entry-ID")).not.toBe("4242");
  });
});

describe("quire index with an unsettled copy", () => {
  it("stops the deploy, naming both files and the command that settles it", async () => {
    const { root, original, copy } = site();
    makeCopy(original, copy);
    utimesSync(original, new Date("2020-01-01"), new Date("2020-01-01"));
    const r = await quire(["index", "--site", root, "--data", join(root, ".quire")], { QUIRE_SECRET: "x" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: content\/blog\/hello-world-copy\.md and content\/blog\/hello-world\.md both have Entry-ID 4242; run `quire fix`/,
    );
    expect(readFileSync(copy, "utf8")).toContain("Entry-ID: 4242");
  });
});

describe("serve --dev when a post is copied while it runs", () => {
  it("keeps the permalink on the original and writes a fresh ID into the copy", async () => {
    const { root, original, copy } = site();
    const server = await startQuire({ site: root, args: ["--dev"] });
    try {
      const permalink = `${server.url}/blog/4242-Hello-world`;
      expect((await fetch(permalink, { redirect: "manual" })).status).toBe(200);
      await until(() => server.output().includes("watching for changes"));
      makeCopy(original, copy);
      // The copy looks older and sorts first: only the index's memory of who had the ID can tell.
      utimesSync(copy, new Date("2020-01-01"), new Date("2020-01-01"));
      // Waits for the dev server's write into the copy (the test's own timeout bounds the wait).
      await until(() => header(copy, "Entry-ID") !== "4242");
      expect(header(original, "Entry-ID")).toBe("4242");
      expect(header(copy, "UUID")).not.toBe(UUID);
      const res = await fetch(permalink, { redirect: "manual" });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("Hello world");
      const feed = await (await fetch(`${server.url}/feed`)).text();
      expect(feed).toContain(UUID);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
