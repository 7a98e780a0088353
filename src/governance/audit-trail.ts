import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { toJson } from "../core/policy-document";
import { privateBucket } from "../core/private-bucket";
import { auditBucketPolicy, auditKeyPolicy } from "./audit-policies";

export interface AuditTrailArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  readonly organizationId: pulumi.Input<string>;
  /** Days log objects (and their old versions) are kept. */
  readonly logRetentionDays: number;
}

/**
 * The organization CloudTrail (every account, every region, log file validation) to a versioned,
 * KMS-encrypted bucket in the management account that member accounts cannot read or alter.
 */
export class AuditTrail extends pulumi.ComponentResource {
  readonly bucketName: string;
  readonly trailArn: string;

  constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:audit:AuditTrail", name, {}, opts);
    const parent = { parent: this };
    const protect = { parent: this, protect: true };
    const { naming } = args;
    const trailName = physicalName(naming, "org-trail");
    this.trailArn = `arn:aws:cloudtrail:${args.region}:${args.accountId}:trail/${trailName}`;
    this.bucketName = physicalName(naming, "audit", args.accountId);
    const docArgs = (organizationId: string) => ({
      bucketName: this.bucketName,
      trailArn: this.trailArn,
      accountId: args.accountId,
      organizationId,
      region: args.region,
    });
    const orgId = pulumi.output(args.organizationId);

    const key = new aws.kms.Key(
      "audit-key",
      {
        description: "Organization CloudTrail logs",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: orgId.apply((id) => toJson(auditKeyPolicy(docArgs(id)))),
        tags: nameTag(naming, "audit-key"),
      },
      { ...protect, retainOnDelete: true },
    );
    // Versioned and KMS-encrypted; member accounts cannot alter it (the bucket policy below).
    const { bucket, publicAccessBlock } = privateBucket(
      "audit",
      { naming, name: this.bucketName, keyArn: key.arn, protect: true },
      this,
    );
    new aws.s3.BucketLifecycleConfiguration(
      "audit-lifecycle",
      {
        bucket: bucket.id,
        rules: [
          {
            id: "retention",
            status: "Enabled",
            filter: {},
            transitions: [{ days: 90, storageClass: "GLACIER_IR" }],
            expiration: { days: args.logRetentionDays },
            noncurrentVersionExpiration: { noncurrentDays: args.logRetentionDays },
          },
        ],
      },
      parent,
    );
    const bucketPolicy = new aws.s3.BucketPolicy(
      "audit-bucket-policy",
      { bucket: bucket.id, policy: orgId.apply((id) => toJson(auditBucketPolicy(docArgs(id)))) },
      { parent: this, dependsOn: [publicAccessBlock] },
    );
    new aws.cloudtrail.Trail(
      "org-trail",
      {
        name: trailName,
        s3BucketName: bucket.id,
        kmsKeyId: key.arn,
        isOrganizationTrail: true,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        tags: nameTag(naming, "org-trail"),
      },
      { ...protect, dependsOn: [bucketPolicy] },
    );
    this.registerOutputs({ bucketName: this.bucketName, trailArn: this.trailArn });
  }
}
