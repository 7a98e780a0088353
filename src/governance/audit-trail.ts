import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { toJson } from "../core/policy-document";
import { privateBucket } from "../core/private-bucket";
import { serviceRole } from "../core/service-role";
import {
  accessLogBucketPolicy,
  auditBucketPolicy,
  auditKeyPolicy,
  type TrailDataEvents,
  trailEventSelectors,
  trailLogsPolicy,
} from "./audit-policies";

export interface AuditTrailArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  readonly organizationId: pulumi.Input<string>;
  /** Days log objects (and their old versions) are kept. */
  readonly logRetentionDays: number;
  /** Days the trail's CloudWatch Logs copy (what the security alarms read) is kept. */
  readonly cloudWatchRetentionDays: number;
  /** Data events the trail records: the payment stores of the environments. */
  readonly dataEvents: TrailDataEvents;
}

/**
 * The organization CloudTrail (every account, every region, log file validation) to a versioned,
 * KMS-encrypted bucket in the management account that member accounts cannot read or alter, whose
 * server access logs go to a separate bucket; the same events to a KMS-encrypted CloudWatch Logs
 * group the security alarms filter; and, beyond management events, the data events of the payment
 * stores (who read or wrote which payload object or payment item).
 */
export class AuditTrail extends pulumi.ComponentResource {
  readonly bucketName: string;
  readonly accessLogBucketName: string;
  readonly trailArn: string;
  readonly logGroupName: string;
  /** The trail's CloudWatch Logs group, as an output: what reads it waits for it to exist. */
  readonly logGroup: pulumi.Output<string>;

  constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:audit:AuditTrail", name, {}, opts);
    const parent = { parent: this };
    const protect = { parent: this, protect: true };
    const { naming } = args;
    const trailName = physicalName(naming, "org-trail");
    this.trailArn = `arn:aws:cloudtrail:${args.region}:${args.accountId}:trail/${trailName}`;
    this.bucketName = physicalName(naming, "audit", args.accountId);
    this.accessLogBucketName = physicalName(naming, "audit-access-logs", args.accountId);
    this.logGroupName = `/platform/${naming.stack}/org-trail`;
    const docArgs = (organizationId: string) => ({
      bucketName: this.bucketName,
      trailArn: this.trailArn,
      accountId: args.accountId,
      organizationId,
      region: args.region,
      logGroupName: this.logGroupName,
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
    // Who read or changed the audit logs: S3 server access logs, into a bucket of their own (SSE-S3:
    // log delivery cannot use a customer key), kept as long as the audit logs themselves.
    const accessLogs = privateBucket(
      "audit-access-logs",
      { naming, name: this.accessLogBucketName, protect: true, sseS3Reason: "s3-server-access-logs" },
      this,
    );
    new aws.s3.BucketLifecycleConfiguration(
      "audit-access-logs-lifecycle",
      {
        bucket: accessLogs.bucket.id,
        rules: [
          {
            id: "retention",
            status: "Enabled",
            filter: {},
            expiration: { days: args.logRetentionDays },
            noncurrentVersionExpiration: { noncurrentDays: 30 },
          },
        ],
      },
      parent,
    );
    const accessLogPolicy = new aws.s3.BucketPolicy(
      "audit-access-logs-policy",
      {
        bucket: accessLogs.bucket.id,
        policy: toJson(
          accessLogBucketPolicy({
            bucketName: this.accessLogBucketName,
            sourceBucketName: this.bucketName,
            accountId: args.accountId,
          }),
        ),
      },
      { parent: this, dependsOn: [accessLogs.publicAccessBlock] },
    );
    new aws.s3.BucketLogging(
      "audit-access-logging",
      {
        bucket: bucket.id,
        targetBucket: accessLogs.bucket.id,
        targetPrefix: `${this.bucketName}/`,
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
      },
      { parent: this, dependsOn: [accessLogPolicy] },
    );

    // The trail's copy in CloudWatch Logs, which the security alarms' metric filters read.
    const logGroup = new aws.cloudwatch.LogGroup(
      "org-trail-logs",
      {
        name: this.logGroupName,
        retentionInDays: args.cloudWatchRetentionDays,
        kmsKeyId: key.arn,
        tags: nameTag(naming, "org-trail-logs"),
      },
      parent,
    );
    this.logGroup = logGroup.name;
    const logsRole = serviceRole(
      "org-trail-logs-role",
      { naming, roleName: "org-trail-logs", service: "cloudtrail.amazonaws.com" },
      parent,
    );
    const logsPolicy = new aws.iam.RolePolicy(
      "org-trail-logs-write",
      { role: logsRole.id, policy: logGroup.arn.apply((arn) => toJson(trailLogsPolicy(arn))) },
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
        cloudWatchLogsGroupArn: pulumi.interpolate`${logGroup.arn}:*`,
        cloudWatchLogsRoleArn: logsRole.arn,
        advancedEventSelectors: trailEventSelectors(args.dataEvents),
        tags: nameTag(naming, "org-trail"),
      },
      { ...protect, dependsOn: [bucketPolicy, logsPolicy] },
    );
    this.registerOutputs({
      bucketName: this.bucketName,
      accessLogBucketName: this.accessLogBucketName,
      trailArn: this.trailArn,
      logGroupName: this.logGroupName,
    });
  }
}
