/**
 * Key policies of the per-stack secrets keys (`alias/platform-<stack>-secrets`). The keys live in the
 * management account; each environment's deploy role (in its member account) uses its key
 * cross-account for SOPS files and the Pulumi secrets provider. The management stack's own key is
 * the same shape with both accounts being the management account.
 *
 * Principals are always written as an account root narrowed by `aws:PrincipalArn`, never as a role
 * ARN: KMS rejects a policy naming a role that does not exist yet, and a role ARN in `Principal`
 * silently stops matching when the role is recreated. Cross-account callers also need an IAM policy
 * in their own account allowing the same actions on the key.
 */

import { GATED_STACKS, isStackName, type StackName } from "../core/environments";
import {
  accountAdministersKey,
  accountRootArn,
  assertAccountId,
  assertPrincipalArnPatterns,
  assertUniqueSids,
  distinct,
  KEY_ADMIN_ACTIONS,
  oneOrMany,
  type PolicyDocument,
  type PolicyStatement,
  policy,
} from "../core/policy-document";
import { PLATFORM_ROLE_PREFIX } from "./scp";

/**
 * Stacks whose secrets only administrators and the deploy role may decrypt, and only
 * administrators may add (seed 000: only admin accounts decrypt and add SOPS secrets for production).
 */
export const RESTRICTED_SECRETS_STACKS: readonly StackName[] = GATED_STACKS;

/** Alias of a stack's secrets key: `alias/platform-<stack>-secrets`. */
export function secretsKeyAlias(stack: StackName): string {
  return `alias/${PLATFORM_ROLE_PREFIX}${stack}-secrets`;
}

/** Envelope encryption: what SOPS and the Pulumi secrets provider call. */
export const KEY_USE_ACTIONS: readonly string[] = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
];

/** What a preview needs: read the stack's secrets (Pulumi's data key, SOPS files), write none. */
export const KEY_DECRYPT_ACTIONS: readonly string[] = ["kms:Decrypt", "kms:DescribeKey"];

/** Services that may use the key on a caller's behalf (checked with `kms:ViaService`). */
export type ViaService = "eks" | "secretsmanager";

export interface SecretsKeyPolicyArgs {
  /** The stack whose secrets the key protects. */
  readonly stack: StackName;
  /** The account holding the key (the management account). */
  readonly keyAccountId: string;
  /** The stack's account (the member account; for the management stack, the management account). */
  readonly environmentAccountId: string;
  /** The key's region (services can only use a key in their own region). */
  readonly region: string;
  /**
   * Administrators (ArnLike patterns, e.g. the Identity Center PlatformAdmin roles). Those in the key
   * account administer the key; those in either account may use it.
   */
  readonly adminPrincipalArns: readonly string[];
  /**
   * The roles that deploy the stack and so decrypt its secrets: the deploy role in the stack's
   * account and/or the CI deploy role in the key account (the Pulumi secrets provider runs with the
   * CLI's own credentials, before the AWS provider assumes into the stack's account). Exact ARNs,
   * each in `keyAccountId` or `environmentAccountId`.
   */
  readonly deployRoleArns: readonly string[];
  /**
   * The roles that preview the stack (exact ARNs, like `deployRoleArns`): they decrypt its config
   * secrets and state, and encrypt nothing. For the gated stacks these are the CI preview roles that
   * only a reviewed run in the stack's protected preview environment can assume.
   */
  readonly previewRoleArns?: readonly string[];
  /**
   * Developers (ArnLike patterns, environment account). They may use the key of a stack that is not
   * in `RESTRICTED_SECRETS_STACKS`; for those they get nothing: neither reading nor adding a secret.
   */
  readonly developerPrincipalArns?: readonly string[];
  /** Services principals of the environment account may use the key through (EKS secrets, Secrets Manager). */
  readonly viaServices?: readonly ViaService[];
  /**
   * Who may use the key through `viaServices` (ArnLike patterns, e.g. the EKS cluster role and the
   * External Secrets role). It defaults to any principal of the environment account, except for the
   * restricted stacks, which require the list: it widens who can obtain plaintext.
   */
  readonly viaServicePrincipalArns?: readonly string[];
  /** Let CloudWatch Logs encrypt the environment account's log groups with the key. */
  readonly logs?: boolean;
}

