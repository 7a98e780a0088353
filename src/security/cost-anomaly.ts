import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";

export interface CostAnomalyArgs {
  readonly naming: NameContext;
  /** The organization's accounts, the management account included (at most 10 per monitor). */
  readonly linkedAccountIds: pulumi.Input<string>[];
  readonly thresholdUsd: number;
  readonly emails: readonly string[];
}

/**
 * Cost Anomaly Detection in the management (payer) account: one monitor of the organization's
 * accounts (a customer-managed monitor of linked accounts), and a daily email of the anomalies
 * whose total impact reaches the threshold. No AWS-services monitor: an account may hold only one,
 * and AWS creates a default one when Cost Explorer is enabled, so creating another is refused.
 */
export class CostAnomalyDetection extends pulumi.ComponentResource {
  constructor(name: string, args: CostAnomalyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:security:CostAnomalyDetection", name, {}, opts);
    const parent = { parent: this };
    const { naming } = args;
    const accounts = new aws.costexplorer.AnomalyMonitor(
      "cost-anomaly-accounts",
      {
        name: physicalName(naming, "accounts"),
        monitorType: "CUSTOM",
        monitorSpecification: pulumi
          .all(args.linkedAccountIds)
          .apply((ids) => JSON.stringify({ Dimensions: { Key: "LINKED_ACCOUNT", Values: ids } })),
        tags: nameTag(naming, "cost-anomaly-accounts"),
      },
      parent,
    );
    new aws.costexplorer.AnomalySubscription(
      "cost-anomaly-subscription",
      {
        name: physicalName(naming, "cost-anomalies"),
        frequency: "DAILY",
        monitorArnLists: [accounts.arn],
        subscribers: args.emails.map((address) => ({ type: "EMAIL", address })),
        thresholdExpression: {
          dimension: {
            key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
            matchOptions: ["GREATER_THAN_OR_EQUAL"],
            values: [String(args.thresholdUsd)],
          },
        },
        tags: nameTag(naming, "cost-anomalies"),
      },
      parent,
    );
    this.registerOutputs({});
  }
}
