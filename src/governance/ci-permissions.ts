import { MANAGEMENT_STACK, PR_BASE_ENVIRONMENT, type StackName } from "../core/environments";
import { type PolicyDocument, type PolicyStatement, policy } from "../core/policy-document";
import {
  prStacksStateKeys,
  STATE_KEY_ALIAS,
  STATE_METADATA_KEY,
  stackStateKeys,
  stateBucketName,
} from "../core/state-backend";
import type { CiRoleKind } from "./ci-trust";
import { KEY_DECRYPT_ACTIONS, KEY_USE_ACTIONS, secretsKeyAlias } from "./secrets-key-policy";

export interface CiRolePolicyArgs {
  readonly kind: CiRoleKind;
  readonly stack: StackName;
  /** The Pulumi project (`platform`): the state's object prefix. */
  readonly project: string;
  /** The management account: the state bucket, its key and every secrets key live there. */
  readonly managementAccountId: string;
  readonly region: string;
  /** The stack's `platform-deploy` or `platform-preview` role, in the stack's account. */
  readonly targetRoleArn: string;
}

/**
 * What a management-account CI role (`platform-ci-<kind>-<stack>`) may do, as an identity policy.
 * The Pulumi CLI runs with these credentials (the stack's AWS provider then assumes the stack's
 * role), so besides that assumption they need the state and the secrets of their own stack:
 *
 *  - the backend's metadata and bucket listing (names only), its own stack's checkpoint (read for a
 *    preview; read and write, with history, backups, lock and journal, for a deploy), and, for an
 *    environment stack, the management stack's checkpoint its StackReference reads;
 *  - the state key, only through S3;
 *  - the stack's secrets key: decrypt for a preview, encrypt and decrypt for a deploy.
 *
 * The keys are named by alias (`kms:ResourceAliases`), so this policy needs no key ARN, and the
 * key policies (state key: bootstrap; secrets keys: `secretsKeyPolicy`) must admit the role too:
 * KMS reads an account-root principal as "IAM decides", never as a grant of its own.
 */
export function ciRolePolicy(args: CiRolePolicyArgs): PolicyDocument {
  const { kind, stack, project, managementAccountId: account, region } = args;
  const bucket = `arn:aws:s3:::${stateBucketName(account)}`;
  const keys = stackStateKeys(project, stack);
  const objects = (patterns: readonly string[]) => patterns.map((k) => `${bucket}/${k}`);
  const anyKey = `arn:aws:kms:${region}:${account}:key/*`;
  const byAlias = (alias: string) => ({ "ForAnyValue:StringEquals": { "kms:ResourceAliases": alias } });

  const statements: PolicyStatement[] = [
    {
      Sid: "AssumeStackRole",
      Effect: "Allow",
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Resource: args.targetRoleArn,
    },
    { Sid: "ListState", Effect: "Allow", Action: "s3:ListBucket", Resource: bucket },
    {
      Sid: "ReadOwnState",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: [
        `${bucket}/${STATE_METADATA_KEY}`,
        ...objects(kind === "deploy" ? keys.write : keys.read),
        // An environment reads the management stack's outputs through its StackReference.
        ...(stack === MANAGEMENT_STACK ? [] : objects(stackStateKeys(project, MANAGEMENT_STACK).read)),
      ],
    },
  ];
  if (kind === "deploy") {
    statements.push({
      Sid: "WriteOwnState",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:DeleteObject"],
      Resource: objects(keys.write),
    });
  }
  statements.push(
    {
      Sid: "StateKeyThroughS3",
      Effect: "Allow",
      Action: kind === "deploy" ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
      Resource: anyKey,
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` },
        ...byAlias(STATE_KEY_ALIAS),
      },
    },
    {
      Sid: kind === "deploy" ? "UseStackSecretsKey" : "DecryptStackSecrets",
      Effect: "Allow",
      Action: [...(kind === "deploy" ? KEY_USE_ACTIONS : KEY_DECRYPT_ACTIONS)],
      Resource: anyKey,
      Condition: byAlias(secretsKeyAlias(stack)),
    },
  );
  return policy(...statements);
}

/**
 * What the PR environments' CI role (`platform-ci-pr-environments`) may do, as an identity policy:
 * assume `platform-pr-environments` in the base environment's account, read and write the `pr-*`
 * stacks' state, read the base environment's checkpoint (its StackReference), use the state key
 * only through S3, and use the base environment's secrets key (the PR stacks' secrets provider).
 */
export function prEnvironmentsCiRolePolicy(args: Omit<CiRolePolicyArgs, "kind" | "stack">): PolicyDocument {
  const { project, managementAccountId: account, region } = args;
  const bucket = `arn:aws:s3:::${stateBucketName(account)}`;
  const objects = (patterns: readonly string[]) => patterns.map((k) => `${bucket}/${k}`);
  const anyKey = `arn:aws:kms:${region}:${account}:key/*`;
  const byAlias = (alias: string) => ({ "ForAnyValue:StringEquals": { "kms:ResourceAliases": alias } });
  return policy(
    {
      Sid: "AssumePrEnvironmentsRole",
      Effect: "Allow",
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Resource: args.targetRoleArn,
    },
    { Sid: "ListState", Effect: "Allow", Action: "s3:ListBucket", Resource: bucket },
    {
      Sid: "ReadState",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: [
        `${bucket}/${STATE_METADATA_KEY}`,
        ...objects(stackStateKeys(project, PR_BASE_ENVIRONMENT).read),
        ...objects(prStacksStateKeys(project).write),
      ],
    },
    {
      Sid: "WritePrState",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:DeleteObject"],
      Resource: objects(prStacksStateKeys(project).write),
    },
    {
      Sid: "StateKeyThroughS3",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: anyKey,
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` },
        ...byAlias(STATE_KEY_ALIAS),
      },
    },
    {
      Sid: "UseBaseSecretsKey",
      Effect: "Allow",
      Action: [...KEY_USE_ACTIONS],
      Resource: anyKey,
      Condition: byAlias(secretsKeyAlias(PR_BASE_ENVIRONMENT)),
    },
  );
}
