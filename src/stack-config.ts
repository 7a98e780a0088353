import { z } from "zod";
// The areas' config sections, imported directly rather than through the areas' index.ts: the
// model is pure (zod and plain functions), so validating a stack file never loads a Pulumi SDK.
import { CLUSTER_RULES, clusterShape } from "./cluster/cluster-config";
import { type ConfigError, parseConfig, type RawConfigInput, type StackContext } from "./core/config-loader";
import type { Rule } from "./core/config-rules";
import { STACK_RULES, stackShape } from "./core/config-schema";
import { DATA_RULES, dataShape } from "./data/data-config";
import { EDGE_RULES, edgeShape } from "./edge/edge-config";
import { GITOPS_RULES, gitopsEnvironmentShape, gitopsManagementShape } from "./gitops/gitops-config";
import { GOVERNANCE_RULES, governanceShape } from "./governance/governance-config";
import { NETWORK_RULES, networkShape } from "./network/network-config";
import { TRANSIT_RULES, transitShape } from "./transit/transit-config";

/**
 * The stack configuration model: every area's keys composed into the two stack schemas, and every
 * area's rules. Objects are strict, so a misspelled key is an error rather than a silently ignored
 * setting. `parseStackConfig` throws `ConfigError`, naming the stack file and every offending key;
 * `loadConfig` (src/program.ts) calls it before any resource is registered.
 */

export const managementSchema = z
  .object({
    ...stackShape,
    ...networkShape,
    ...clusterShape,
    ...governanceShape,
    ...transitShape,
    ...gitopsManagementShape,
  })
  .strict();
export const environmentSchema = z
  .object({
    ...stackShape,
    ...networkShape,
    ...clusterShape,
    ...dataShape,
    ...edgeShape,
    ...gitopsEnvironmentShape,
  })
  .strict();

export type ManagementSettings = z.infer<typeof managementSchema>;
export type EnvironmentSettings = z.infer<typeof environmentSchema>;
export type ManagementConfig = StackContext & ManagementSettings & { readonly role: "management" };
export type EnvironmentConfig = StackContext & EnvironmentSettings & { readonly role: "environment" };
export type PlatformConfig = ManagementConfig | EnvironmentConfig;

/** Every rule, whatever the stack: each returns nothing for a stack without its keys. */
export const RULES: readonly Rule<ManagementSettings | EnvironmentSettings>[] = [
  ...STACK_RULES,
  ...GOVERNANCE_RULES,
  ...TRANSIT_RULES,
  ...DATA_RULES,
  ...EDGE_RULES,
  ...CLUSTER_RULES,
  ...GITOPS_RULES,
  ...NETWORK_RULES,
];

/** Validates one stack's raw configuration into the model; throws `ConfigError`. Pure. */
export function parseStackConfig(input: RawConfigInput): PlatformConfig {
  return parseConfig(input, { management: managementSchema, environment: environmentSchema, rules: RULES });
}

export type { ConfigError };
