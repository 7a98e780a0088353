import { defineConfig } from "vitest/config";

/**
 * Every stack is evaluated once per run, before any test file starts (tests/support/global-setup.ts);
 * test files read those evaluations, so most of them load no Pulumi runtime at all and share one
 * worker process and module graph (`isolate: false`: each module is transformed and loaded once per
 * worker, not once per file; tests/support/shared-state.ts fails a file that leaves the process
 * changed). Files that replace modules with `vi.mock` or must load the program afresh keep a fresh
 * module graph each (project "isolated").
 */
const ISOLATED = ["tests/plan/cli.test.ts", "tests/core/fourth-environment.test.ts"];

export default defineConfig({
  test: {
    // helm renders and the isolated evaluations take a few seconds each on two cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The forks pool reuses its worker processes only when its own `isolate` is off (the pool reads
    // the root setting); each project then says whether its files share a module graph.
    poolOptions: { forks: { maxForks: 2, minForks: 1, isolate: false } },
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: ["tests/**/*.test.ts"],
          exclude: ISOLATED,
          isolate: false,
          setupFiles: ["tests/support/shared-state.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "isolated",
          include: ISOLATED,
          isolate: true,
          poolOptions: { forks: { isolate: true } },
        },
      },
    ],
  },
});
