import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Whole-stack evaluations under Pulumi mocks and helm renders take a few seconds each.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: one worker per core, each test file in its own fork so Pulumi's global
    // runtime state (mocks, config, stack) never leaks between files.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ["default"],
  },
});
