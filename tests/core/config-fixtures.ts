import { findProjectRoot, readStackFiles } from "../../src/core/config-loader";
import { toPulumiConfig } from "../../src/plan/stack-files";
import { type PlatformConfig, parseStackConfig } from "../../src/stack-config";

/** The committed stack files, parsed once. */
export const STACK_FILES = readStackFiles(findProjectRoot());

/** A stack file's config with keys replaced (`undefined` removes the key). */
export function rawConfig(stack: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const raw: Record<string, unknown> = structuredClone(STACK_FILES[stack as keyof typeof STACK_FILES] ?? {});
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete raw[k];
    else raw[k] = v;
  }
  return raw;
}

/** Validates a stack's committed config with some keys replaced, exactly as the program does. */
export function configFor(stack: string, overrides: Record<string, unknown> = {}): PlatformConfig {
  return parseStackConfig({
    stack,
    config: toPulumiConfig(rawConfig(stack, overrides)).values,
    stackFiles: STACK_FILES,
  });
}

/** The committed `platform:network` of a stack, with fields replaced. */
export function networkWith(stack: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { ...(rawConfig(stack)["platform:network"] as Record<string, unknown>), ...fields };
}
