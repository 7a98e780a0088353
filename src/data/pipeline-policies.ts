import { denyInsecureTransport, type PolicyDocument, policy } from "../core/policy-document";

/** The DynamoDB attribute holding the payment's UUID (the table's partition key, used for idempotency). */
export const PAYMENT_ID_ATTRIBUTE = "paymentId";

/** The smallest visibility timeout that covers `factor` runs of the worker. */
export function minimumVisibilityTimeout(workerTimeoutSeconds: number, factor: number): number {
  return workerTimeoutSeconds * factor;
}

/** Throws unless the queue's visibility timeout covers `factor` worker timeouts (config validation reports it first). */
export function assertVisibilityTimeout(
  visibilityTimeoutSeconds: number,
  workerTimeoutSeconds: number,
  factor: number,
) {
  const min = minimumVisibilityTimeout(workerTimeoutSeconds, factor);
  if (visibilityTimeoutSeconds < min) {
    throw new Error(
      `visibility timeout ${visibilityTimeoutSeconds} s is under ${factor} × the worker timeout ${workerTimeoutSeconds} s (${min} s)`,
    );
  }
}

/** The main queue's redrive policy: after `maxReceiveCount` receives a message moves to the DLQ. */
export function redrivePolicy(deadLetterTargetArn: string, maxReceiveCount: number): string {
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1) {
    throw new Error(`maxReceiveCount must be a whole number of at least 1; got ${maxReceiveCount}`);
  }
  return JSON.stringify({ deadLetterTargetArn, maxReceiveCount });
}

/** The DLQ accepts dead letters from the payments queue only (and so replays go back there). */
export function redriveAllowPolicy(sourceQueueArn: string): string {
  return JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [sourceQueueArn] });
}

/** Queue policy: S3 may send only for this bucket in this account; nothing over plain HTTP. */
export function queuePolicy(args: {
  queueArn: string;
  bucketArn: string;
  accountId: string;
}): PolicyDocument {
  return policy(
    {
      Sid: "ArchiveBucketSendsObjectEvents",
      Effect: "Allow",
      Principal: { Service: "s3.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: args.queueArn,
      Condition: {
        ArnEquals: { "aws:SourceArn": args.bucketArn },
        StringEquals: { "aws:SourceAccount": args.accountId },
      },
    },
    denyInsecureTransport("sqs:*", args.queueArn),
  );
}

/** Dead-letter queue policy: TLS only (nothing but the redrive writes to it). */
export function dlqPolicy(queueArn: string): PolicyDocument {
  return policy(denyInsecureTransport("sqs:*", queueArn));
}

/**
 * Payload archive bucket policy: TLS 1.2 or later only, and objects written only with the
 * environment's key (a request naming another key is refused; the default encryption applies
 * the right one when none is named).
 */
export function archiveBucketPolicy(args: { bucketArn: string; keyArn: string }): PolicyDocument {
  const { bucketArn, keyArn } = args;
  return policy(
    denyInsecureTransport("s3:*", [bucketArn, `${bucketArn}/*`]),
    {
      Sid: "DenyTlsBelow12",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
    {
      Sid: "DenyOtherEncryption",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${bucketArn}/*`,
      Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    },
    {
      Sid: "DenyOtherKmsKeys",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${bucketArn}/*`,
      Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn } },
    },
  );
}

const DISTRIBUTION_ARN = /^arn:aws:cloudfront::\d{12}:distribution\/[A-Z0-9]+$/;

/**
 * Static-assets bucket policy: objects are read only by the environment's CloudFront
 * distribution, through its origin access control (SigV4-signed requests from the CloudFront
 * service on behalf of exactly that distribution), and nothing reaches the bucket over plain
 * HTTP. Nothing else is allowed: the account's own principals still go through IAM.
 */
export function assetsBucketPolicy(args: { bucketArn: string; distributionArn: string }): PolicyDocument {
  const { bucketArn, distributionArn } = args;
  if (!DISTRIBUTION_ARN.test(distributionArn)) {
    throw new Error(`"${distributionArn}" is not the ARN of one CloudFront distribution`);
  }
  return policy(
    {
      Sid: "CloudFrontDistributionReadsAssets",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: `${bucketArn}/*`,
      Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
    },
    denyInsecureTransport("s3:*", [bucketArn, `${bucketArn}/*`]),
  );
}

export interface ArchiveLifecycle {
  readonly transitionToInfrequentAccessDays: number;
  readonly transitionToGlacierDays: number;
  readonly noncurrentVersionExpirationDays: number;
}

/** Lifecycle rules of the archive: colder storage with age, old versions expire, no stray multipart uploads. */
export function archiveLifecycleRules(l: ArchiveLifecycle) {
  return [
    {
      id: "colder-storage-with-age",
      status: "Enabled",
      filter: {},
      transitions: [
        { days: l.transitionToInfrequentAccessDays, storageClass: "STANDARD_IA" },
        { days: l.transitionToGlacierDays, storageClass: "GLACIER_IR" },
      ],
    },
    {
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: {},
      noncurrentVersionExpiration: { noncurrentDays: l.noncurrentVersionExpirationDays },
    },
    {
      id: "abort-incomplete-uploads",
      status: "Enabled",
      filter: {},
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    },
  ];
}
