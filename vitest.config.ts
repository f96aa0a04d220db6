import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One test file per core. Vitest's default (cores − 1) runs the files one at a time on a two-core machine,
    // leaving a core idle while a file waits on its server, browser or child process.
    maxWorkers: Math.max(2, availableParallelism()),
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
