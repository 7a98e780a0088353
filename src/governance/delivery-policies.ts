import {
  assertAccountId,
  type PolicyDocument,
  policy,
  SECRETS_READ_ACTIONS,
  SQS_CONSUME_ACTIONS,
} from "../core/policy-document";
import { PR_NAME_PREFIX, PR_ROLE_PREFIX, PR_SECRET_PREFIX, prPermissionsBoundaryArn } from "../core/pr-names";

/**
 * Permission documents of the delivery pipeline's CI roles: the chart publisher, and the role PR
 * environments deploy with, with the permissions boundary of every role a PR environment creates.
 */

/** Pushing an OCI artifact (helm push) to ECR, and telling whether a version is already there. */
export const ECR_PUSH_ACTIONS: readonly string[] = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:InitiateLayerUpload",
  "ecr:UploadLayerPart",
  "ecr:CompleteLayerUpload",
  "ecr:PutImage",
  "ecr:BatchGetImage",
  "ecr:DescribeImages",
];

/**
 * The chart publisher: a registry token (an action without resource-level permissions), and pushes
 * to the chart repositories (`charts/*`) only: never the application images, never a delete.
 */
export function chartPublisherPermissions(a: {
  readonly region: string;
  readonly accountId: string;
  /** Repository path prefix of the charts, e.g. `charts/`. */
  readonly repositoryPrefix: string;
}): PolicyDocument {
  assertAccountId(a.accountId, "chartPublisherPermissions");
  if (!a.repositoryPrefix.endsWith("/") || a.repositoryPrefix.length < 2) {
    throw new Error(
      `chartPublisherPermissions: "${a.repositoryPrefix}" is not a repository path prefix (charts/)`,
    );
  }
  return policy(
    { Sid: "GetRegistryToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Sid: "PushCharts",
      Effect: "Allow",
      Action: [...ECR_PUSH_ACTIONS],
      Resource: `arn:aws:ecr:${a.region}:${a.accountId}:repository/${a.repositoryPrefix}*`,
    },
  );
}

export interface PrAccountArgs {
  readonly region: string;
  /** The base environment's account, where PR environments live. */
  readonly accountId: string;
  /** The base environment's EKS cluster (Pod Identity associations). */
  readonly clusterName: string;
}

/**
 * What a role a PR environment creates may ever do (its permissions boundary): the PR
 * environments' own data (tables, queues, buckets named `platform-pr-…`, secrets under `pr-…/`,
 * keys tagged as a PR environment's), nothing else in the account.
 */
export function prBoundaryPolicy(a: Omit<PrAccountArgs, "clusterName">): PolicyDocument {
  assertAccountId(a.accountId, "prBoundaryPolicy");
  const at = `${a.region}:${a.accountId}`;
  return policy(
    {
      Sid: "PrTables",
      Effect: "Allow",
      Action: [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:Query",
        "dynamodb:ConditionCheckItem",
      ],
      Resource: `arn:aws:dynamodb:${at}:table/${PR_NAME_PREFIX}*`,
    },
    {
      Sid: "PrQueues",
      Effect: "Allow",
      Action: [...SQS_CONSUME_ACTIONS],
      Resource: `arn:aws:sqs:${at}:${PR_NAME_PREFIX}*`,
    },
    {
      Sid: "PrPayloads",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject"],
      Resource: `arn:aws:s3:::${PR_NAME_PREFIX}*/*`,
    },
    {
      Sid: "PrSecrets",
      Effect: "Allow",
      Action: [...SECRETS_READ_ACTIONS],
      Resource: `arn:aws:secretsmanager:${at}:secret:${PR_SECRET_PREFIX}*`,
    },
    {
      Sid: "PrKeys",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: `arn:aws:kms:${at}:key/*`,
      Condition: { StringLike: { "aws:ResourceTag/Environment": `${PR_SECRET_PREFIX}*` } },
    },
  );
}

/**
 * What `platform-pr-environments` may do in the base account: create and delete PR environments'
 * own resources by their names (`platform-pr-…`, secrets `pr-…/`, roles `pr-…` that carry the
 * boundary and cannot lose it), keys tagged as a PR environment's, and Pod Identity associations on
 * the base cluster for those roles. Nothing of the base environment, no role without the boundary,
 * and no `platform-*` role (which the identity guardrail reserves to the platform's deployments).
 */
