import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TestProject } from "vitest/node";
import { evaluateStack } from "../../src/plan/engine";
import { evaluations } from "./evaluations";

declare module "vitest" {
  export interface ProvidedContext {
    /** Directory holding `<id>.json` for every evaluation of `evaluations.ts`. */
    evaluationsDir: string;
  }
}

/**
 * Vitest global setup: evaluates every stack (and variant) once, before any test file runs, and
 * writes each result as JSON for the test files to read. An evaluation that fails is written as
 * `{ "error": message }`, so the tests that read it fail with that message.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-evaluations-"));
  const started = Date.now();
  for (const [id, e] of Object.entries(evaluations())) {
    let body: string;
    try {
      body = JSON.stringify(
        await evaluateStack(e.stack, {
          ...(e.overrides ? { configOverrides: e.overrides } : {}),
          ...(e.ciRole ? { ciRole: e.ciRole } : {}),
        }),
      );
    } catch (err) {
      body = JSON.stringify({ error: `${(err as Error).name}: ${(err as Error).message}` });
    }
    fs.writeFileSync(path.join(dir, `${id.replace(/:/g, "__")}.json`), body);
  }
  if (!process.env.VITEST_QUIET_SETUP) {
    process.stderr.write(
      `evaluations: ${Object.keys(evaluations()).length} evaluated once in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
    );
  }
  project.provide("evaluationsDir", dir);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
