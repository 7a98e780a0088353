import { expect } from "vitest";
import { type ConfigError, findProjectRoot } from "../../src/core/config-loader";
import {
  type EvaluateOptions,
  evaluateStack,
  type PlannedResource,
  type PlanResult,
  readStackConfig,
} from "../../src/plan/engine";

/**
 * Test helpers over the offline plan engine: run the real program for a stack with its real
 * `Pulumi.<stack>.yaml` (optionally overriding keys) under Pulumi mocks, and query what it
 * registered.
 */
export { evaluateStack, type PlannedResource, type PlanResult };

const cache = new Map<string, Promise<PlanResult>>();

/** Evaluates a stack with its committed config; memoised per test file. */
export function planStack(stack: string): Promise<PlanResult> {
  let p = cache.get(stack);
  if (!p) {
    p = evaluateStack(stack);
    cache.set(stack, p);
  }
  return p;
}

/** Evaluates a stack with some config keys replaced (`undefined` removes a key). */
export function planWith(
  stack: string,
  configOverrides: EvaluateOptions["configOverrides"],
): Promise<PlanResult> {
  return evaluateStack(stack, { configOverrides });
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

/** Expects the evaluation to fail with a ConfigError whose message matches every pattern. */
export async function expectConfigError(
  stack: string,
  configOverrides: EvaluateOptions["configOverrides"],
  ...patterns: RegExp[]
): Promise<ConfigError> {
  let caught: unknown;
  try {
    await evaluateStack(stack, { configOverrides });
  } catch (err) {
    caught = err;
  }
  expect(caught, "expected a configuration error").toBeDefined();
  const message = (caught as Error).message;
  for (const p of patterns) expect(message).toMatch(p);
  return caught as ConfigError;
}

/** The stack file's value of a key, deep-copied, for building overrides. */
export function stackValue<T = Record<string, unknown>>(stack: string, key: string): T {
  return structuredClone(readStackConfig(stack, findProjectRoot())[key]) as T;
}