export function prEnvironmentsPermissions(a: PrAccountArgs): PolicyDocument {
  assertAccountId(a.accountId, "prEnvironmentsPermissions");
  const at = `${a.region}:${a.accountId}`;
  const roles = `arn:aws:iam::${a.accountId}:role/${PR_ROLE_PREFIX}*`;
  const boundary = prPermissionsBoundaryArn(a.accountId);
  const prTag = { "aws:ResourceTag/Environment": `${PR_SECRET_PREFIX}*` };
  return policy(
    {
      Sid: "PrData",
      Effect: "Allow",
      Action: ["dynamodb:*", "sqs:*", "s3:*"],
      Resource: [
        `arn:aws:dynamodb:${at}:table/${PR_NAME_PREFIX}*`,
        `arn:aws:sqs:${at}:${PR_NAME_PREFIX}*`,
        `arn:aws:s3:::${PR_NAME_PREFIX}*`,
        `arn:aws:s3:::${PR_NAME_PREFIX}*/*`,
      ],
    },
    {
      Sid: "PrSecrets",
      Effect: "Allow",
      Action: "secretsmanager:*",
      Resource: `arn:aws:secretsmanager:${at}:secret:${PR_SECRET_PREFIX}*`,
    },
    {
      Sid: "CreatePrKeys",
      Effect: "Allow",
      Action: ["kms:CreateKey", "kms:TagResource"],
      Resource: "*",
      Condition: { StringLike: { "aws:RequestTag/Environment": `${PR_SECRET_PREFIX}*` } },
    },
    {
      Sid: "ManagePrKeys",
      Effect: "Allow",
      Action: [
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:PutKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:EnableKeyRotation",
        "kms:ListResourceTags",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:UpdateKeyDescription",
        "kms:ScheduleKeyDeletion",
        "kms:CreateAlias",
        "kms:DeleteAlias",
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey",
      ],
      Resource: `arn:aws:kms:${at}:key/*`,
      Condition: { StringLike: prTag },
    },
    {
      // DynamoDB and Secrets Manager use a PR environment's key through grants they create.
      Sid: "GrantPrKeysToServices",
      Effect: "Allow",
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: `arn:aws:kms:${at}:key/*`,
      Condition: { StringLike: prTag, Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
    {
      Sid: "PrKeyAliases",
      Effect: "Allow",
      Action: ["kms:CreateAlias", "kms:DeleteAlias"],
      Resource: `arn:aws:kms:${at}:alias/${PR_NAME_PREFIX}*`,
    },
    // Listing has no resource-level permission.
    { Sid: "ListKeyAliases", Effect: "Allow", Action: "kms:ListAliases", Resource: "*" },
    {
      Sid: "CreatePrRolesWithinTheBoundary",
      Effect: "Allow",
      Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      Resource: roles,
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
    },
    {
      Sid: "ManagePrRoles",
      Effect: "Allow",
      Action: [
        "iam:GetRole",
        "iam:DeleteRole",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePolicy",
        "iam:GetRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
      ],
      Resource: roles,
    },
    {
      Sid: "PassPrRolesToPodIdentityOnly",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: roles,
      Condition: { StringEquals: { "iam:PassedToService": "pods.eks.amazonaws.com" } },
    },
    {
      Sid: "PodIdentityOnTheBaseCluster",
      Effect: "Allow",
      Action: [
        "eks:CreatePodIdentityAssociation",
        "eks:DeletePodIdentityAssociation",
        "eks:DescribePodIdentityAssociation",
        "eks:UpdatePodIdentityAssociation",
        "eks:ListPodIdentityAssociations",
        "eks:TagResource",
        "eks:DescribeCluster",
      ],
      Resource: [
        `arn:aws:eks:${at}:cluster/${a.clusterName}`,
        `arn:aws:eks:${at}:podidentityassociation/${a.clusterName}/*`,
      ],
    },
    {
      // Explicit, so no grant elsewhere can let a PR role shed its boundary.
      Sid: "NeverRemoveTheBoundary",
      Effect: "Deny",
      Action: "iam:DeleteRolePermissionsBoundary",
      Resource: "*",
    },
  );
}
