import * as fs from "node:fs";
import * as path from "node:path";
import { expect, inject } from "vitest";
import type { ConfigError } from "../../src/core/config-loader";
import { readChartVersion, readStackFiles } from "../../src/core/config-loader";
import type { PlannedResource, PlanResult } from "../../src/plan/engine";
import { readStackConfig, toPulumiConfig } from "../../src/plan/stack-files";
import { parseStackConfig } from "../../src/stack-config";
import { committed, type VariantName } from "./evaluations";

/**
 * Test helpers over the offline plan: every stack evaluated once per test run with its real
 * `Pulumi.<stack>.yaml` under Pulumi mocks (`global-setup.ts`), read here; queries over what it
 * registered; and config validation exactly as the program does it, without evaluating anything.
 */
export type { PlannedResource, PlanResult };

const cache = new Map<string, PlanResult>();

function read(id: string): PlanResult {
  let plan = cache.get(id);
  if (!plan) {
    const file = path.join(inject("evaluationsDir"), `${id.replace(/:/g, "__")}.json`);
    if (!fs.existsSync(file))
      throw new Error(`no shared evaluation "${id}": add it to tests/support/evaluations.ts`);
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as PlanResult | { error: string };
    if ("error" in parsed) throw new Error(`the shared evaluation "${id}" failed: ${parsed.error}`);
    plan = parsed;
    cache.set(id, plan);
  }
  return plan;
}

/** The stack evaluated with its committed config (shared by the whole run). */
export async function planStack(stack: string): Promise<PlanResult> {
  return read(stack);
}

/** A variant of `evaluations.ts` (shared by the whole run). */
export async function planVariant(name: VariantName): Promise<PlanResult> {
  return read(name);
}

export type MutableResource = { -readonly [K in keyof PlannedResource]: PlannedResource[K] };

/** A deep copy of a shared plan with its resources changed (the shared plan stays as it is). */
export function changed(plan: PlanResult, change: (resources: MutableResource[]) => void): PlanResult {
  const copy = structuredClone({ ...plan, resources: [...plan.resources] }) as PlanResult & {
    resources: MutableResource[];
  };
  change(copy.resources);
  return copy;
}

export function ofType(plan: PlanResult, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type);
}

export function named(plan: PlanResult, type: string, name: string): PlannedResource {
  const found = plan.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named "${name}" in the ${plan.stack} plan`);
  return found;
}

/** Resources inside the component with this logical name (at any depth). */
export function within(plan: PlanResult, component: string): PlannedResource[] {
  return plan.resources.filter((r) => r.components.includes(component));
}

/**
 * Validates a stack's committed config with some keys replaced (`undefined` removes a key), with
 * exactly the inputs the program's `loadConfig()` sees; expects a ConfigError matching every pattern.
 */
export async function expectConfigError(
  stack: string,
  configOverrides: Readonly<Record<string, unknown>>,
  ...patterns: RegExp[]
): Promise<ConfigError> {
  const raw = readStackConfig(stack, ROOT);
  for (const [k, v] of Object.entries(configOverrides)) {
    if (v === undefined) delete raw[k];
    else raw[k] = v;
  }
  let caught: unknown;
  try {
    parseStackConfig({
      stack,
      config: toPulumiConfig(raw).values,
      stackFiles: readStackFiles(ROOT),
      latestChartVersion: readChartVersion(ROOT),
    });
  } catch (err) {
    caught = err;
  }
  expect(caught, "expected a configuration error").toBeDefined();
  const message = (caught as Error).message;
  for (const p of patterns) expect(message).toMatch(p);
  return caught as ConfigError;
}

/** The stack file's value of a key, deep-copied, for building overrides. */
export const stackValue = committed;

const ROOT = path.resolve(__dirname, "..", "..");
