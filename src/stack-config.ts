import { z } from "zod";
// The areas' config sections, imported directly rather than through the areas' index.ts: the
// model is pure (zod and plain functions), so validating a stack file never loads a Pulumi SDK.
import { CLUSTER_RULES, clusterShape } from "./cluster/cluster-config";
import {
  ConfigError,
  parseConfig,
  type RawConfigInput,
  type StackContext,
  type StackSettings,
} from "./core/config-loader";
import type { Rule } from "./core/config-rules";
import { STACK_RULES, stackShape } from "./core/config-schema";
import { isPrStackName, PR_BASE_ENVIRONMENT, stackFileName } from "./core/environments";
import { iamRoleArn } from "./core/policy-document";
import { PREVIEW_ROLE_NAME } from "./core/stack-roles";
import { DATA_RULES, dataShape } from "./data/data-config";
import { DELIVERY_RULES, deliveryShape } from "./delivery/delivery-config";
import { EDGE_RULES, edgeShape } from "./edge/edge-config";
import { GITOPS_RULES, gitopsEnvironmentShape, gitopsManagementShape } from "./gitops/gitops-config";
import { GOVERNANCE_RULES, governanceShape } from "./governance/governance-config";
import { NETWORK_RULES, networkShape } from "./network/network-config";
import { OBSERVABILITY_RULES, observabilityShape } from "./observability/observability-config";
import { type PrConfig, prConfigFrom, prStackNameIssue } from "./pr/pr-config";
import { RECOVERY_RULES, recoveryShape } from "./recovery/recovery-config";
import {
  SECURITY_RULES,
  securityEnvironmentShape,
  securityManagementShape,
} from "./security/security-config";
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
    ...deliveryShape,
    ...gitopsManagementShape,
    ...securityManagementShape,
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
    ...securityEnvironmentShape,
    ...recoveryShape,
  })
  .strict();

export type ManagementSettings = z.infer<typeof managementSchema>;
export type EnvironmentSettings = z.infer<typeof environmentSchema>;
/** Set by `withCiRole` for a read-only run (see `StackSettings.readOnly`). */
type RunMode = Pick<StackSettings, "readOnly">;
export type ManagementConfig = StackContext & ManagementSettings & RunMode & { readonly role: "management" };
export type EnvironmentConfig = StackContext &
  EnvironmentSettings &
  RunMode & { readonly role: "environment" };
export type PlatformConfig = ManagementConfig | EnvironmentConfig;
export type { PrConfig };
/** Any stack's model: management, an application environment, or a PR environment. */
export type StackConfig = PlatformConfig | PrConfig;

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
  ...SECURITY_RULES,
  ...RECOVERY_RULES,
  ...OBSERVABILITY_RULES,
];

/** Validates one stack's raw configuration into the model; throws `ConfigError`. Pure. */
export function parseStackConfig(input: RawConfigInput): PlatformConfig {
  const misnamed = prStackNameIssue(input.stack);
  if (misnamed) throw new ConfigError(input.stack, [misnamed]);
  return parseConfig(input, { management: managementSchema, environment: environmentSchema, rules: RULES });
}

/**
 * The role the program acts through: `platform:deployRoleArn`, or, when `PLATFORM_CI_ROLE` is
 * `preview` (set by the CI preview and drift jobs, whose credentials may only assume it), the
 * read-only `platform-preview` in the same account. Both the stack's AWS provider and the EKS
 * tokens of its cluster's Kubernetes provider use it, and `readOnly` tells the areas that reach
 * other accounts to assume the read-only counterparts there. Any other value is refused.
 */
export function withCiRole<
  C extends {
    readonly accountId: string;
    readonly deployRoleArn?: string | undefined;
    readonly readOnly?: true;
  },
>(cfg: C, ciRole: string | undefined): C {
  if (ciRole === undefined || ciRole === "" || ciRole === "deploy") return cfg;
  if (ciRole !== "preview") {
    throw new Error(`PLATFORM_CI_ROLE must be "deploy" or "preview"; got "${ciRole}"`);
  }
  return {
    ...cfg,
    ...(cfg.deployRoleArn ? { deployRoleArn: iamRoleArn(cfg.accountId, PREVIEW_ROLE_NAME) } : {}),
    readOnly: true,
  };
}

/**
 * Validates any stack's configuration, PR environments included: a `pr-<number>` stack is its base
 * environment's validated model (from the base's committed stack file; its secrets are never read)
 * plus what makes the PR environment its own. Throws `ConfigError`. Pure.
 */
export function parseAnyStackConfig(input: RawConfigInput): StackConfig {
  const { stack } = input;
  if (!isPrStackName(stack)) return parseStackConfig(input);
  const file = input.stackFiles[PR_BASE_ENVIRONMENT];
  if (file === undefined) {
    throw new ConfigError(stack, [
      {
        key: "stack",
        message: `a PR environment derives from ${stackFileName(PR_BASE_ENVIRONMENT)}, which this checkout does not have`,
      },
    ]);
  }
  const base = parseStackConfig({ ...input, stack: PR_BASE_ENVIRONMENT, config: flatConfig(file) });
  if (base.role !== "environment")
    throw new Error(`${PR_BASE_ENVIRONMENT} is not an application environment`);
  return prConfigFrom(stack, { ...base, stack: PR_BASE_ENVIRONMENT }, input.config);
}

/** A stack file's `config:` map as Pulumi hands it to a program, without its `secure:` values. */
function flatConfig(file: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(file)) {
    if (value === undefined || value === null) continue;
    if (typeof value === "object" && !Array.isArray(value) && "secure" in value) continue;
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

export type { ConfigError };
