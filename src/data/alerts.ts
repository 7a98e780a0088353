import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { toJson } from "../core/policy-document";
import type { AlarmDefinition } from "./alarm-definitions";
import { alertsTopicPolicy } from "./workload-policies";

export interface AlertsTopicArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly topicName: string;
  readonly keyArn: pulumi.Input<string>;
  /** Email subscribed to the topic; none when undefined. */
  readonly email: string | undefined;
  /** Production-grade: the topic every alarm notifies is protected. */
  readonly protect: boolean;
}

/** The environment's alerts topic: CloudWatch alarms and SES bounce/complaint events publish to it. */
export class AlertsTopic extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: AlertsTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:AlertsTopic", name, {}, opts);
    const parent = { parent: this };
    const topic = new aws.sns.Topic(
      "alerts",
      { name: args.topicName, kmsMasterKeyId: args.keyArn, tags: nameTag(args.naming, "alerts") },
      { parent: this, protect: args.protect },
    );
    const topicPolicy = new aws.sns.TopicPolicy(
      "alerts-policy",
      {
        arn: topic.arn,
        policy: topic.arn.apply((topicArn) =>
          toJson(alertsTopicPolicy({ topicArn, accountId: args.accountId })),
        ),
      },
      parent,
    );
    if (args.email) {
      new aws.sns.TopicSubscription(
        "alerts-email",
        { topic: topic.arn, protocol: "email", endpoint: args.email },
        parent,
      );
    }
    // Handed out once the policy exists: what publishes to the topic (alarms, SES's event
    // destination) is only created when the topic admits it.
    this.arn = pulumi.all([topic.arn, topicPolicy.id]).apply(([arn]) => arn);
    this.registerOutputs({ arn: this.arn });
  }
}

export interface AlarmsArgs {
  readonly naming: NameContext;
  readonly definitions: readonly AlarmDefinition[];
  readonly topicArn: pulumi.Input<string>;
}

/** CloudWatch alarms of the pipeline, each notifying the alerts topic when it fires and when it clears. */
export class Alarms extends pulumi.ComponentResource {
  constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:Alarms", name, {}, opts);
    for (const d of args.definitions) {
      new aws.cloudwatch.MetricAlarm(
        `alarm-${d.id}`,
        {
          name: physicalName(args.naming, d.id),
          alarmDescription: d.description,
          namespace: d.namespace,
          metricName: d.metricName,
          dimensions: { ...d.dimensions },
          statistic: d.statistic,
          period: d.periodSeconds,
          evaluationPeriods: d.evaluationPeriods,
          threshold: d.threshold,
          comparisonOperator: d.comparisonOperator,
          treatMissingData: d.treatMissingData,
          alarmActions: [args.topicArn],
          okActions: [args.topicArn],
          tags: nameTag(args.naming, d.id),
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
