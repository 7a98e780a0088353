/**
 * Child process of `npm run plan -- --diff <ref>`: evaluates one stack with the offline plan
 * engine of another checkout (the ref's temporary worktree) and writes the PlanResult as JSON.
 * A separate process because two versions of the program cannot share Pulumi's global runtime.
 *
 *   tsx src/plan/snapshot.ts --engine <worktree>/src/plan/engine.ts --stack prod --out plan.json
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import type { PlanResult } from "./engine";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { engine: { type: "string" }, stack: { type: "string" }, out: { type: "string" } },
  });
  if (!values.engine || !values.stack || !values.out)
    throw new Error("usage: snapshot --engine FILE --stack NAME --out FILE");
  const engine = require(values.engine) as { evaluateStack?: (stack: string) => Promise<PlanResult> };
  if (typeof engine.evaluateStack !== "function") {
    throw new Error(`${values.engine} has no evaluateStack(): the ref predates the offline plan engine`);
  }
  const plan = await engine.evaluateStack(values.stack);
  fs.writeFileSync(values.out, JSON.stringify(plan));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    const e = err as Error;
    // The same message the CLI prints for a config error at the working tree.
    process.stderr.write(`${e.name === "ConfigError" ? "" : "the program failed: "}${e.message}\n`);
    process.exit(e.name === "ConfigError" ? 2 : 1);
  },
);
