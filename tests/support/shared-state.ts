import * as path from "node:path";
import { afterAll, expect } from "vitest";
import { findProjectRoot } from "../../src/core/config-loader";

/**
 * The "shared" project's files run one after another in the same process and module graph
 * (vitest.config.ts). State a file leaves behind would change what the next file sees, so each
 * file must hand back the process as it found it: project root, working directory, environment.
 */
const repository = path.resolve(__dirname, "..", "..");
const cwd = process.cwd();
const env = { ...process.env };

afterAll(() => {
  expect(findProjectRoot(), "a test left config loading pointed at another root").toBe(repository);
  expect(process.cwd(), "a test left the working directory changed").toBe(cwd);
  const changed = Object.keys({ ...env, ...process.env }).filter((k) => env[k] !== process.env[k]);
  expect(changed, "a test left environment variables changed").toEqual([]);
});
