import { accountRootArn, type PolicyDocument, policy } from "../core/policy-document";

/** Services that encrypt the environment's data with its key through `kms:ViaService` (Lambda: the worker's environment variables). */
export const DATA_KEY_VIA_SERVICES = [
  "rds",
  "dynamodb",
  "s3",
  "sqs",
  "secretsmanager",
  "es",
  "sns",
  "lambda",
] as const;

export interface DataKeyPolicyArgs {
  readonly accountId: string;
  readonly region: string;
  /** Log groups under this prefix (e.g. `/platform/prod/`) may be encrypted with the key. */
  readonly logGroupPrefix: string;
}

const USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/**
 * Key policy of the environment's data key (`platform-<env>-data`). The account administers
 * the key (IAM policies decide who may use it); principals of the account use it only through
 * the data services; CloudWatch Logs only for the stack's own log groups; S3 (event
 * notifications to the encrypted queue), CloudWatch and SES (alarms and bounces to the
 * encrypted alerts topic) and CloudFront (assets) only on behalf of this account.
 */
export function dataKeyPolicy(args: DataKeyPolicyArgs): PolicyDocument {
  const { accountId, region, logGroupPrefix } = args;
  const root = accountRootArn(accountId);
  return policy(
    {
      Sid: "AccountAdministersKey",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "AccountUsesKeyThroughDataServices",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: [...USE, "kms:CreateGrant", "kms:ListGrants"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:CallerAccount": accountId,
          "kms:ViaService": DATA_KEY_VIA_SERVICES.map((s) => `${s}.${region}.amazonaws.com`),
        },
      },
    },
    {
      Sid: "CloudWatchLogsForStackLogGroups",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: USE,
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${accountId}:log-group:${logGroupPrefix}*`,
        },
      },
    },
    {
      Sid: "ServicesPublishToEncryptedQueueAndTopic",
      Effect: "Allow",
      Principal: { Service: ["s3.amazonaws.com", "cloudwatch.amazonaws.com", "ses.amazonaws.com"] },
      Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
    // Account-wide rather than the edge's distribution: the key policy is inline on the key, and
    // the distribution depends on the bucket, which depends on the key. The assets bucket policy
    // is what admits the one distribution.
    {
      Sid: "CloudFrontReadsAssets",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceAccount": accountId, "kms:ViaService": `s3.${region}.amazonaws.com` },
      },
    },
  );
}
