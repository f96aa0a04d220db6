/** `quire serve` on a site folder it cannot write: pages and images still answer 200, the data goes to a
 *  temporary folder, and not one byte under the site changes. As root (which ignores file modes) the folder
 *  is a read-only bind mount, or else the server runs as `nobody` (QUIRE_TEST_READ_ONLY=nobody forces that);
 *  as another user, file modes do. Skipped, saying why, when none of these is possible. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { readOnlyDataDir } from "../../src/config/site.js";
import { checksums } from "../helpers/site-fixture.js";

const REPO = join(import.meta.dirname, "..", "..");
const isRoot = process.getuid?.() === 0;

type Mode = "mount" | "nobody" | "modes";

let work: string;
let site: string;
let mode: Mode | null = null;
let skipReason = "";
let before: Record<string, string> = {};
let server: ChildProcess | undefined;
let log = "";
let base = "";

/** The temp data folder the server picks: it depends on the user the server runs as. */
function dataDirOf(site: string): string {
  const uid =
    mode === "nobody"
      ? Number(spawnSync("id", ["-u", "nobody"], { encoding: "utf8" }).stdout.trim())
      : undefined;
  return uid === undefined ? readOnlyDataDir(site) : readOnlyDataDir(site, uid);
}

function run(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

/** Makes `site` read-only for the server process, the best way this machine allows. */
function makeReadOnly(source: string, target: string): Mode | null {
  if (!isRoot) {
    cpSync(source, target, { recursive: true });
    chmodTree(target, 0o555, 0o444);
    return "modes";
  }
  mkdirSync(target);
  if (process.env.QUIRE_TEST_READ_ONLY !== "nobody") {
    if (run("mount", ["--bind", source, target]) && run("mount", ["-o", "remount,ro,bind", target]))
      return "mount";
    run("umount", [target]);
  }
  if (run("runuser", ["-u", "nobody", "--", "true"])) {
    rmSync(target, { recursive: true, force: true });
    cpSync(source, target, { recursive: true });
    chmodTree(target, 0o755, 0o644); // readable by nobody, writable only by root
    return "nobody";
  }
  return null;
}

function chmodTree(dir: string, dirMode: number, fileMode: number): void {
  chmodSync(dir, dirMode);
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, d.name);
    if (d.isDirectory()) chmodTree(path, dirMode, fileMode);
    else chmodSync(path, fileMode);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "quire-readonly-"));
  chmodSync(work, 0o755);
  const source = join(work, "source");
  mkdirSync(source);
  for (const dir of ["content", "templates", "static"])
    cpSync(join(REPO, dir), join(source, dir), { recursive: true });
  site = join(work, "site");
  mode = makeReadOnly(source, site);
  if (!mode) {
    skipReason = "neither a read-only bind mount nor runuser -u nobody is permitted here";
    return;
  }
  before = checksums(site);
  rmSync(dataDirOf(site), { recursive: true, force: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const args = [
    join(REPO, "bin", "quire.js"),
    "serve",
    "--site",
    site,
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, QUIRE_FROM_SOURCE: "1", QUIRE_SECRET: "read-only-test" };
  delete env.QUIRE_DATA_DIR;
  delete env.PORT;
  server =
    mode === "nobody"
      ? spawn("runuser", ["-u", "nobody", "--", process.execPath, ...args], {
          env: { ...env, HOME: "/tmp" },
          cwd: "/",
        })
      : spawn(process.execPath, args, { env, cwd: "/" });
  server.stdout?.on("data", (b: Buffer) => (log += b.toString()));
  server.stderr?.on("data", (b: Buffer) => (log += b.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const status = await fetch(`${base}/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (server.exitCode !== null) throw new Error(`quire serve exited:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`quire serve did not answer 200 in time:\n${log}`);
}, 90_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server!.once("exit", r));
  }
  if (mode === "mount") run("umount", [site]);
  if (site) rmSync(dataDirOf(site), { recursive: true, force: true });
  if (work) {
    if (mode === "modes") chmodTree(work, 0o755, 0o644);
    rmSync(work, { recursive: true, force: true });
  }
});

describe("quire serve on a read-only site", () => {
  it("serves pages and images, keeps its data in a temp folder, and writes nothing under the site", async (ctx) => {
    if (!server) {
      console.log(`read-only test skipped: ${skipReason}`);
      ctx.skip();
      return;
    }
    for (const url of ["/", "/blog/", "/blog/102-welcome-to-quire", "/feed", "/sitemap.xml"]) {
      expect((await fetch(base + url)).status, url).toBe(200);
    }
    const photos = await (await fetch(`${base}/photos/`)).text();
    const images = [
      ...new Set([...photos.matchAll(/\/_img\/[^"\s]+/g)].map((m) => m[0].replace(/&amp;/g, "&"))),
    ];
    expect(images.length).toBeGreaterThan(0);
    for (const url of images) {
      const res = await fetch(base + url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^image\//);
    }
    const dataDir = dataDirOf(site);
    expect(log).toContain("the site folder cannot be written");
    expect(log).toContain(dataDir);
    expect(statSync(join(dataDir, "index.db")).isFile()).toBe(true);
    expect(checksums(site)).toEqual(before);
    expect(readdirSync(site).sort()).toEqual(["content", "static", "templates"]);
  });
});
