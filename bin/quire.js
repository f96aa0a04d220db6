#!/usr/bin/env node
// Quire's command-line entry: runs the compiled CLI, or the TypeScript source through tsx when not built.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const args = process.argv.slice(2);
// `quire build` keeps every core busy with a rendering thread, and V8's background garbage-collection threads
// would only compete with them (a build of 10,000 entries on two cores: ~4 % faster without them). V8 takes
// the flag only at start, so the build runs in a node started with it.
if (args[0] === "build" && !process.execArgv.includes("--single-threaded-gc")) {
  const { spawnSync } = await import("node:child_process");
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, "--single-threaded-gc", fileURLToPath(import.meta.url), ...args],
    { stdio: "inherit" },
  );
  if (child.signal) process.kill(process.pid, child.signal);
  process.exit(child.status ?? 1);
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "cli", "main.js");
let main;
if (existsSync(compiled) && !process.env.QUIRE_FROM_SOURCE) {
  ({ main } = await import(pathToFileURL(compiled).href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(pathToFileURL(join(root, "src", "cli", "main.ts")).href));
}
const code = await main(args);
// A stopped server may leave idle sockets (memcached, S3 keep-alive) behind: leave now that it has drained.
if (args[0] === "serve") process.exit(code);
