import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { toJson } from "../core/policy-document";
import { serviceRole } from "../core/service-role";
import type { BudgetConfig } from "./security-config";
import { CONFIG_RECORDER_ROLE, recorderDeliveryPolicy } from "./security-policies";

export interface AccountBaselineArgs {
  readonly naming: NameContext;
  /** What the account is called in names and budgets (`management`, `security`, `dev`, …). */
  readonly account: string;
  readonly accountId: pulumi.Input<string>;
  /** The central AWS Config bucket (security account). */
  readonly configBucketName: pulumi.Input<string>;
  readonly budget: BudgetConfig;
}

/**
 * What every account of the organization gets, whichever stack deploys it: account-level S3 Block
 * Public Access (all four settings; the baseline SCP keeps anyone but the deploy roles from
 * changing it), an AWS Config recorder of every resource type (global types included: one region
 * per account records) delivering to the central bucket, and a monthly cost budget that emails
 * at the configured thresholds of actual and forecast spend.
 */
export class AccountBaseline extends pulumi.ComponentResource {
  constructor(name: string, args: AccountBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:security:AccountBaseline", name, {}, opts);
    const { naming } = args;
    const parent = { parent: this };

    new aws.s3.AccountPublicAccessBlock(
      `${name}-s3-account-public-access`,
      { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );

    // A role of our own rather than the service-linked one: creating AWSServiceRoleForConfig fails
    // wherever some service already created it.
    const role = serviceRole(
      `${name}-config-recorder-role`,
      {
        naming: { ...naming, stack: args.account },
        roleName: CONFIG_RECORDER_ROLE,
        service: "config.amazonaws.com",
      },
      parent,
    );
    const managed = new aws.iam.RolePolicyAttachment(
      `${name}-config-recorder-policy`,
      { role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole" },
      parent,
    );
    const delivery = new aws.iam.RolePolicy(
      `${name}-config-recorder-delivery`,
      {
        role: role.id,
        policy: pulumi
          .all([args.configBucketName, args.accountId])
          .apply(([bucketName, accountId]) => toJson(recorderDeliveryPolicy({ bucketName, accountId }))),
      },
      parent,
    );
    const recorder = new aws.cfg.Recorder(
      `${name}-config-recorder`,
      {
        name: "default",
        roleArn: role.arn,
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
      },
      { parent: this, dependsOn: [managed, delivery] },
    );
    const channel = new aws.cfg.DeliveryChannel(
      `${name}-config-delivery`,
      {
        name: "default",
        s3BucketName: args.configBucketName,
        snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
      },
      { parent: this, dependsOn: [recorder] },
    );
    new aws.cfg.RecorderStatus(
      `${name}-config-recorder-status`,
      { name: recorder.name, isEnabled: true },
      { parent: this, dependsOn: [channel] },
    );

    const b = args.budget;
    new aws.budgets.Budget(
      `${name}-budget`,
      {
        name: physicalName({ ...naming, stack: args.account }, "monthly"),
        budgetType: "COST",
        limitAmount: b.monthlyLimitUsd.toFixed(2),
        limitUnit: "USD",
        timeUnit: "MONTHLY",
        notifications: [
          ...b.actualThresholdsPercent.map((threshold) => ({
            comparisonOperator: "GREATER_THAN",
            notificationType: "ACTUAL",
            threshold,
            thresholdType: "PERCENTAGE",
            subscriberEmailAddresses: [...b.emails],
          })),
          {
            comparisonOperator: "GREATER_THAN",
            notificationType: "FORECASTED",
            threshold: b.forecastThresholdPercent,
            thresholdType: "PERCENTAGE",
            subscriberEmailAddresses: [...b.emails],
          },
        ],
        tags: nameTag({ ...naming, stack: args.account }, "budget"),
      },
      parent,
    );

    this.registerOutputs({});
  }
}
