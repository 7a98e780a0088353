import { assertAccountId, type PolicyDocument, policy } from "../core/policy-document";

export interface AuditArgs {
  readonly bucketName: string;
  readonly trailArn: string;
  /** The management account (owns the bucket, the key and the trail). */
  readonly accountId: string;
  readonly organizationId: string;
  readonly region: string;
}

/**
 * Bucket policy of the organization trail's log bucket: CloudTrail may check the ACL and write
 * (for this trail only, under the management account's and the organization's prefixes); nobody
 * may read or write over plain HTTP, delete log objects or versions, or change the bucket's
 * policy, versioning or lifecycle except the management account's own principals. Member
 * accounts have no grant at all.
 */
export function auditBucketPolicy(a: AuditArgs): PolicyDocument {
  assertAccountId(a.accountId, "auditBucketPolicy.accountId");
  const bucket = `arn:aws:s3:::${a.bucketName}`;
  const source = { "aws:SourceArn": a.trailArn };
  return policy(
    {
      Sid: "CloudTrailAclCheck",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: bucket,
      Condition: { StringEquals: source },
    },
    {
      Sid: "CloudTrailWrite",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: [`${bucket}/AWSLogs/${a.accountId}/*`, `${bucket}/AWSLogs/${a.organizationId}/*`],
      Condition: { StringEquals: { ...source, "s3:x-amz-acl": "bucket-owner-full-control" } },
    },
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucket, `${bucket}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyLogDeletion",
      Effect: "Deny",
      Principal: "*",
      Action: [
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:PutObjectRetention",
        "s3:BypassGovernanceRetention",
      ],
      Resource: `${bucket}/*`,
    },
    {
      Sid: "DenyConfigChangesOutsideManagement",
      Effect: "Deny",
      Principal: "*",
      Action: [
        "s3:DeleteBucket",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketPolicy",
        "s3:PutBucketVersioning",
        "s3:PutLifecycleConfiguration",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutEncryptionConfiguration",
      ],
      Resource: bucket,
      Condition: { StringNotEquals: { "aws:PrincipalAccount": a.accountId } },
    },
  );
}

/** Key policy of the trail's KMS key: the management account administers; CloudTrail encrypts for this trail only. */
export function auditKeyPolicy(a: AuditArgs): PolicyDocument {
  assertAccountId(a.accountId, "auditKeyPolicy.accountId");
  return policy(
    {
      Sid: "ManagementAccountAdministers",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${a.accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "CloudTrailEncrypts",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:GenerateDataKey*",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceArn": a.trailArn },
        StringLike: {
          "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${a.accountId}:trail/*`,
        },
      },
    },
    {
      Sid: "CloudTrailDescribesKey",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:DescribeKey",
      Resource: "*",
    },
  );
}
