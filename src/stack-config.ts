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
  STACK_RULES,
  type StackContext,
  stackShape,
} from "./core";
import { DATA_RULES, dataShape } from "./data";
import { DELIVERY_RULES, deliveryShape } from "./delivery";
import { EDGE_RULES, edgeShape } from "./edge";
import { GITOPS_RULES, gitopsEnvironmentShape, gitopsManagementShape } from "./gitops";
import { GOVERNANCE_RULES, governanceShape, PREVIEW_ROLE_NAME, roleArn } from "./governance";
import { NETWORK_RULES, networkShape } from "./network";
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
    ...deliveryShape,
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
  ...DELIVERY_RULES,
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

/**
 * The role the program acts through: `platform:deployRoleArn`, or, when `PLATFORM_CI_ROLE` is
 * `preview` (set by the CI preview and drift jobs, whose credentials may only assume it), the
 * read-only `platform-preview` in the same account. Both the stack's AWS provider and the EKS
 * tokens of its cluster's Kubernetes provider use it. Any other value is refused.
 */
export function withCiRole<C extends PlatformConfig>(cfg: C, ciRole: string | undefined): C {
  if (ciRole === undefined || ciRole === "" || ciRole === "deploy") return cfg;
  if (ciRole !== "preview") {
    throw new Error(`PLATFORM_CI_ROLE must be "deploy" or "preview"; got "${ciRole}"`);
  }
  if (!cfg.deployRoleArn) return cfg;
  return { ...cfg, deployRoleArn: roleArn(cfg.accountId, PREVIEW_ROLE_NAME) };
}

/**
 * Reads and validates this stack's configuration: the only place the program reads config.
 * Throws `ConfigError` before any resource exists.
 */
export function loadConfig(): PlatformConfig {
  const cfg = parseStackConfig({
    stack: pulumi.getStack(),
    project: pulumi.getProject(),
    config: pulumi.runtime.allConfig(),
    stackFiles: readStackFiles(),
    latestChartVersion: readChartVersion(),
  });
  return withCiRole(cfg, process.env.PLATFORM_CI_ROLE);
}

export type { ConfigError };
