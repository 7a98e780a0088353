import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { CLUSTER_RULES, clusterShape } from "./cluster";
import {
  type ConfigError,
  parseConfig,
  type RawConfigInput,
  type Rule,
  readChartVersion,
  readStackFiles,
  type StackContext,
  stackShape,
} from "./core";
import { DATA_RULES, dataShape } from "./data";
import { EDGE_RULES, edgeShape } from "./edge";
import { GITOPS_RULES, gitopsEnvironmentShape, gitopsManagementShape } from "./gitops";
import { GOVERNANCE_RULES, governanceShape } from "./governance";
import { NETWORK_RULES, networkShape } from "./network";
import { OBSERVABILITY_RULES, observabilityShape } from "./observability";
import { TRANSIT_RULES, transitShape } from "./transit";

/**
 * The stack configuration model: every area's keys composed into the two stack schemas, and every
 * area's rules. Objects are strict, so a misspelled key is an error rather than a silently ignored
 * setting. `loadConfig` is the only place the program reads config; it throws `ConfigError` (naming
 * the stack file and every offending key) before any resource is registered.
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
    ...observabilityShape,
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
  ...GOVERNANCE_RULES,
  ...TRANSIT_RULES,
  ...DATA_RULES,
  ...EDGE_RULES,
  ...CLUSTER_RULES,
  ...GITOPS_RULES,
  ...NETWORK_RULES,
  ...OBSERVABILITY_RULES,
];

/** Validates one stack's raw configuration into the model; throws `ConfigError`. Pure. */
export function parseStackConfig(input: RawConfigInput): PlatformConfig {
  return parseConfig(input, { management: managementSchema, environment: environmentSchema, rules: RULES });
}

/**
 * Reads and validates this stack's configuration: the only place the program reads config.
 * Throws `ConfigError` before any resource exists.
 */
export function loadConfig(): PlatformConfig {
  return parseStackConfig({
    stack: pulumi.getStack(),
    project: pulumi.getProject(),
    config: pulumi.runtime.allConfig(),
    stackFiles: readStackFiles(),
    latestChartVersion: readChartVersion(),
  });
}

export type { ConfigError };
