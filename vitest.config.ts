import { defineConfig } from "vitest/config";

/**
 * Every stack is evaluated once per run, before any test file starts (tests/support/global-setup.ts);
 * test files read those evaluations, so most of them load no Pulumi runtime at all and share one
 * module graph per worker (`isolate: false`: each module is transformed and loaded once per worker,
 * not once per file). Files that run the Pulumi engine themselves or replace modules with `vi.mock`
 * keep a fresh module graph each (project "isolated").
 */
const ISOLATED = ["tests/plan/cli.test.ts", "tests/core/fourth-environment.test.ts"];

export default defineConfig({
  test: {
    // helm renders and the isolated evaluations take a few seconds each on two cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: ["tests/**/*.test.ts"],
          exclude: ISOLATED,
          isolate: false,
          globalSetup: ["tests/support/global-setup.ts"],
        },
      },
      { extends: true, test: { name: "isolated", include: ISOLATED, isolate: true } },
    ],
  },
});
