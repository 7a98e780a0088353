import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { StackBasics } from "../core/config-loader";
import type { ManagementOutputs } from "../core/management-outputs";
import { AccountBaseline } from "./account-baseline";
import { CostAnomalyDetection } from "./cost-anomaly";
import { DetectiveControls } from "./detective-controls";
import { SecurityAlerts } from "./security-alerts";
import type { BudgetConfig, SecurityConfig } from "./security-config";

/** What the management side reads of the management stack's model. */
export type SecurityManagementStackConfig = StackBasics & {
  readonly security: SecurityConfig;
  readonly budget: BudgetConfig;
  readonly organization: { readonly allowedRegions: readonly string[] };
  readonly audit: { readonly logRetentionDays: number };
};

/** What the organization gives the security baseline (from governance). */
export interface OrganizationFacts {
  readonly organizationId: pulumi.Input<string>;
  readonly rootId: pulumi.Input<string>;
  readonly memberAccountIds: Readonly<Record<string, pulumi.Input<string>>>;
  readonly securityAccount: { readonly id: pulumi.Output<string>; readonly provider: aws.Provider };
  /** The organization trail's CloudWatch Logs group. */
  readonly trailLogGroupName: pulumi.Input<string>;
}

/**
 * Management side of the security baseline: the detective controls administered from the
 * security account, the security alerts (CloudTrail alarms and forwarded findings), the baseline
 * of the management and security accounts, and Cost Anomaly Detection. Returns stack outputs.
 */
export function securityManagementStack(
  cfg: SecurityManagementStackConfig,
  org: OrganizationFacts,
  provider: aws.Provider,
) {
  const naming = { project: cfg.project, stack: cfg.stack };
  const opts = { provider };
  const members = Object.values(org.memberAccountIds);

  const alerts = new SecurityAlerts(
    "security-alerts",
    {
      naming,
      accountId: cfg.accountId,
      region: cfg.region,
      securityAccountId: org.securityAccount.id,
      trailLogGroupName: org.trailLogGroupName,
      email: cfg.security.alertsEmail,
    },
    opts,
  );
  const controls = new DetectiveControls(
    "detective-controls",
    {
      naming,
      region: cfg.region,
      regions: cfg.organization.allowedRegions,
      managementAccountId: cfg.accountId,
      managementProvider: provider,
      securityAccountId: org.securityAccount.id,
      securityProvider: org.securityAccount.provider,
      organizationId: org.organizationId,
      rootId: org.rootId,
      recordingAccountIds: [cfg.accountId, org.securityAccount.id, ...members],
      configRetentionDays: cfg.audit.logRetentionDays,
      unusedAccessAgeDays: cfg.security.unusedAccessAgeDays,
      managementBusArn: alerts.busArn,
    },
    opts,
  );
  new AccountBaseline(
    "baseline-management",
    {
      naming,
      account: cfg.stack,
      accountId: cfg.accountId,
      configBucketName: controls.configBucketName,
      budget: cfg.budget,
    },
    opts,
  );
  new AccountBaseline(
    "baseline-security",
    {
      naming,
      account: "security",
      accountId: org.securityAccount.id,
      configBucketName: controls.configBucketName,
      budget: cfg.security.budget,
    },
    { provider: org.securityAccount.provider },
  );
  new CostAnomalyDetection(
    "cost-anomaly",
    {
      naming,
      linkedAccountIds: [cfg.accountId, org.securityAccount.id, ...members],
      thresholdUsd: cfg.security.costAnomaly.thresholdUsd,
      emails: cfg.security.costAnomaly.emails,
    },
    opts,
  );
  return { securityAlertsTopicArn: alerts.topicArn, configBucketName: controls.configBucketName };
}

/** What an environment's side reads of its model. */
export type SecurityEnvironmentStackConfig = StackBasics & { readonly budget: BudgetConfig };

/**
 * Environment side: the account baseline (S3 Block Public Access at account level, the AWS Config
 * recorder delivering to the security account's bucket, the account's budget).
 */
export function securityEnvironmentStack(
  cfg: SecurityEnvironmentStackConfig,
  management: Pick<ManagementOutputs, "configBucketName">,
  provider: aws.Provider,
) {
  const naming = { project: cfg.project, stack: cfg.stack };
  new AccountBaseline(
    "account-baseline",
    {
      naming,
      account: cfg.stack,
      accountId: cfg.accountId,
      configBucketName: management.configBucketName,
      budget: cfg.budget,
    },
    { provider },
  );
  return {};
}
