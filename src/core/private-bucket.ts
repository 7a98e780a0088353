import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "./naming";

/**
 * Why a bucket is encrypted with S3-managed keys (SSE-S3) instead of a customer key: the AWS
 * services that deliver into it cannot use one. The reason is written on the bucket
 * (`EncryptionAtRest` tag), and the policy pack admits SSE-S3 only with one of these.
 */
export const SSE_S3_REASONS = {
  /** S3 server access logging refuses SSE-KMS target buckets. */
  "s3-server-access-logs": "S3 server access log delivery does not support SSE-KMS",
  /** Elastic Load Balancing access logs support only SSE-S3. */
  "alb-access-logs": "ALB access log delivery supports only SSE-S3",
  /** AWS Config of every account of the organization delivers into one central bucket. */
  "config-delivery": "AWS Config delivers from every account of the organization",
} as const;
export type SseS3Reason = keyof typeof SSE_S3_REASONS;

/** The tag a bucket carries when it is SSE-S3, naming the reason (`SSE-S3: <reason>`). */
export const ENCRYPTION_TAG = "EncryptionAtRest";

export type PrivateBucketArgs = {
  readonly naming: NameContext;
  /** Physical bucket name (globally unique). */
  readonly name: pulumi.Input<string>;
  /** Protect the bucket itself against deletion (production-grade stacks, audit logs). */
  readonly protect: boolean;
  /** Let `pulumi destroy` delete the bucket with its objects (temporary environments only). */
  readonly forceDestroy?: boolean;
} & (
  | {
      /** KMS key every object is encrypted with by default (bucket keys on). */
      readonly keyArn: pulumi.Input<string>;
    }
  | {
      /** S3-managed keys (SSE-S3), for a bucket AWS services deliver logs into that cannot use a customer key. */
      readonly sseS3Reason: SseS3Reason;
    }
);

export interface PrivateBucket {
  readonly bucket: aws.s3.Bucket;
  /** Attach bucket policies after this, so a policy never races the block. */
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
}

/**
 * A bucket nobody outside can read: all public access blocked, ACLs disabled (owner enforced),
 * versioned, and SSE-KMS with the given key and bucket keys (SSE-S3 when no key is given).
 * Children are named `<id>-…` and parented to `parent` (through `provider` when given, e.g. another
 * account's); policies and lifecycles stay with the caller.
 */
export function privateBucket(
  id: string,
  args: PrivateBucketArgs,
  parent: pulumi.Resource,
  provider?: pulumi.ProviderResource,
): PrivateBucket {
  const opts = provider ? { parent, provider } : { parent };
  const bucket = new aws.s3.Bucket(
    `${id}-bucket`,
    {
      bucket: args.name,
      forceDestroy: args.forceDestroy === true,
      tags: {
        ...nameTag(args.naming, id),
        ...("sseS3Reason" in args ? { [ENCRYPTION_TAG]: `SSE-S3: ${args.sseS3Reason}` } : {}),
      },
    },
    { ...opts, protect: args.protect },
  );
  new aws.s3.BucketOwnershipControls(
    `${id}-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
    `${id}-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  new aws.s3.BucketVersioning(
    `${id}-versioning`,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${id}-encryption`,
    {
      bucket: bucket.id,
      rules: [
        "sseS3Reason" in args
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
          : {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.keyArn },
              bucketKeyEnabled: true,
            },
      ],
    },
    opts,
  );
  return { bucket, publicAccessBlock };
}
