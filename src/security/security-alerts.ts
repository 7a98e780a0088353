import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { toJson } from "../core/policy-document";
import {
  highSeverityFindingsPattern,
  managementBusPolicy,
  SECURITY_ALARMS,
  SECURITY_METRIC_NAMESPACE,
  securityAlertsKeyPolicy,
  securityAlertsTopicPolicy,
} from "./security-policies";

export interface SecurityAlertsArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  /** The security tooling account, whose forwarder puts high-severity findings on this account's bus. */
  readonly securityAccountId: pulumi.Input<string>;
  /** The organization trail's CloudWatch Logs group (every account's events). */
  readonly trailLogGroupName: pulumi.Input<string>;
  /** Subscribed to the topic; none when unset. */
  readonly email: string | undefined;
}

/**
 * The organization's security alerts, in the management account: one KMS-encrypted SNS topic that
 * receives (1) the CloudTrail alarms over the organization trail (root usage, console sign-in
 * without MFA, SCP and RCP changes, trail changes, KMS keys disabled or scheduled for deletion, IAM
 * policy changes: a metric filter and an alarm each), and (2) the HIGH and CRITICAL findings the
 * security account forwards to this account's default event bus.
 */
export class SecurityAlerts extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;
  readonly busArn: string;

  constructor(name: string, args: SecurityAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:security:SecurityAlerts", name, {}, opts);
    const { naming } = args;
    const parent = { parent: this };
    this.busArn = `arn:aws:events:${args.region}:${args.accountId}:event-bus/default`;

    const key = new aws.kms.Key(
      "security-alerts-key",
      {
        description: `${physicalName(naming, "security-alerts")} topic`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: toJson(securityAlertsKeyPolicy({ accountId: args.accountId, region: args.region })),
        tags: nameTag(naming, "security-alerts"),
      },
      { parent: this, protect: true, retainOnDelete: true },
    );
    const topic = new aws.sns.Topic(
      "security-alerts",
      {
        name: physicalName(naming, "security-alerts"),
        kmsMasterKeyId: key.arn,
        tags: nameTag(naming, "security-alerts"),
      },
      parent,
    );
    this.topicArn = topic.arn;
    new aws.sns.TopicPolicy(
      "security-alerts-policy",
      {
        arn: topic.arn,
        policy: topic.arn.apply((topicArn) =>
          toJson(securityAlertsTopicPolicy({ topicArn, accountId: args.accountId })),
        ),
      },
      parent,
    );
    if (args.email) {
      new aws.sns.TopicSubscription(
        "security-alerts-email",
        { topic: topic.arn, protocol: "email", endpoint: args.email },
        parent,
      );
    }

    // Findings forwarded by the security account.
    new aws.cloudwatch.EventBusPolicy(
      "default-bus-policy",
      {
        eventBusName: "default",
        policy: pulumi
          .output(args.securityAccountId)
          .apply((securityAccountId) =>
            toJson(managementBusPolicy({ busArn: this.busArn, securityAccountId })),
          ),
      },
      parent,
    );
    const rule = new aws.cloudwatch.EventRule(
      "forwarded-findings",
      {
        name: physicalName(naming, "high-severity-findings"),
        description:
          "HIGH and CRITICAL findings forwarded by the security account, to the security alerts topic",
        eventPattern: pulumi
          .output(args.securityAccountId)
          .apply((id) => JSON.stringify(highSeverityFindingsPattern(id))),
        tags: nameTag(naming, "high-severity-findings"),
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      "forwarded-findings-to-topic",
      { rule: rule.name, arn: topic.arn },
      parent,
    );

    // CloudTrail alarms over every account's events.
    for (const alarm of SECURITY_ALARMS) {
      const metricName = alarm.id
        .split("-")
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join("");
      const filter = new aws.cloudwatch.LogMetricFilter(
        `trail-${alarm.id}`,
        {
          name: physicalName(naming, alarm.id),
          logGroupName: args.trailLogGroupName,
          pattern: alarm.pattern,
          metricTransformation: {
            name: metricName,
            namespace: SECURITY_METRIC_NAMESPACE,
            value: "1",
            defaultValue: "0",
          },
        },
        parent,
      );
      new aws.cloudwatch.MetricAlarm(
        `alarm-${alarm.id}`,
        {
          name: physicalName(naming, alarm.id),
          alarmDescription: alarm.description,
          namespace: SECURITY_METRIC_NAMESPACE,
          metricName,
          statistic: "Sum",
          period: 300,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [topic.arn],
          tags: nameTag(naming, alarm.id),
        },
        { parent: this, dependsOn: [filter] },
      );
    }

    this.registerOutputs({ topicArn: this.topicArn });
  }
}
