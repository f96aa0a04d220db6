/** A data folder that is already full at boot (issue 21: the process exited with "database or disk is
 *  full"): the site serves from an index in memory and the log says what is wrong and where. */
import { describe, it, expect, afterAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { Site } from "../../src/site.js";
import { startServer } from "../../src/http/server.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";

/** A 256 KB tmpfs, filled to the brim; needs root and mount permission. */
function fullDisk(): { dir: string; unmount(): void } | { reason: string } {
  const dir = mkdtempSync(join(tmpdir(), "quire-full-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir], { stdio: "pipe" });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `cannot mount a small tmpfs to fill (${(err as Error).message.split("\n")[0]})` };
  }
  try {
    writeFileSync(join(dir, "filler"), Buffer.alloc(1024 * 1024));
  } catch {
    // ENOSPC: the disk is full, as wanted
  }
  // Lazy: a test that failed with files still open must not leave the mount behind.
  return {
    dir,
    unmount: () => {
      execFileSync("umount", ["-l", dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const disk = fullDisk();
const reason = "reason" in disk ? disk.reason : null;
if (reason && process.env.CI === "true") throw new Error(`data-folder-full test cannot run in CI: ${reason}`);
if (reason) console.warn(`skipping the data-folder-full test: ${reason}`);

const root = makeSite({
  "content/blog/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\n\nWritten before the disk filled up.\n",
});
afterAll(() => {
  removeSite(root);
  if ("unmount" in disk) disk.unmount();
});

describe.skipIf(reason !== null)("a data folder full at boot", () => {
  it.each([
    ["on the indexing thread", false],
    ["inline", true],
  ])("serves from an index in memory (%s) and says what is wrong", async (_how, inline) => {
    const { dir } = disk as { dir: string };
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: "warn" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const site = new Site({
      site: root,
      dataDir: dir,
      logger,
      inlineIndexer: inline,
      env: { QUIRE_SECRET: "s" },
      cache: false,
    });
    const server = await startServer(site, 0, "127.0.0.1");
    try {
      await site.start();
      const page = await fetch(`http://127.0.0.1:${server.port}/blog/1-a`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Written before the disk filled up.");
      const said = lines.filter((l) => l.level >= 50).map((l) => l.msg);
      expect(said).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `index cannot be written to ${dir}/index\\.db \\(database or disk is full\\): serving from an index in memory`,
          ),
        ),
      );
    } finally {
      await server.stop(1000);
    }
  });
});
