/** Issue 19 item 5: `npm start` in a Quire checkout compiles only when the source changed since the last
 *  build, and a SIGTERM sent to npm stops the server it started (nothing left holding the port). */
import { afterAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../helpers/process.js";
import { accepts, canBind, descendants, HAS_PROC, isRunning, startNpm } from "../helpers/npm-process.js";

const work = mkdtempSync(join(tmpdir(), "quire-npm-start-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A checkout of its own (compiling into this one's dist/ would change what other tests run), sharing
 *  node_modules. */
function checkout(name: string): string {
  const root = join(work, name);
  for (const name of ["package.json", "tsconfig.json", "tsconfig.build.json", "quire.toml"])
    cpSync(join(REPO, name), join(root, name));
  for (const name of ["bin", "src", "templates", "content", "static"])
    cpSync(join(REPO, name), join(root, name), { recursive: true });
  symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"), "dir");
  return root;
}

/** `npm <script>` until the home page answers, then SIGTERM to npm; asserts nothing it started lives on. */
async function startAndStop(root: string, script = ["start"]): Promise<void> {
  const npm = startNpm(root, script, {
    PORT: "0",
    HOST: "127.0.0.1",
    QUIRE_DATA_DIR: join(work, "data"),
    QUIRE_SECRET: "test-secret",
    QUIRE_FROM_SOURCE: "",
  });
  let server: number[] = [];
  try {
    const port = Number((await npm.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/))[1]);
    await npm.waitFor(/\bindexed \d+ entr(y|ies) in/);
    server = descendants(npm.child.pid!);
    expect(server.length).toBeGreaterThan(0);
    const home = await fetch(`http://127.0.0.1:${port}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("<title>");

    npm.child.kill("SIGTERM");
    await npm.exited;
    expect(server.filter(isRunning), "processes npm started that outlive it").toEqual([]);
    expect(await accepts(port)).toBe(false);
    expect(await canBind(port)).toBe(true);
  } finally {
    for (const pid of server.filter(isRunning)) process.kill(pid, "SIGKILL");
    npm.child.kill("SIGKILL");
  }
}

describe.skipIf(!HAS_PROC)("npm start in a checkout", () => {
  if (!HAS_PROC) console.log("skipped: following the server process needs /proc (Linux)");

  it("compiles once, then starts without compiling; SIGTERM to npm stops the server both times", async () => {
    const root = checkout("quire");
    await startAndStop(root);
    const compiled = join(root, "dist", "cli", "main.js");
    const built = statSync(compiled).mtimeMs;

    await startAndStop(root);
    expect(statSync(compiled).mtimeMs, "dist/ was compiled again with nothing changed").toBe(built);
    // One full TypeScript compile: a bound for a loaded CI machine, not an expectation.
  }, 600_000);

  it("npm run dev serves the sample site from the source, and stops with npm", async () => {
    const root = checkout("quire-dev");
    await startAndStop(root, ["run", "dev"]);
    expect(existsSync(join(root, "dist")), "npm run dev compiled").toBe(false);
  }, 120_000);
});
