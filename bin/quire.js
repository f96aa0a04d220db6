#!/usr/bin/env node
// Quire's command-line entry: runs the compiled CLI, or the TypeScript source through tsx when not built.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

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
const args = process.argv.slice(2);
const code = await main(args);
// A stopped server may leave idle sockets (memcached, S3 keep-alive) behind: leave now that it has drained.
if (args[0] === "serve") process.exit(code);
