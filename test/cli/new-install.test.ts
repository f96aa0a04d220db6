/** Issue 19 item 4: a site made by `quire new` installs with `npm install` (Quire from this checkout, nothing
 *  but the registry on the network) and serves with `npm start`; npm's SIGTERM stops the server with it. */
import { afterAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quire } from "./run-quire.js";
import { REPO } from "../helpers/process.js";
import { accepts, canBind, descendants, HAS_PROC, isRunning, startNpm } from "../helpers/npm-process.js";

const work = mkdtempSync(join(tmpdir(), "quire-new-install-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function npm(cwd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile("npm", args, { cwd }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe.skipIf(!HAS_PROC)("quire new, npm install, npm start", () => {
  if (!HAS_PROC) console.log("skipped: following the server process needs /proc (Linux)");

  it("installs Quire from this checkout, serves the new site, and stops with npm", async () => {
    const site = join(work, "field-notes");
    // The checkout's own `quire` from source: `quire new` names the package folder it runs from.
    const made = await quire(
      ["new", site],
      { QUIRE_FROM_SOURCE: "1" },
      undefined,
      join(REPO, "bin", "quire.js"),
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain('Quire comes from "quire-blog": "file:');
    const pkg = JSON.parse(readFileSync(join(site, "package.json"), "utf8"));
    expect(Object.keys(pkg.dependencies)).toEqual(["quire-blog"]);
    expect(pkg.dependencies["quire-blog"]).toMatch(/^file:/);
    expect(readFileSync(join(site, "Procfile"), "utf8")).toBe(
      "web: node node_modules/quire-blog/bin/quire.js serve\n",
    );

    const installed = await npm(site, ["install", "--prefer-offline", "--no-audit", "--no-fund"]);
    expect(installed.code, installed.output).toBe(0);
    expect(realpathSync(join(site, "node_modules", "quire-blog"))).toBe(realpathSync(REPO));
    const version = await npm(site, ["exec", "--offline", "--", "quire", "--version"]);
    expect(version.output).toContain(JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version);

    const npmStart = startNpm(site, ["start"], {
      PORT: "0",
      HOST: "127.0.0.1",
      QUIRE_SECRET: "test-secret",
      // This checkout's dist/ may be older than its source (or being rebuilt); the source is what is tested.
      QUIRE_FROM_SOURCE: "1",
    });
    let server: number[] = [];
    try {
      const port = Number((await npmStart.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/))[1]);
      await npmStart.waitFor(/"msg":"indexed 1 entry in /);
      server = descendants(npmStart.child.pid!);
      expect(server.length).toBeGreaterThan(0);
      const home = await fetch(`http://127.0.0.1:${port}/`);
      expect(home.status).toBe(200);
      const html = await home.text();
      expect(html).toContain("<title>Field notes");
      expect(html).toContain("Hello, world");

      npmStart.child.kill("SIGTERM");
      await npmStart.exited;
      expect(server.filter(isRunning), "processes npm started that outlive it").toEqual([]);
      expect(await accepts(port)).toBe(false);
      expect(await canBind(port)).toBe(true);
    } finally {
      for (const pid of server.filter(isRunning)) process.kill(pid, "SIGKILL");
      npmStart.child.kill("SIGKILL");
    }
  }, 120_000);
});
