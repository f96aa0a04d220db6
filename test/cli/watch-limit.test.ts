/**
 * Issue 19, item 8: when the inotify limits stop the file watcher, `quire serve --dev` says so once, with the
 * sysctl that lifts them, and finds changes by polling. The limit is lowered in a user namespace of the
 * test's own (the machine's limits are untouched).
 */
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { freePort, FROM_SOURCE, QUIRE_BIN } from "../helpers/process.js";

const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

/** Whether this machine lets an unprivileged test lower its own inotify limit (user namespaces). */
function canLowerLimit(): boolean {
  try {
    execFileSync(
      "unshare",
      ["--user", "--map-root-user", "sh", "-c", "echo 5 > /proc/sys/user/max_inotify_watches"],
      {
        stdio: "ignore",
      },
    );
    return true;
  } catch {
    return false;
  }
}

const supported = canLowerLimit();
if (!supported)
  console.log("skipped: unshare --user cannot lower max_inotify_watches here (needs user namespaces)");

describe.skipIf(!supported)("a watcher over the inotify limit", () => {
  it("logs one message naming the sysctl, no stack traces, and picks up a new file by polling", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++)
      files[`content/c${i}/e${i}.md`] = `Title: E${i}\nEntry-ID: ${100 + i}\n\nx\n`;
    const root = makeSite(files);
    sites.push(root);
    const port = await freePort();
    const script = `echo 8 > /proc/sys/user/max_inotify_watches && exec "$0" "$@"`;
    const child = spawn(
      "unshare",
      [
        "--user",
        "--map-root-user",
        "sh",
        "-c",
        script,
        process.execPath,
        QUIRE_BIN,
        "serve",
        "--dev",
        "--site",
        root,
        "--port",
        String(port),
      ],
      {
        env: { ...process.env, QUIRE_FROM_SOURCE: FROM_SOURCE, QUIRE_SECRET: "x" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise((r) => child.once("exit", r));
    const until = async (check: () => boolean) => {
      while (!check()) {
        if (child.exitCode !== null) throw new Error(`quire exited:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await until(() => out.includes("watching for changes"));
      writeFileSync(join(root, "content/c0/new.md"), "Title: Brand new\nEntry-ID: 999\n\nNew.\n");
      await until(() => out.includes("content changed"));
      const page = await (await fetch(`http://127.0.0.1:${port}/c0/999-brand-new`)).text();
      expect(page).toContain("Brand new");
      expect(out.match(/sysctl fs\.inotify\.max_user_watches/g)).toHaveLength(1);
      expect(out).not.toMatch(/\n\s+at /);
      expect(out).not.toContain("watcher error");
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  }, 90_000);
});
