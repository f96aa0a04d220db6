/**
 * The bench runner: `npm run bench -- <name> [options]` runs bench/<name>.ts; with no name it lists them.
 * Every bench exports `run(args)`, a one-line `description`, and optionally `timeLimitS`; the runner
 * enforces that limit and cleans up children and scratch folders however the bench ends.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cleanupAll } from "./lib/cleanup.js";

/** The shape of a bench module. */
export interface BenchModule {
  description: string;
  /** Hard limit for the whole bench (default 15 minutes). */
  timeLimitS?: number;
  run(args: string[]): Promise<void>;
}

const HERE = dirname(fileURLToPath(import.meta.url));

function benchNames(): string[] {
  return readdirSync(HERE)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.endsWith(".test.ts") && f !== "run.ts")
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<BenchModule> {
  return (await import(pathToFileURL(join(HERE, `${name}.ts`)).href)) as BenchModule;
}

async function list(): Promise<void> {
  process.stdout.write(
    "usage: npm run bench -- <name> [options]   (options: npm run bench -- <name> --help)\n\n",
  );
  for (const name of benchNames()) {
    const mod = await load(name);
    process.stdout.write(`  ${name.padEnd(10)} ${mod.description}\n`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "list") {
    await list();
    return 0;
  }
  if (!benchNames().includes(name)) {
    process.stderr.write(`bench: no bench named "${name}"\n\n`);
    await list();
    return 2;
  }
  const mod = await load(name);
  const limitS = mod.timeLimitS ?? 900;
  const limit = setTimeout(() => {
    process.stderr.write(`\nbench ${name}: stopped after its time limit of ${limitS} s\n`);
    cleanupAll();
    process.exit(1);
  }, limitS * 1000);
  limit.unref();
  try {
    await mod.run(rest);
    return 0;
  } catch (err) {
    process.stderr.write(`bench ${name}: ${(err as Error).message}\n`);
    if (process.env.QUIRE_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  } finally {
    clearTimeout(limit);
    cleanupAll();
  }
}

// Exit explicitly: a load generator or a stray socket must not keep a finished bench alive.
process.exit(await main(process.argv.slice(2)));
