import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "../core/naming";
import { toJson } from "../core/policy-document";
import { privateBucket } from "../core/private-bucket";
import {
  STATE_KEY_ALIAS,
  STATE_METADATA,
  STATE_METADATA_KEY,
  stateBucketName,
  stateLogBucketName,
} from "../core/state-backend";
import { logBucketPolicy, type StatePolicyArgs, stateBucketPolicy, stateKeyPolicy } from "./state-policies";

export interface StateBackendArgs extends StatePolicyArgs {
  readonly naming: NameContext;
  /** Days the access logs are kept. */
  readonly logRetentionDays: number;
  /** Days a replaced checkpoint version is kept (recovery from a bad update). */
  readonly noncurrentVersionDays: number;
}

/**
 * Pulumi's state bucket in the management account: versioned, SSE-KMS with its own rotating key
 * (bucket keys on), public access blocked and ACLs off, HTTPS only, server access logs to a
 * separate bucket, old checkpoint versions kept for recovery; the policy admits each CI role to
 * its own stack's state only (`stateBucketPolicy`). It writes the backend's metadata (project
 * mode) so read-only previews never have to. Bucket and key are protected and retained.
 */
export class StateBackend extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly keyArn: pulumi.Output<string>;

  constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:bootstrap:StateBackend", name, {}, opts);
    const parent = { parent: this };
    const { naming, managementAccountId: account } = args;

    const key = new aws.kms.Key(
      "state-key",
      {
        description: "Pulumi state of the platform (S3 backend)",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: toJson(stateKeyPolicy(args)),
        tags: nameTag(naming, "state"),
      },
      { ...parent, protect: true, retainOnDelete: true },
    );
    new aws.kms.Alias("state-key-alias", { name: STATE_KEY_ALIAS, targetKeyId: key.keyId }, parent);
    this.keyArn = key.arn;

    // Server access logs: S3 delivers them only to SSE-S3 buckets.
    const logs = new aws.s3.Bucket(
      "logs-bucket",
      { bucket: stateLogBucketName(account), forceDestroy: false, tags: nameTag(naming, "state-logs") },
      { ...parent, protect: true, retainOnDelete: true },
    );
    new aws.s3.BucketOwnershipControls(
      "logs-ownership",
      { bucket: logs.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    const logsBlock = new aws.s3.BucketPublicAccessBlock(
      "logs-public-access",
      {
        bucket: logs.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      "logs-encryption",
      { bucket: logs.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
      "logs-lifecycle",
      {
        bucket: logs.id,
        rules: [
          { id: "expire-logs", status: "Enabled", filter: {}, expiration: { days: args.logRetentionDays } },
        ],
      },
      parent,
    );

    const state = privateBucket(
      "state",
      { naming, name: stateBucketName(account), keyArn: key.arn, protect: true },
      this,
    );
    const bucketArn = state.bucket.arn;
    new aws.s3.BucketPolicy(
      "logs-policy",
      {
        bucket: logs.id,
        policy: pulumi.all([logs.arn, bucketArn]).apply(([l, b]) => toJson(logBucketPolicy(l, b, account))),
      },
      { ...parent, dependsOn: [logsBlock] },
    );
    new aws.s3.BucketLogging(
      "state-logging",
      { bucket: state.bucket.id, targetBucket: logs.id, targetPrefix: "access/" },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
      "state-lifecycle",
      {
        bucket: state.bucket.id,
        rules: [
          {
            id: "old-checkpoints",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      parent,
    );
    const bucketPolicy = new aws.s3.BucketPolicy(
      "state-policy",
      { bucket: state.bucket.id, policy: bucketArn.apply((arn) => toJson(stateBucketPolicy(arn, args))) },
      { ...parent, dependsOn: [state.publicAccessBlock] },
    );
    new aws.s3.BucketObjectv2(
      "state-metadata",
      {
        bucket: state.bucket.id,
        key: STATE_METADATA_KEY,
        content: STATE_METADATA,
        contentType: "application/yaml",
      },
      { ...parent, dependsOn: [bucketPolicy] },
    );
    this.bucketName = state.bucket.bucket;
    this.registerOutputs({ bucketName: this.bucketName, keyArn: this.keyArn });
  }
}
