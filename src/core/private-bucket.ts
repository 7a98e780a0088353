import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "./naming";

export interface PrivateBucketArgs {
  readonly naming: NameContext;
  /** Physical bucket name (globally unique). */
  readonly name: pulumi.Input<string>;
  /** KMS key every object is encrypted with by default (bucket keys on). */
  readonly keyArn: pulumi.Input<string>;
  /** Protect the bucket itself against deletion (production-grade stacks, audit logs). */
  readonly protect: boolean;
  /** Let `pulumi destroy` delete the bucket with its objects (temporary environments only). */
  readonly forceDestroy?: boolean;
}

export interface PrivateBucket {
  readonly bucket: aws.s3.Bucket;
  /** Attach bucket policies after this, so a policy never races the block. */
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
}

/**
 * A bucket nobody outside can read: all public access blocked, ACLs disabled (owner enforced),
 * versioned, and SSE-KMS with the given key and bucket keys. Children are named `<id>-…` and
 * parented to `parent`; policies and lifecycles stay with the caller.
 */
export function privateBucket(id: string, args: PrivateBucketArgs, parent: pulumi.Resource): PrivateBucket {
  const opts = { parent };
  const bucket = new aws.s3.Bucket(
    `${id}-bucket`,
    { bucket: args.name, forceDestroy: args.forceDestroy === true, tags: nameTag(args.naming, id) },
    { parent, protect: args.protect },
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
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.keyArn },
          bucketKeyEnabled: true,
        },
      ],
    },
    opts,
  );
  return { bucket, publicAccessBlock };
}
