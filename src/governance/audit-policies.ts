import { assertAccountId, denyInsecureTransport, type PolicyDocument, policy } from "../core/policy-document";

export interface AuditArgs {
  readonly bucketName: string;
  readonly trailArn: string;
  /** The management account (owns the bucket, the key and the trail). */
  readonly accountId: string;
  readonly organizationId: string;
  readonly region: string;
  /** The CloudWatch Logs group the trail also delivers to (the security alarms read it); none when unset. */
  readonly logGroupName?: string;
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
    denyInsecureTransport("s3:*", [bucket, `${bucket}/*`]),
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
    ...(a.logGroupName === undefined
      ? []
      : [
          {
            Sid: "CloudWatchLogsEncryptsTrailLogGroup",
            Effect: "Allow" as const,
            Principal: { Service: `logs.${a.region}.amazonaws.com` },
            Action: [
              "kms:Encrypt*",
              "kms:Decrypt*",
              "kms:ReEncrypt*",
              "kms:GenerateDataKey*",
              "kms:Describe*",
            ],
            Resource: "*",
            Condition: {
              ArnEquals: {
                "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${a.region}:${a.accountId}:log-group:${a.logGroupName}`,
              },
            },
          },
        ]),
  );
}

/**
 * Bucket policy of the audit bucket's server access log bucket: S3's log delivery may write, for
 * the audit bucket of this account only; nothing over plain HTTP; nobody deletes a log object.
 */
export function accessLogBucketPolicy(a: {
  readonly bucketName: string;
  readonly sourceBucketName: string;
  readonly accountId: string;
}): PolicyDocument {
  assertAccountId(a.accountId, "accessLogBucketPolicy.accountId");
  const bucket = `arn:aws:s3:::${a.bucketName}`;
  return policy(
    {
      Sid: "S3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${bucket}/*`,
      Condition: {
        ArnLike: { "aws:SourceArn": `arn:aws:s3:::${a.sourceBucketName}` },
        StringEquals: { "aws:SourceAccount": a.accountId },
      },
    },
    denyInsecureTransport("s3:*", [bucket, `${bucket}/*`]),
    {
      Sid: "DenyLogDeletion",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
      Resource: `${bucket}/*`,
    },
  );
}

/**
 * The trail's role for CloudWatch Logs: create streams and put events in its own log group only
 * (an organization trail writes one stream per account and region).
 */
export function trailLogsPolicy(logGroupArn: string): PolicyDocument {
  return policy({
    Sid: "TrailWritesItsLogGroup",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${logGroupArn}:log-stream:*`,
  });
}

/** What the organization trail records beyond management events: data events on named resources. */
export interface TrailDataEvents {
  /** Buckets whose object-level reads and writes are recorded (every object). */
  readonly s3BucketNames: readonly string[];
  /** DynamoDB tables whose item-level reads and writes are recorded. */
  readonly dynamodbTableArns: readonly string[];
}

/**
 * The trail's advanced event selectors: every management event (as the basic selector recorded),
 * plus data events on exactly the named payment stores. Advanced selectors replace the basic ones,
 * so the management selector must be listed or management events would stop.
 */
export interface FieldSelector {
  readonly field: string;
  readonly equals?: string[];
  readonly startsWiths?: string[];
}

export function trailEventSelectors(d: TrailDataEvents): { name: string; fieldSelectors: FieldSelector[] }[] {
  const selectors: { name: string; fieldSelectors: FieldSelector[] }[] = [
    { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
  ];
  if (d.s3BucketNames.length > 0) {
    selectors.push({
      name: "Payment payloads: object reads and writes",
      fieldSelectors: [
        { field: "eventCategory", equals: ["Data"] },
        { field: "resources.type", equals: ["AWS::S3::Object"] },
        { field: "resources.ARN", startsWiths: d.s3BucketNames.map((b) => `arn:aws:s3:::${b}/`) },
      ],
    });
  }
  if (d.dynamodbTableArns.length > 0) {
    selectors.push({
      name: "Payments tables: item reads and writes",
      fieldSelectors: [
        { field: "eventCategory", equals: ["Data"] },
        { field: "resources.type", equals: ["AWS::DynamoDB::Table"] },
        { field: "resources.ARN", equals: [...d.dynamodbTableArns] },
      ],
    });
  }
  return selectors;
}
