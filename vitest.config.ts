import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The `quire` processes tests start run this run's compiled copy of the source (see the file).
    globalSetup: ["test/global-setup.ts"],
    // Time-outs only catch a test that hangs: tests wait for events, and on a loaded two-core machine starting a
    // server or a browser can take tens of seconds.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    // One test file per core. Vitest's default (cores − 1) runs the files one at a time on a two-core machine,
    // leaving a core idle while a file waits on its server, browser or child process.
    maxWorkers: Math.max(2, availableParallelism()),
    // A worker runs file after file with the modules it has loaded: loading Quire afresh for every file took
    // half the CPU time of the small test files. Test files restore the environment variables they set.
    isolate: false,
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
