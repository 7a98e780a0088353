import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";

export interface CostAnomalyArgs {
  readonly naming: NameContext;
  /** The member accounts, watched one by one (the services monitor sees the whole organization). */
  readonly linkedAccountIds: pulumi.Input<string>[];
  readonly thresholdUsd: number;
  readonly emails: readonly string[];
}

/**
 * Cost Anomaly Detection in the management (payer) account: a monitor of every AWS service across
 * the organization and one of the member accounts, and a daily email of the anomalies whose total
 * impact reaches the threshold.
 */
export class CostAnomalyDetection extends pulumi.ComponentResource {
  constructor(name: string, args: CostAnomalyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:security:CostAnomalyDetection", name, {}, opts);
    const parent = { parent: this };
    const { naming } = args;
    const services = new aws.costexplorer.AnomalyMonitor(
      "cost-anomaly-services",
      {
        name: physicalName(naming, "services"),
        monitorType: "DIMENSIONAL",
        monitorDimension: "SERVICE",
        tags: nameTag(naming, "cost-anomaly-services"),
      },
      parent,
    );
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
        monitorArnLists: [services.arn, accounts.arn],
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
