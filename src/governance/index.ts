/**
 * The management account's governance: organization and accounts, guardrails (SCPs, RCPs),
 * Identity Center, CI roles, per-stack secrets keys, registries, the organization trail.
 */

export type { TrailDataEvents } from "./audit-policies";
export {
  type CiRoleKind,
  ciRoleName,
  DEPLOY_BRANCH,
  DRIFT_ENVIRONMENT,
  ENVIRONMENT_GATED_STACKS,
  previewEnvironment,
} from "./ci-trust";
export { GOVERNANCE_RULES, governanceShape, type RegistriesConfig } from "./governance-config";
export { governanceStack, organizationImportStack } from "./governance-stack";
export {
  ARGOCD_READER_ROLE_PREFIX,
  argocdReaderRoleName,
  assumedOnlyBy,
  DEPLOY_ROLE_NAME,
  environmentRoleName,
  NETWORK_HUB_READER_ROLE_NAME,
  NETWORK_HUB_ROLE_NAME,
  networkHubPermissions,
  networkHubReaderPermissions,
  type Operators,
  ORGANIZATION_ACCESS_ROLE_NAME,
  PREVIEW_ROLE_NAME,
  roleArn,
} from "./platform-roles";
export { CHART_PREFIX } from "./registry";
export { identityCenterRoleArnPattern } from "./scp";
export { secretsKeyAlias } from "./secrets-key-policy";
export { SecretsKeys } from "./secrets-keys";
export { renderSopsFile, sopsCreationRules } from "./sops-rules";
export { secretsKeyPolicyOf } from "./stack-secrets-key";
