import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { boundedName, type NameContext } from "../core/naming";
import { toJson } from "../core/policy-document";
import { privateBucket } from "../core/private-bucket";
import { albLogBucketPolicy } from "./log-policies";

export interface AlbAccessLogsArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  /** Days the logs are kept (then expired by the lifecycle). */
  readonly retentionDays: number;
  readonly protect: boolean;
}

/** The ALB access-log bucket's name (fixed, so the ingress classes can name it before it exists). */
export function albLogBucketName(naming: NameContext, accountId: string): string {
  return boundedName(naming, 63, "alb-logs", accountId);
}

/**
 * The bucket the environment's ALBs (public and internal, created by the load balancer controller)
 * write their access logs to: private, owner-enforced, SSE-S3 (ALB log delivery does not support
 * SSE-KMS), TLS only, written by the region's Elastic Load Balancing account, expired after the
 * environment's log retention.
 */
export class AlbAccessLogs extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  /** The bucket's policy: the ALBs can write once this exists. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: AlbAccessLogsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:edge:AlbAccessLogs", name, {}, opts);
    const { naming } = args;
    const parent = { parent: this };
    // Private, versioned, owner-enforced; SSE-S3 because ALB log delivery supports nothing else.
    const { bucket, publicAccessBlock: block } = privateBucket(
      "alb-logs",
      {
        naming,
        name: albLogBucketName(naming, args.accountId),
        protect: args.protect,
        sseS3Reason: "alb-access-logs",
      },
      this,
    );
    new aws.s3.BucketLifecycleConfiguration(
      "alb-logs-lifecycle",
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: {},
            expiration: { days: args.retentionDays },
            // The bucket is versioned: expiring a log only makes it noncurrent, which goes a day later.
            noncurrentVersionExpiration: { noncurrentDays: 1 },
          },
          {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      parent,
    );
    this.ready = new aws.s3.BucketPolicy(
      "alb-logs-policy",
      {
        bucket: block.bucket,
        policy: bucket.arn.apply((bucketArn) =>
          toJson(albLogBucketPolicy({ bucketArn, accountId: args.accountId, region: args.region })),
        ),
      },
      parent,
    );
    this.bucketName = bucket.bucket;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
