import {
  accountAdministersKey,
  accountRootArn,
  assertAccountId,
  denyInsecureTransport,
  type PolicyDocument,
  type PolicyStatement,
  policy,
  servicesPublishToTopic,
} from "../core/policy-document";

/**
 * The security baseline's documents and settings as plain data: what the detective controls turn
 * on, who may write into the central AWS Config bucket, where high-severity findings go, and the
 * CloudTrail patterns the security alarms count.
 */

/** The Security Hub standards every account runs (the configuration policy's standards). */
export function securityHubStandards(region: string): { readonly name: string; readonly arn: string }[] {
  return [
    {
      name: "AWS Foundational Security Best Practices v1.0.0",
      arn: `arn:aws:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
    },
    {
      name: "CIS AWS Foundations Benchmark v3.0.0",
      arn: `arn:aws:securityhub:${region}::standards/cis-aws-foundations-benchmark/v/3.0.0`,
    },
    { name: "PCI DSS v4.0.1", arn: `arn:aws:securityhub:${region}::standards/pci-dss/v/4.0.1` },
  ];
}

/**
 * GuardDuty protection plans turned on for the administrator and every member: S3 data events,
 * EKS audit logs, RDS login activity, Lambda network activity, and Runtime Monitoring with the EKS
 * agent managed by GuardDuty (it installs the `aws-guardduty-agent` add-on and its VPC endpoint).
 */
export const GUARDDUTY_FEATURES: readonly {
  readonly name: string;
  readonly additional?: readonly string[];
}[] = [
  { name: "S3_DATA_EVENTS" },
  { name: "EKS_AUDIT_LOGS" },
  { name: "RDS_LOGIN_EVENTS" },
  { name: "LAMBDA_NETWORK_LOGS" },
  { name: "RUNTIME_MONITORING", additional: ["EKS_ADDON_MANAGEMENT"] },
];

/** Role name of every account's AWS Config recorder (`platform-<stack>-config-recorder`). */
export const CONFIG_RECORDER_ROLE = "config-recorder";

/**
 * Bucket policy of the central AWS Config bucket (security account). Config delivers with the
 * recorder's role first and falls back to its service principal, so both are admitted, each only
 * for the organization's accounts and only under `AWSLogs/<account>/Config/`; nothing over HTTP.
 */
export function configBucketPolicy(a: {
  readonly bucketName: string;
  readonly organizationId: string;
  /** Every account that records into the bucket (management, security, environments). */
  readonly accountIds: readonly string[];
}): PolicyDocument {
  for (const id of a.accountIds) assertAccountId(id, "configBucketPolicy.accountIds");
  if (!/^o-[a-z0-9]{10,32}$/.test(a.organizationId)) {
    throw new Error(`configBucketPolicy: "${a.organizationId}" is not an organization id`);
  }
  const bucket = `arn:aws:s3:::${a.bucketName}`;
  const accounts = [...new Set(a.accountIds)];
  const prefixes = accounts.map((id) => `${bucket}/AWSLogs/${id}/Config/*`);
  const source = { "AWS:SourceAccount": accounts };
  const recorders = {
    StringEquals: { "aws:PrincipalOrgID": a.organizationId },
    ArnLike: { "aws:PrincipalArn": `arn:aws:iam::*:role/platform-*-${CONFIG_RECORDER_ROLE}` },
  };
  return policy(
    {
      Sid: "ConfigChecksBucket",
      Effect: "Allow",
      Principal: { Service: "config.amazonaws.com" },
      Action: ["s3:GetBucketAcl", "s3:ListBucket"],
      Resource: bucket,
      Condition: { StringEquals: source },
    },
    {
      Sid: "ConfigDelivers",
      Effect: "Allow",
      Principal: { Service: "config.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: prefixes,
      Condition: { StringEquals: { ...source, "s3:x-amz-acl": "bucket-owner-full-control" } },
    },
    {
      Sid: "RecorderRolesCheckBucket",
      Effect: "Allow",
      Principal: "*",
      Action: ["s3:GetBucketAcl", "s3:ListBucket"],
      Resource: bucket,
      Condition: recorders,
    },
    {
      Sid: "RecorderRolesDeliver",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: prefixes,
      Condition: recorders,
    },
    denyInsecureTransport("s3:*", [bucket, `${bucket}/*`]),
  );
}

/** The recorder role's own permission to deliver into the central bucket (cross-account). */
export function recorderDeliveryPolicy(a: { readonly bucketName: string; readonly accountId: string }) {
  const bucket = `arn:aws:s3:::${a.bucketName}`;
  return policy(
    { Sid: "CheckBucket", Effect: "Allow", Action: ["s3:GetBucketAcl", "s3:ListBucket"], Resource: bucket },
    {
      Sid: "Deliver",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: `${bucket}/AWSLogs/${a.accountId}/Config/*`,
      Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
    },
  );
}

/**
 * The EventBridge pattern of a finding worth waking someone for: Security Hub's imported findings
 * (GuardDuty's, IAM Access Analyzer's and the standards' controls all arrive through it, from every
 * account and linked region) that are HIGH or CRITICAL, new and active. `fromAccount` narrows it to
 * events forwarded by that account.
 */
export function highSeverityFindingsPattern(fromAccount?: string) {
  return {
    ...(fromAccount ? { account: [fromAccount] } : {}),
    source: ["aws.securityhub"],
    "detail-type": ["Security Hub Findings - Imported"],
    detail: {
      findings: {
        Severity: { Label: ["HIGH", "CRITICAL"] },
        Workflow: { Status: ["NEW"] },
        RecordState: ["ACTIVE"],
      },
    },
  };
}

/** The security account's forwarder: put events on the management account's default bus, nothing else. */
export function findingsForwarderPolicy(managementBusArn: string): PolicyDocument {
  return policy({
    Sid: "ForwardToManagementBus",
    Effect: "Allow",
    Action: "events:PutEvents",
    Resource: managementBusArn,
  });
}

/** The management account's default bus accepts events from the security account (its forwarder). */
export function managementBusPolicy(a: { readonly busArn: string; readonly securityAccountId: string }) {
  assertAccountId(a.securityAccountId, "managementBusPolicy.securityAccountId");
  return policy({
    Sid: "SecurityAccountForwardsFindings",
    Effect: "Allow",
    Principal: { AWS: accountRootArn(a.securityAccountId) },
    Action: "events:PutEvents",
    Resource: a.busArn,
  });
}

/** The security alerts topic: CloudWatch alarms and EventBridge rules of this account publish. */
export function securityAlertsTopicPolicy(a: { readonly topicArn: string; readonly accountId: string }) {
  return servicesPublishToTopic({
    sid: "AlarmsAndRulesPublish",
    services: ["cloudwatch.amazonaws.com", "events.amazonaws.com"],
    ...a,
  });
}

/**
 * Key policy of the security alerts topic's key: the account administers it; CloudWatch and
 * EventBridge encrypt what they publish (for this account only); principals of the account use it
 * only through SNS.
 */
export function securityAlertsKeyPolicy(a: { readonly accountId: string; readonly region: string }) {
  const root = accountRootArn(a.accountId);
  const statements: PolicyStatement[] = [
    accountAdministersKey(a.accountId),
    {
      Sid: "AccountUsesKeyThroughSns",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": a.accountId, "kms:ViaService": `sns.${a.region}.amazonaws.com` },
      },
    },
    {
      Sid: "AlarmsAndRulesPublish",
      Effect: "Allow",
      Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
      Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": a.accountId } },
    },
  ];
  return policy(...statements);
}

/** One CloudTrail-based security alarm: a metric filter on the organization trail's log group. */
export interface SecurityAlarm {
  readonly id: string;
  readonly description: string;
  /** CloudWatch Logs filter pattern over CloudTrail events (CIS AWS Foundations 3.0, section 4). */
  readonly pattern: string;
}

const anyOf = (field: string, values: readonly string[]) =>
  values.map((v) => `(${field} = ${v})`).join(" || ");

/**
 * The CloudTrail alarms the CIS AWS Foundations Benchmark asks for that matter most here. Each
 * fires on one matching event in five minutes. IAM policy changes include the deploy roles' own:
 * an alarm during an apply is expected, one outside of it is not.
 */
export const SECURITY_ALARMS: readonly SecurityAlarm[] = [
  {
    id: "root-account-usage",
    description: "The root user of an account signed in or made a call",
    pattern:
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  {
    id: "console-sign-in-without-mfa",
    description: "An IAM user signed in to the console without MFA",
    pattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  },
  {
    id: "organization-policy-changes",
    description: "A service or resource control policy, or its attachment, changed (AWS Organizations)",
    pattern: `{ ($.eventSource = organizations.amazonaws.com) && (${anyOf("$.eventName", [
      "AttachPolicy",
      "DetachPolicy",
      "CreatePolicy",
      "DeletePolicy",
      "UpdatePolicy",
      "EnablePolicyType",
      "DisablePolicyType",
    ])}) }`,
  },
  {
    id: "cloudtrail-changes",
    description: "A trail was created, changed, stopped or deleted",
    pattern: `{ ${anyOf("$.eventName", ["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging", "PutEventSelectors"])} }`,
  },
  {
    id: "kms-key-deletion",
    description: "A KMS key was disabled or scheduled for deletion",
    pattern: `{ ($.eventSource = kms.amazonaws.com) && (${anyOf("$.eventName", ["DisableKey", "ScheduleKeyDeletion"])}) }`,
  },
  {
    id: "iam-policy-changes",
    description: "An IAM policy was created, changed, attached or detached",
    pattern: `{ ${anyOf("$.eventName", [
      "DeleteGroupPolicy",
      "DeleteRolePolicy",
      "DeleteUserPolicy",
      "PutGroupPolicy",
      "PutRolePolicy",
      "PutUserPolicy",
      "CreatePolicy",
      "DeletePolicy",
      "CreatePolicyVersion",
      "DeletePolicyVersion",
      "AttachRolePolicy",
      "DetachRolePolicy",
      "AttachUserPolicy",
      "DetachUserPolicy",
      "AttachGroupPolicy",
      "DetachGroupPolicy",
    ])} }`,
  },
];

/** CloudWatch namespace of the security alarms' metrics. */
export const SECURITY_METRIC_NAMESPACE = "Platform/Security";
