import { PR_BASE_ENVIRONMENT, type StackName } from "../core/environments";
import type { PolicyDocument } from "../core/policy-document";
import { PR_CI_ROLE_NAME } from "../core/pr-names";
import { BREAK_GLASS_ROLE_NAME } from "../core/stack-roles";
import { ciRoleName } from "./ci-trust";
import { DEPLOY_ROLE_NAME, roleArn } from "./platform-roles";
import { identityCenterRoleArnPattern } from "./scp";
import { secretsKeyPolicy } from "./secrets-key-policy";

export interface StackSecretsKeyArgs {
  readonly stack: StackName;
  /** The management account: the key, the CI roles. */
  readonly managementAccountId: string;
  /** The stack's own account (the management account for the management stack). */
  readonly environmentAccountId: string;
  readonly region: string;
  /** The Identity Center permission set of the platform administrators. */
  readonly adminPermissionSet: string;
  /** Permission sets that may add secrets (in the stacks that are not gated). */
  readonly secretsEditorPermissionSets: readonly string[];
  /** Other management-account roles that deploy with this key (PR environments use their base's). */
  readonly extraDeployRoleArns?: readonly string[];
}

/**
 * The key policy of a stack's secrets key (`alias/platform-<stack>-secrets`), from names alone, so
 * the management stack (environment keys) and the bootstrap program (the management stack's own
 * key, which must exist before that stack's first run) write the same document:
 *
 *  - decrypt and encrypt: the administrators, the stack's CI deploy role and its `platform-deploy`;
 *  - decrypt only: the stack's CI preview role. For the gated stacks only a reviewed run in the
 *    stack's protected preview environment (or the nightly drift check) can assume it;
 *  - use: the secrets editors, in the stacks that are not gated (in the gated ones, only admins add secrets).
 *
 * Roles are named by ARN inside `aws:PrincipalArn` conditions, so the key can be created before
 * them (see `secretsKeyPolicy`).
 */
export function stackSecretsKeyPolicy(args: StackSecretsKeyArgs): PolicyDocument {
  const { stack, managementAccountId, environmentAccountId } = args;
  return secretsKeyPolicy({
    stack,
    keyAccountId: managementAccountId,
    environmentAccountId,
    region: args.region,
    // The administrators, and the break-glass role that bootstraps the platform (before them).
    adminPrincipalArns: [
      identityCenterRoleArnPattern(args.adminPermissionSet),
      roleArn(managementAccountId, BREAK_GLASS_ROLE_NAME),
    ],
    deployRoleArns: [
      roleArn(managementAccountId, ciRoleName("deploy", stack)),
      roleArn(environmentAccountId, DEPLOY_ROLE_NAME),
      ...(args.extraDeployRoleArns ?? []),
    ],
    previewRoleArns: [roleArn(managementAccountId, ciRoleName("preview", stack))],
    developerPrincipalArns: args.secretsEditorPermissionSets.map((p) => identityCenterRoleArnPattern(p)),
  });
}

/**
 * Every stack's key policy as the management stack's config says it (`SecretsKeysArgs.policy`):
 * one function for the bootstrap (the management stack's key) and the management stack (the
 * environments' keys), so both write the same document. PR environments' stacks use their base
 * environment's secrets provider, so its key also admits their CI role.
 */
export function secretsKeyPolicyOf(cfg: {
  readonly accountId: string;
  readonly region: string;
  readonly identityCenter: {
    readonly adminPermissionSet: string;
    readonly secretsEditorPermissionSets: readonly string[];
  };
}): (stack: StackName, environmentAccountId: string) => PolicyDocument {
  return (stack, environmentAccountId) =>
    stackSecretsKeyPolicy({
      stack,
      managementAccountId: cfg.accountId,
      environmentAccountId,
      region: cfg.region,
      adminPermissionSet: cfg.identityCenter.adminPermissionSet,
      secretsEditorPermissionSets: cfg.identityCenter.secretsEditorPermissionSets,
      extraDeployRoleArns: stack === PR_BASE_ENVIRONMENT ? [roleArn(cfg.accountId, PR_CI_ROLE_NAME)] : [],
    });
}
