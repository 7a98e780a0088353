import { accountAdministersKey, accountRootArn, type PolicyDocument, policy } from "../core/policy-document";

/**
 * Services that encrypt the environment's data with its key through `kms:ViaService` (Lambda: the
 * worker's environment variables; Backup: the recovery points of the stores it backs up).
 */
export const DATA_KEY_VIA_SERVICES = [
  "rds",
  "dynamodb",
  "s3",
  "sqs",
  "secretsmanager",
  "es",
  "sns",
  "lambda",
  "backup",
] as const;

export interface DataKeyPolicyArgs {
  readonly accountId: string;
  readonly region: string;
  /** Log groups under this prefix (e.g. `/platform/prod/`) may be encrypted with the key. */
  readonly logGroupPrefix: string;
}

const USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];
/** Data operations: nobody performs them on the key directly, only AWS services on a caller's behalf. */
export const DATA_KEY_USE_ACTIONS: readonly string[] = USE;

/**
 * Key policy of the environment's data key (`platform-<env>-data`). The account administers the
 * key (manage, rotate, tag, schedule deletion: `KEY_ADMIN_ACTIONS`, never use it and never grant),
 * so the key stays manageable through IAM; principals of the account use it only through the data
 * services (`kms:ViaService`); CloudWatch Logs only for the stack's own log groups; S3 (event
 * notifications to the encrypted queue), CloudWatch and SES (alarms and bounces to the encrypted
 * alerts topic) and CloudFront (assets) only on behalf of this account. No statement grants
 * `kms:*`, so nothing but an AWS service can decrypt with the key: an administrator with
 * `AdministratorAccess` cannot call `kms:Decrypt` on a ciphertext they copied out of a store.
 */
export function dataKeyPolicy(args: DataKeyPolicyArgs): PolicyDocument {
  const { accountId, region, logGroupPrefix } = args;
  const root = accountRootArn(accountId);
  return policy(
    accountAdministersKey(accountId),
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