/** Key policy of an environment's secrets key (see the module comment for the principal scheme). */
export function secretsKeyPolicy(args: SecretsKeyPolicyArgs): PolicyDocument {
  const { stack, keyAccountId, environmentAccountId, region } = args;
  if (!isStackName(stack)) throw new Error(`secretsKeyPolicy: "${stack}" is not a stack`);
  assertAccountId(keyAccountId, "secretsKeyPolicy.keyAccountId");
  assertAccountId(environmentAccountId, "secretsKeyPolicy.environmentAccountId");
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) {
    throw new Error(`secretsKeyPolicy: "${region}" is not a region`);
  }
  assertPrincipalArnPatterns(args.adminPrincipalArns, "secretsKeyPolicy.adminPrincipalArns");
  const deployers = distinct(args.deployRoleArns);
  if (deployers.length === 0) throw new Error("secretsKeyPolicy.deployRoleArns must name at least one role");
  const previewers = distinct(args.previewRoleArns ?? []);
  for (const [what, arn] of [
    ...deployers.map((a) => ["deploy", a] as const),
    ...previewers.map((a) => ["preview", a] as const),
  ]) {
    const m = /^arn:aws:iam::(\d{12}):role\/[\w+=,.@/-]+$/.exec(arn);
    if (!m || (m[1] !== keyAccountId && m[1] !== environmentAccountId)) {
      throw new Error(
        `secretsKeyPolicy: ${what} role "${arn}" must be a role ARN (no wildcards) in ${keyAccountId} or ${environmentAccountId}`,
      );
    }
  }
  const restricted = RESTRICTED_SECRETS_STACKS.includes(stack);
  const keyRoot = accountRootArn(keyAccountId);
  const envRoot = accountRootArn(environmentAccountId);
  const bothRoots = oneOrMany(distinct([keyRoot, envRoot]));
  const admins = oneOrMany(distinct(args.adminPrincipalArns));

  const statements: PolicyStatement[] = [
    accountAdministersKey(keyAccountId, "KeyAccountAdministers"),
    {
      Sid: "AdminsAdminister",
      Effect: "Allow",
      Principal: { AWS: keyRoot },
      Action: [...KEY_ADMIN_ACTIONS],
      Resource: "*",
      Condition: { ArnLike: { "aws:PrincipalArn": admins } },
    },
    {
      Sid: "AdminsUse",
      Effect: "Allow",
      Principal: { AWS: bothRoots },
      Action: [...KEY_USE_ACTIONS],
      Resource: "*",
      Condition: { ArnLike: { "aws:PrincipalArn": admins } },
    },
    {
      Sid: "DeployRolesUse",
      Effect: "Allow",
      Principal: { AWS: oneOrMany(distinct(deployers.map((arn) => accountRootArn(arn.split(":")[4]!)))) },
      Action: [...KEY_USE_ACTIONS],
      Resource: "*",
      Condition: { ArnEquals: { "aws:PrincipalArn": oneOrMany(deployers) } },
    },
  ];
  if (previewers.length > 0) {
    statements.push({
      Sid: "PreviewRolesDecrypt",
      Effect: "Allow",
      Principal: { AWS: oneOrMany(distinct(previewers.map((arn) => accountRootArn(arn.split(":")[4]!)))) },
      Action: [...KEY_DECRYPT_ACTIONS],
      Resource: "*",
      Condition: { ArnEquals: { "aws:PrincipalArn": oneOrMany(previewers) } },
    });
  }

  const developers = args.developerPrincipalArns ?? [];
  if (developers.length > 0)
    assertPrincipalArnPatterns(developers, "secretsKeyPolicy.developerPrincipalArns");
  // Restricted stacks: only the admins (and the deploy roles) may add a secret, since SOPS needs
  // only kms:Encrypt to add one; developers get no statement at all.
  if (developers.length > 0 && !restricted) {
    statements.push({
      Sid: "DevelopersUse",
      Effect: "Allow",
      Principal: { AWS: envRoot },
      Action: [...KEY_USE_ACTIONS],
      Resource: "*",
      Condition: { ArnLike: { "aws:PrincipalArn": oneOrMany(distinct(developers)) } },
    });
  }

  const services = distinct(args.viaServices ?? []);
  if (services.length > 0) {
    const viaService = oneOrMany(services.map((s) => `${s}.${region}.amazonaws.com`));
    const callers = args.viaServicePrincipalArns;
    if (restricted && (callers === undefined || callers.length === 0)) {
      throw new Error(`secretsKeyPolicy: ${stack} needs viaServicePrincipalArns to let services use the key`);
    }
    if (callers !== undefined) {
      assertPrincipalArnPatterns(callers, "secretsKeyPolicy.viaServicePrincipalArns");
    }
    const condition: NonNullable<PolicyStatement["Condition"]> = {
      StringEquals: { "kms:ViaService": viaService, "kms:CallerAccount": environmentAccountId },
    };
    if (callers !== undefined) condition.ArnLike = { "aws:PrincipalArn": oneOrMany(distinct(callers)) };
    statements.push(
      {
        Sid: "ServicesUseOnBehalfOfEnvironment",
        Effect: "Allow",
        Principal: { AWS: envRoot },
        Action: [...KEY_USE_ACTIONS, "kms:ListGrants"],
        Resource: "*",
        Condition: condition,
      },
      {
        // EKS and Secrets Manager hold grants on the key for their own resources.
        Sid: "ServicesGrantForAwsResources",
        Effect: "Allow",
        Principal: { AWS: envRoot },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { ...condition, Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    );
  }

  if (args.logs) {
    // CloudWatch Logs calls KMS as its service principal, not through the caller's credentials.
    statements.push({
      Sid: "CloudWatchLogsEncryptsEnvironmentLogGroups",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${environmentAccountId}:log-group:*`,
        },
      },
    });
  }

  return assertUniqueSids(policy(...statements), "secretsKeyPolicy");
}
