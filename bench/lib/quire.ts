/** Running the compiled Quire: makes sure dist/ is current, then spawns `node bin/quire.js …` the way users do. */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runTimed, startServer, type RunResult, type ServerHandle } from "./child.js";

/** The repository root (bench/lib/../..). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(REPO_ROOT, "bin", "quire.js");

/** A fixed secret, so rendition URLs are signed the same way in every run. */
export const BENCH_SECRET = "quire-bench-secret-not-for-production";

/**
 * Builds dist/ with `npm run build` (unless `skip`, in which case dist/ must be newer than src/).
 * Benches always measure the compiled build: the tsx loader would add start-up and compile time.
 * `root` is the checkout to build (this one by default).
 */
export function ensureCompiledBuild(options: { skip?: boolean; root?: string } = {}): void {
  const root = options.root ?? REPO_ROOT;
  const compiledMain = join(root, "dist", "cli", "main.js");
  if (options.skip) {
    if (!existsSync(compiledMain))
      throw new Error(`${root}/dist/ is missing: run \`npm run build\` there or drop --no-build`);
    const built = statSync(compiledMain).mtimeMs;
    const newest = newestMtime(join(root, "src"));
    if (newest > built)
      throw new Error(`${root}/dist/ is older than its src/: run \`npm run build\` or drop --no-build`);
    process.stderr.write(`bench: using the existing build in ${root}/dist/\n`);
    return;
  }
  process.stderr.write(`bench: npm run build in ${root} …\n`);
  const result = spawnSync("npm", ["run", "--silent", "build"], {
    cwd: root,
    encoding: "utf8",
    timeout: 180_000,
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  if (result.error) throw new Error(`npm run build could not run: ${result.error.message}`);
  if (result.status !== 0) {
    // tsc still emits JavaScript when it finds type errors; measure that, but say so.
    if (!existsSync(compiledMain)) throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
    const first = `${result.stdout}${result.stderr}`.trim().split("\n").slice(0, 5).join("\n");
    process.stderr.write(
      `bench: warning: npm run build reported errors; measuring the JavaScript it emitted\n${first}\n`,
    );
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, d.name);
    // A file removed while we walk (an editor's swap file) is simply not counted.
    const mtime = d.isDirectory()
      ? newestMtime(path)
      : (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    newest = Math.max(newest, mtime);
  }
  return newest;
}

/** The environment for a Quire child: never from source, a fixed secret, nothing inherited that moves its data. */
export function quireEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, QUIRE_SECRET: BENCH_SECRET, NODE_ENV: "production" };
  for (const key of ["QUIRE_FROM_SOURCE", "QUIRE_DATA_DIR", "QUIRE_DEBUG", "PORT", "NODE_OPTIONS"])
    delete env[key];
  for (const key of Object.keys(env)) if (/^(MEMCACHIER|MEMCACHEDCLOUD|MEMCACHE)_/.test(key)) delete env[key];
  return { ...env, ...extra };
}

/**
 * The memory settings app.json gives a Heroku dyno (`MALLOC_ARENA_MAX`, `NODE_OPTIONS`), read from app.json so
 * that a bench measuring memory runs the server as it is deployed.
 */
export function deployMemoryEnv(): Record<string, string> {
  const app = JSON.parse(readFileSync(join(REPO_ROOT, "app.json"), "utf8")) as {
    env: Record<string, { value?: string }>;
  };
  const out: Record<string, string> = {};
  for (const name of ["MALLOC_ARENA_MAX", "NODE_OPTIONS"]) {
    const value = app.env[name]?.value;
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The `quire index --json` summary fields the benches read. */
export interface IndexSummary {
  entries: number;
  categories: number;
  files: number;
  added: number;
  updated: number;
  removed: number;
  ms: number;
  problems: unknown[];
}

/** `node bin/quire.js index --site SITE --data DATA --json`, timed, with the child's memory sampled. */
export async function quireIndex(
  site: string,
  data: string,
  options: { timeoutMs?: number; nodeArgs?: readonly string[]; args?: readonly string[] } = {},
): Promise<RunResult & { summary: IndexSummary }> {
  const args = [
    ...(options.nodeArgs ?? []),
    BIN,
    "index",
    "--site",
    site,
    "--data",
    data,
    "--json",
    ...(options.args ?? []),
  ];
  const result = await runTimed(process.execPath, args, {
    env: quireEnv(),
    cwd: REPO_ROOT,
    timeoutMs: options.timeoutMs ?? 120_000,
  });
  if (result.code !== 0) {
    throw new Error(`quire index exited ${result.code ?? result.signal}:\n${result.stderr.slice(-2000)}`);
  }
  let summary: IndexSummary;
  try {
    summary = JSON.parse(result.stdout) as IndexSummary;
  } catch {
    throw new Error(`quire index --json printed something that is not JSON:\n${result.stdout.slice(0, 500)}`);
  }
  return { ...result, summary };
}

/** `node bin/quire.js serve` on 127.0.0.1:`port`, resolved once `readyPath` answers 200. */
export function quireServe(options: {
  site: string;
  data: string;
  port: number;
  readyPath?: string;
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Flags for node itself, e.g. --cpu-prof. */
  nodeArgs?: readonly string[];
  /** Another checkout whose compiled build to serve instead of this one's (`bench versus`). */
  root?: string;
}): Promise<ServerHandle> {
  const args = [
    ...(options.nodeArgs ?? []),
    options.root === undefined ? BIN : join(options.root, "bin", "quire.js"),
    "serve",
    "--site",
    options.site,
    "--data",
    options.data,
    "--host",
    "127.0.0.1",
  ];
  return startServer(process.execPath, [...args, "--port", String(options.port)], {
    env: quireEnv(options.env),
    cwd: options.root ?? REPO_ROOT,
    readyUrl: `http://127.0.0.1:${options.port}${options.readyPath ?? "/"}`,
    readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
  });
}
