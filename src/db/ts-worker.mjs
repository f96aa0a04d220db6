// Starts a TypeScript worker module when Quire runs from source (development, tests): registers tsx in this thread first.
// Under the test suite, QUIRE_TEST_DIST names a copy of src/ compiled once for the run (test/global-setup.ts): the
// worker loads that copy's module instead, without tsx (its loader cost each thread 0.3-1 s of CPU).
import { workerData } from "node:worker_threads";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const compiled = process.env.QUIRE_TEST_DIST;
if (compiled) {
  const src = fileURLToPath(new URL("..", import.meta.url));
  const rel = relative(src, fileURLToPath(workerData.__entry)).replace(/\.ts$/, ".js");
  await import(pathToFileURL(join(compiled, rel)).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(workerData.__entry);
}
