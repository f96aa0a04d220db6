import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Time-outs only catch a test that hangs: tests wait for events, and on a loaded two-core machine starting a
    // server or a browser can take tens of seconds.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
