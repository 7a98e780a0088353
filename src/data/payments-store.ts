import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "../core/naming";
import { type PolicyDocument, toJson } from "../core/policy-document";
import { privateBucket } from "../core/private-bucket";
import {
  type ArchiveLifecycle,
  archiveBucketPolicy,
  archiveLifecycleRules,
  PAYMENT_ID_ATTRIBUTE,
} from "./pipeline-policies";

export interface PaymentsStoreArgs {
  readonly naming: NameContext;
  readonly tableName: string;
  readonly archiveBucketName: string;
  readonly assetsBucketName: string;
  readonly keyArn: pulumi.Input<string>;
  readonly archiveLifecycle: ArchiveLifecycle;
  /** DynamoDB deletion protection on the payments table. */
  readonly deletionProtection: boolean;
  /** Production-grade stacks: `protect` the table and the buckets. */
  readonly protect: boolean;
}

/**
 * Where payments live: the DynamoDB payments table (keyed by the payment UUID, the idempotency
 * key), the raw-payload archive bucket and the private static-assets bucket CloudFront serves.
 * Every store is encrypted with the environment's data key. The assets bucket's policy names
 * the CloudFront distribution, so the edge (`src/edge/edge.ts`) attaches it.
 */
export class PaymentsStore extends pulumi.ComponentResource {
  readonly tableArn: pulumi.Output<string>;
  readonly tableName: pulumi.Output<string>;
  readonly archiveBucket: aws.s3.Bucket;
  readonly archiveBucketArn: pulumi.Output<string>;
  readonly assetsBucketArn: pulumi.Output<string>;
  readonly assetsBucketName: pulumi.Output<string>;
  /**
   * The assets bucket's name, read from its public access block: a bucket policy attached
   * through it is applied only once the block is in place.
   */
  readonly assetsBucketId: pulumi.Output<string>;
  readonly assetsBucketRegionalDomainName: pulumi.Output<string>;

  constructor(name: string, args: PaymentsStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:PaymentsStore", name, {}, opts);
    const { naming } = args;
    const keep = { parent: this, protect: args.protect };

    const table = new aws.dynamodb.Table(
      "payments-table",
      {
        name: args.tableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey: PAYMENT_ID_ATTRIBUTE,
        attributes: [{ name: PAYMENT_ID_ATTRIBUTE, type: "S" }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: args.keyArn },
        deletionProtectionEnabled: args.deletionProtection,
        tags: nameTag(naming, "payments"),
      },
      keep,
    );
    this.tableArn = table.arn;
    this.tableName = table.name;

    this.archiveBucket = this.bucket("archive", args.archiveBucketName, args, (arn, keyArn) =>
      archiveBucketPolicy({ bucketArn: arn, keyArn }),
    ).bucket;
    new aws.s3.BucketLifecycleConfiguration(
      "archive-lifecycle",
      { bucket: this.archiveBucket.id, rules: archiveLifecycleRules(args.archiveLifecycle) },
      { parent: this },
    );
    this.archiveBucketArn = this.archiveBucket.arn;

    const { bucket: assets, publicAccessBlock } = this.bucket("assets", args.assetsBucketName, args);
    this.assetsBucketArn = assets.arn;
    this.assetsBucketId = publicAccessBlock.bucket;
    this.assetsBucketName = assets.bucket;
    this.assetsBucketRegionalDomainName = assets.bucketRegionalDomainName;

    this.registerOutputs({
      tableArn: this.tableArn,
      archiveBucketArn: this.archiveBucketArn,
      assetsBucketArn: this.assetsBucketArn,
    });
  }

  /** A private bucket (see `privateBucket`) encrypted with the data key, with its policy when given. */
  private bucket(
    id: string,
    bucketName: string,
    args: PaymentsStoreArgs,
    policyOf?: (bucketArn: string, keyArn: string) => PolicyDocument,
  ): { bucket: aws.s3.Bucket; publicAccessBlock: aws.s3.BucketPublicAccessBlock } {
    const { bucket, publicAccessBlock: pab } = privateBucket(
      id,
      { naming: args.naming, name: bucketName, keyArn: args.keyArn, protect: args.protect },
      this,
    );
    if (policyOf) {
      new aws.s3.BucketPolicy(
        `${id}-policy`,
        {
          bucket: bucket.id,
          policy: pulumi.all([bucket.arn, args.keyArn]).apply(([arn, key]) => toJson(policyOf(arn, key))),
        },
        { parent: this, dependsOn: [pab] },
      );
    }
    return { bucket, publicAccessBlock: pab };
  }
}
