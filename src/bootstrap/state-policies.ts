import { MANAGEMENT_STACK, PR_BASE_ENVIRONMENT, STACK_NAMES } from "../core/environments";
import {
  accountAdministersKey,
  accountRootArn,
  denyInsecureTransport,
  type PolicyDocument,
  type PolicyStatement,
  policy,
} from "../core/policy-document";
import { PR_CI_ROLE_NAME } from "../core/pr-names";
import { BREAK_GLASS_ROLE_NAME } from "../core/stack-roles";
import { prStacksStateKeys, STATE_METADATA_KEY, stackStateKeys } from "../core/state-backend";
import { ciRoleName, roleArn } from "../governance";

export interface StatePolicyArgs {
  /** The management account: the bucket, its key and the CI roles live there. */
  readonly managementAccountId: string;
  readonly region: string;
  /** The Pulumi project whose stacks the bucket holds (`platform`). */
  readonly project: string;
  /** The platform administrators (ArnLike pattern of the Identity Center admin roles); the break-glass role too. */
  readonly adminPrincipalArn: string;
}

const ROOT_WITH = (account: string, arns: readonly string[]) => ({
  Principal: { AWS: accountRootArn(account) },
  Condition: { ArnEquals: { "aws:PrincipalArn": arns.length === 1 ? arns[0]! : [...arns] } },
});

/**
 * The state bucket's policy: HTTPS only, and per stack its CI roles on their own state — the
 * preview role reads the checkpoint, the deploy role reads and writes it with its history,
 * backups, lock and journal; every CI role reads the backend's metadata and lists keys; an
 * environment's roles read the management checkpoint (their StackReference). The roles are named
 * through `aws:PrincipalArn` (they do not exist when the bootstrap runs, and a bucket policy may not
 * name a missing role); their identity policies grant the same (`ciRolePolicy`).
 */
export function stateBucketPolicy(bucketArn: string, args: StatePolicyArgs): PolicyDocument {
  const { managementAccountId: account, project } = args;
  const role = (kind: "deploy" | "preview", stack: (typeof STACK_NAMES)[number]) =>
    roleArn(account, ciRoleName(kind, stack));
  // The PR environments' CI role: its `pr-*` stacks' state and the base environment's checkpoint.
  const prCi = roleArn(account, PR_CI_ROLE_NAME);
  const all = [...STACK_NAMES.flatMap((s) => [role("deploy", s), role("preview", s)]), prCi];
  const objects = (patterns: readonly string[]) => patterns.map((k) => `${bucketArn}/${k}`);
  const management = stackStateKeys(project, MANAGEMENT_STACK);

  const statements: PolicyStatement[] = [
    denyInsecureTransport("s3:*", [bucketArn, `${bucketArn}/*`]),
    {
      Sid: "CiRolesList",
      Effect: "Allow",
      ...ROOT_WITH(account, all),
      Action: "s3:ListBucket",
      Resource: bucketArn,
    },
    {
      Sid: "CiRolesReadMetadata",
      Effect: "Allow",
      ...ROOT_WITH(account, all),
      Action: "s3:GetObject",
      Resource: `${bucketArn}/${STATE_METADATA_KEY}`,
    },
  ];
  for (const stack of STACK_NAMES) {
    const keys = stackStateKeys(project, stack);
    const tag = stack.charAt(0).toUpperCase() + stack.slice(1);
    statements.push(
      {
        Sid: `${tag}PreviewReads`,
        Effect: "Allow",
        ...ROOT_WITH(account, [role("preview", stack)]),
        Action: "s3:GetObject",
        Resource: objects(keys.read),
      },
      {
        Sid: `${tag}DeployReadsAndWrites`,
        Effect: "Allow",
        ...ROOT_WITH(account, [role("deploy", stack)]),
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: objects(keys.write),
      },
    );
  }
  statements.push({
    Sid: "EnvironmentsReadManagementOutputs",
    Effect: "Allow",
    ...ROOT_WITH(
      account,
      STACK_NAMES.filter((s) => s !== MANAGEMENT_STACK).flatMap((s) => [
        role("deploy", s),
        role("preview", s),
      ]),
    ),
    Action: "s3:GetObject",
    Resource: objects(management.read),
  });
  statements.push(
    {
      Sid: "PrEnvironmentsReadAndWrite",
      Effect: "Allow",
      ...ROOT_WITH(account, [prCi]),
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: objects(prStacksStateKeys(project).write),
    },
    {
      Sid: "PrEnvironmentsReadBaseOutputs",
      Effect: "Allow",
      ...ROOT_WITH(account, [prCi]),
      Action: "s3:GetObject",
      Resource: objects(stackStateKeys(project, PR_BASE_ENVIRONMENT).read),
    },
  );
  return policy(...statements);
}

/**
 * The state key's policy: the account administers it (never uses it through IAM alone), the
 * platform administrators use it, and the CI roles use it only through S3 in the region
 * (`kms:ViaService`), so the key decrypts state objects and nothing else for them.
 */
export function stateKeyPolicy(args: StatePolicyArgs): PolicyDocument {
  const { managementAccountId: account, region } = args;
  const ciRoles = [
    ...STACK_NAMES.flatMap((s) => [
      roleArn(account, ciRoleName("deploy", s)),
      roleArn(account, ciRoleName("preview", s)),
    ]),
    roleArn(account, PR_CI_ROLE_NAME),
  ];
  return policy(
    accountAdministersKey(account, "KeyAccountAdministers"),
    {
      Sid: "AdminsUse",
      Effect: "Allow",
      Principal: { AWS: accountRootArn(account) },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        ArnLike: { "aws:PrincipalArn": [args.adminPrincipalArn, roleArn(account, BREAK_GLASS_ROLE_NAME)] },
      },
    },
    {
      Sid: "CiRolesThroughS3",
      Effect: "Allow",
      Principal: { AWS: accountRootArn(account) },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        ArnEquals: { "aws:PrincipalArn": ciRoles },
        StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com`, "kms:CallerAccount": account },
      },
    },
  );
}

/** The access-log bucket's policy: S3's log delivery writes logs of the state bucket only; HTTPS only. */
export function logBucketPolicy(
  logBucketArn: string,
  stateBucketArn: string,
  account: string,
): PolicyDocument {
  return policy(denyInsecureTransport("s3:*", [logBucketArn, `${logBucketArn}/*`]), {
    Sid: "S3ServerAccessLogs",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `${logBucketArn}/access/*`,
    Condition: {
      ArnLike: { "aws:SourceArn": stateBucketArn },
      StringEquals: { "aws:SourceAccount": account },
    },
  });
}
