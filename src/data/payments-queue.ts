import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "../core/naming";
import { toJson } from "../core/policy-document";
import { dlqPolicy, queuePolicy, redriveAllowPolicy, redrivePolicy } from "./pipeline-policies";

const DAY = 86400;

export interface PaymentsQueueArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly queueName: string;
  readonly dlqName: string;
  readonly keyArn: pulumi.Input<string>;
  /** The archive bucket whose object-created events feed the queue. */
  readonly bucket: { readonly id: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
  /** Only objects under this prefix produce events. */
  readonly prefix: string;
  readonly visibilityTimeoutSeconds: number;
  readonly messageRetentionDays: number;
  readonly maxReceiveCount: number;
  readonly dlqRetentionDays: number;
  /** Production-grade: the queue and the DLQ (which holds the failed payments) are protected. */
  readonly protect: boolean;
}

/**
 * The payments queue fed by the archive bucket's object-created events, and its dead-letter
 * queue: a message the worker fails `maxReceiveCount` times moves to the DLQ, from which it is
 * replayed into the payments queue (docs/replay.md).
 */
export class PaymentsQueue extends pulumi.ComponentResource {
  readonly queueArn: pulumi.Output<string>;
  readonly queueUrl: pulumi.Output<string>;
  readonly dlqArn: pulumi.Output<string>;
  readonly dlqUrl: pulumi.Output<string>;
  readonly queueName: string;
  readonly dlqName: string;

  constructor(name: string, args: PaymentsQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:PaymentsQueue", name, {}, opts);
    const { naming } = args;
    const parent = { parent: this };
    const encryption = { kmsMasterKeyId: args.keyArn, kmsDataKeyReusePeriodSeconds: 300 };

    const dlq = new aws.sqs.Queue(
      "payments-dlq",
      {
        name: args.dlqName,
        messageRetentionSeconds: args.dlqRetentionDays * DAY,
        ...encryption,
        tags: nameTag(naming, "payments-dlq"),
      },
      { parent: this, protect: args.protect },
    );
    const queue = new aws.sqs.Queue(
      "payments-queue",
      {
        name: args.queueName,
        visibilityTimeoutSeconds: args.visibilityTimeoutSeconds,
        messageRetentionSeconds: args.messageRetentionDays * DAY,
        receiveWaitTimeSeconds: 20,
        redrivePolicy: dlq.arn.apply((arn) => redrivePolicy(arn, args.maxReceiveCount)),
        ...encryption,
        tags: nameTag(naming, "payments"),
      },
      { parent: this, protect: args.protect },
    );
    new aws.sqs.RedriveAllowPolicy(
      "payments-dlq-redrive-allow",
      { queueUrl: dlq.url, redriveAllowPolicy: queue.arn.apply(redriveAllowPolicy) },
      parent,
    );
    new aws.sqs.QueuePolicy(
      "payments-dlq-policy",
      { queueUrl: dlq.url, policy: dlq.arn.apply((arn) => toJson(dlqPolicy(arn))) },
      parent,
    );
    const policy = new aws.sqs.QueuePolicy(
      "payments-queue-policy",
      {
        queueUrl: queue.url,
        policy: pulumi
          .all([queue.arn, args.bucket.arn])
          .apply(([queueArn, bucketArn]) =>
            toJson(queuePolicy({ queueArn, bucketArn, accountId: args.accountId })),
          ),
      },
      parent,
    );
    // S3 checks it may send to the queue when the notification is saved: the policy goes first.
    new aws.s3.BucketNotification(
      "archive-notification",
      {
        bucket: args.bucket.id,
        // AWS Backup tracks the bucket's changes through EventBridge and turns this on itself: kept
        // on here, so a later change to the notification never switches it off under the backups.
        eventbridge: true,
        queues: [
          {
            id: "payloads-to-queue",
            queueArn: queue.arn,
            events: ["s3:ObjectCreated:*"],
            filterPrefix: args.prefix,
          },
        ],
      },
      { parent: this, dependsOn: [policy] },
    );

    this.queueArn = queue.arn;
    this.queueUrl = queue.url;
    this.dlqArn = dlq.arn;
    this.dlqUrl = dlq.url;
    this.queueName = args.queueName;
    this.dlqName = args.dlqName;
    this.registerOutputs({ queueArn: this.queueArn, dlqArn: this.dlqArn });
  }
}
