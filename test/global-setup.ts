/**
 * Compiles Quire once per test run for the `quire` processes the tests start: the source transpiled by esbuild
 * (what tsx does to each file when a process runs from source) into a throwaway copy of the package, laid out as
 * a build is (`bin/`, `dist/`, `package.json`, `templates/`, `node_modules/`). A process started from source
 * loads tsx's loader in itself and in each of its threads, which cost 0.3-1 s of CPU each (`quire check` on the
 * sample site: 1.9 s from source, 1.1 s compiled; cli-tidy.test.ts, some twenty processes: 35.6 s, 17.3 s). The
 * copy is made afresh at every run, so no test runs a stale build. `QUIRE_TEST_BIN` names its `bin/quire.js`, and
 * `QUIRE_TEST_DIST` its `dist/`, where `src/db/ts-worker.mjs` finds the threads' modules.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { TestProject } from "vitest/node";

const REPO = fileURLToPath(new URL("..", import.meta.url));

/** Every file under `dir`, as paths relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)));
}

/** Transpiles `src/` into `root/dist/`, other files copied as they are. */
async function compile(root: string): Promise<void> {
  const src = join(REPO, "src");
  const all = files(src);
  await build({
    entryPoints: all.filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).map((f) => join(src, f)),
    outbase: src,
    outdir: join(root, "dist"),
    format: "esm",
    platform: "node",
    target: `node${process.versions.node.split(".")[0]}`,
    tsconfig: join(REPO, "tsconfig.json"),
    sourcemap: "inline",
    logLevel: "warning",
  });
  for (const f of all.filter((f) => !f.endsWith(".ts"))) cpSync(join(src, f), join(root, "dist", f));
}

/** Vitest's global setup: builds the copy (again before each rerun in watch mode); the teardown removes it. */
export default async function setup(project: TestProject): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), "quire-test-build-"));
  await compile(root);
  project.onTestsRerun(() => compile(root));
  cpSync(join(REPO, "bin"), join(root, "bin"), { recursive: true });
  cpSync(join(REPO, "package.json"), join(root, "package.json"));
  for (const name of ["templates", "node_modules"]) symlinkSync(join(REPO, name), join(root, name), "dir");
  process.env.QUIRE_TEST_BIN = join(root, "bin", "quire.js");
  // Threads that Quire started from source in a test's own process load their module from the copy too.
  process.env.QUIRE_TEST_DIST = join(root, "dist");
  return () => rmSync(root, { recursive: true, force: true });
}
