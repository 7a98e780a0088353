import { describe, expect, it } from "vitest";
import { baselineGuardrails } from "../../src/governance/scp";
import {
  configBucketPolicy,
  GUARDDUTY_FEATURES,
  highSeverityFindingsPattern,
  managementBusPolicy,
  SECURITY_ALARMS,
  securityAlertsKeyPolicy,
  securityAlertsTopicPolicy,
  securityHubStandards,
} from "../../src/security/security-policies";
import { ORG_ID, OUTSIDER, PROD, role, SCP_ARGS, ssoRole } from "../governance/policy-fixtures";
import { expectConfigError, stackValue } from "../support/harness";
import { allows, denies } from "../support/policy-evaluator";

/** The security baseline's documents and settings, as pure builders (the plans are checked in governance and stacks tests). */

const SECURITY = "555555555555";
const MGMT = "111111111111";
const BUCKET = `platform-security-config-${SECURITY}`;

describe("what the detective controls turn on", () => {
  it("Security Hub runs the three standards: Foundational Security Best Practices, CIS 3.0, PCI DSS 4.0.1", () => {
    expect(securityHubStandards("eu-west-2").map((s) => s.arn)).toEqual([
      "arn:aws:securityhub:eu-west-2::standards/aws-foundational-security-best-practices/v/1.0.0",
      "arn:aws:securityhub:eu-west-2::standards/cis-aws-foundations-benchmark/v/3.0.0",
      "arn:aws:securityhub:eu-west-2::standards/pci-dss/v/4.0.1",
    ]);
  });

  it("GuardDuty covers EKS, S3, RDS and runtime (with the EKS agent managed)", () => {
    const names = GUARDDUTY_FEATURES.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining(["EKS_AUDIT_LOGS", "S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "RUNTIME_MONITORING"]),
    );
    expect(GUARDDUTY_FEATURES.find((f) => f.name === "RUNTIME_MONITORING")?.additional).toEqual([
      "EKS_ADDON_MANAGEMENT",
    ]);
  });

  it("forwards HIGH and CRITICAL new, active findings, and only the security account's to the topic", () => {
    const p = highSeverityFindingsPattern(SECURITY);
    expect(p.account).toEqual([SECURITY]);
    expect(p.detail.findings.Severity.Label).toEqual(["HIGH", "CRITICAL"]);
    expect(p.detail.findings.Workflow.Status).toEqual(["NEW"]);
    expect(highSeverityFindingsPattern()).not.toHaveProperty("account");
  });
});

describe("the central AWS Config bucket", () => {
  const doc = configBucketPolicy({
    bucketName: BUCKET,
    organizationId: ORG_ID,
    accountIds: [MGMT, SECURITY, PROD],
  });
  const put = (account: string) =>
    `arn:aws:s3:::${BUCKET}/AWSLogs/${account}/Config/ConfigSnapshot/x.json.gz`;

  it("takes deliveries from every account's recorder role in the organization, under that account's prefix", () => {
    const recorder = role(PROD, "platform-prod-config-recorder");
    const ctx = { "aws:PrincipalOrgID": ORG_ID, "aws:SecureTransport": true };
    expect(
      allows(doc, {
        action: "s3:PutObject",
        resource: put(PROD),
        principal: { arn: recorder },
        context: ctx,
      }),
    ).toBe(true);
    // Another role of the same account, or a recorder-named role outside the organization: no.
    expect(
      allows(doc, {
        action: "s3:PutObject",
        resource: put(PROD),
        principal: { arn: role(PROD, "platform-prod-payments-api") },
        context: ctx,
      }),
    ).toBe(false);
    expect(
      allows(doc, {
        action: "s3:PutObject",
        resource: put(OUTSIDER),
        principal: { arn: role(OUTSIDER, "platform-x-config-recorder") },
        context: { "aws:PrincipalOrgID": "o-otherorg00", "aws:SecureTransport": true },
      }),
    ).toBe(false);
  });

  it("takes deliveries from the Config service only on behalf of the organization's accounts, never over HTTP", () => {
    const service = { service: "config.amazonaws.com" };
    const ctx = (account: string, tls = true) => ({
      "AWS:SourceAccount": account,
      "s3:x-amz-acl": "bucket-owner-full-control",
      "aws:SecureTransport": tls,
    });
    expect(
      allows(doc, { action: "s3:PutObject", resource: put(PROD), principal: service, context: ctx(PROD) }),
    ).toBe(true);
    expect(
      allows(doc, {
        action: "s3:PutObject",
        resource: put(OUTSIDER),
        principal: service,
        context: ctx(OUTSIDER),
      }),
    ).toBe(false);
    expect(
      allows(doc, {
        action: "s3:PutObject",
        resource: put(PROD),
        principal: service,
        context: ctx(PROD, false),
      }),
    ).toBe(false);
  });
});

describe("the security alerts topic", () => {
  it("the security account may put events on the management bus; nobody else may", () => {
    const bus = `arn:aws:events:eu-west-2:${MGMT}:event-bus/default`;
    const doc = managementBusPolicy({ busArn: bus, securityAccountId: SECURITY });
    expect(
      allows(doc, {
        action: "events:PutEvents",
        resource: bus,
        principal: { arn: role(SECURITY, "platform-security-findings-forwarder") },
      }),
    ).toBe(true);
    expect(
      allows(doc, {
        action: "events:PutEvents",
        resource: bus,
        principal: { arn: role(PROD, "platform-deploy") },
      }),
    ).toBe(false);
  });

  it("CloudWatch alarms and EventBridge rules of this account publish; its key lets nobody decrypt outside SNS", () => {
    const topic = `arn:aws:sns:eu-west-2:${MGMT}:platform-management-security-alerts`;
    const doc = securityAlertsTopicPolicy({ topicArn: topic, accountId: MGMT });
    for (const service of ["cloudwatch.amazonaws.com", "events.amazonaws.com"]) {
      const ctx = (account: string) => ({ "aws:SourceAccount": account, "aws:SecureTransport": true });
      expect(
        allows(doc, { action: "sns:Publish", resource: topic, principal: { service }, context: ctx(MGMT) }),
      ).toBe(true);
      expect(
        allows(doc, { action: "sns:Publish", resource: topic, principal: { service }, context: ctx(PROD) }),
      ).toBe(false);
    }
    const key = securityAlertsKeyPolicy({ accountId: MGMT, region: "eu-west-2" });
    const admin = { arn: ssoRole(MGMT, "PlatformAdmin", "eu-west-2") };
    expect(allows(key, { action: "kms:Decrypt", principal: admin })).toBe(false);
    expect(allows(key, { action: "kms:PutKeyPolicy", principal: admin })).toBe(true);
  });

  it("alarms on root usage, console sign-in without MFA, SCP changes, trail changes, key deletion and IAM policy changes", () => {
    expect(SECURITY_ALARMS.map((a) => a.id)).toEqual([
      "root-account-usage",
      "console-sign-in-without-mfa",
      "organization-policy-changes",
      "cloudtrail-changes",
      "kms-key-deletion",
      "iam-policy-changes",
    ]);
    const pattern = (id: string) => SECURITY_ALARMS.find((a) => a.id === id)!.pattern;
    expect(pattern("root-account-usage")).toContain('$.userIdentity.type = "Root"');
    expect(pattern("console-sign-in-without-mfa")).toContain('$.additionalEventData.MFAUsed != "Yes"');
    for (const e of ["AttachPolicy", "DetachPolicy", "UpdatePolicy"])
      expect(pattern("organization-policy-changes")).toContain(e);
    for (const e of ["StopLogging", "DeleteTrail", "UpdateTrail"])
      expect(pattern("cloudtrail-changes")).toContain(e);
    expect(pattern("kms-key-deletion")).toContain("ScheduleKeyDeletion");
    for (const e of ["PutRolePolicy", "AttachRolePolicy", "CreatePolicyVersion"])
      expect(pattern("iam-policy-changes")).toContain(e);
    // Every pattern is one balanced JSON-style filter.
    for (const a of SECURITY_ALARMS) {
      expect(a.pattern.startsWith("{ ") && a.pattern.endsWith(" }"), a.id).toBe(true);
      expect(a.pattern.split("(").length, a.id).toBe(a.pattern.split(")").length);
    }
  });
});

describe("the S3 Block Public Access guardrail", () => {
  const doc = baselineGuardrails(SCP_ARGS);
  const put = (arn: string) => ({ action: "s3:PutAccountPublicAccessBlock", principal: { arn } });

  it("keeps everyone but the deploy roles from changing (or removing) the account-level block", () => {
    expect(denies(doc, put(ssoRole(PROD, "PlatformAdmin", "eu-west-2")))).toBe(true);
    expect(denies(doc, put(ssoRole(PROD, "Developer", "eu-west-2")))).toBe(true);
    expect(denies(doc, put(role(PROD, "platform-prod-payments-api")))).toBe(true);
    expect(denies(doc, put(role(PROD, "platform-deploy")))).toBe(false);
  });
});

describe("security config rules", () => {
  it("rejects a budget with the same threshold twice", async () => {
    const budget = stackValue<{ actualThresholdsPercent: number[] }>("prod", "platform:budget");
    budget.actualThresholdsPercent = [80, 80];
    await expectConfigError(
      "prod",
      { "platform:budget": budget },
      /platform:budget\.actualThresholdsPercent: thresholds must be distinct/,
      /Pulumi\.prod\.yaml/,
    );
  });

  it("rejects the security account sharing a root email with a member account", async () => {
    const org = stackValue<{ securityAccount: { email: string }; accounts: { prod: { email: string } } }>(
      "management",
      "platform:organization",
    );
    org.securityAccount.email = org.accounts.prod.email;
    await expectConfigError(
      "management",
      { "platform:organization": org },
      /platform:organization\.securityAccount\.email: .* is already the email of the prod account/,
    );
  });

  it("requires a budget in every stack and the security section in management", async () => {
    await expectConfigError(
      "dev",
      { "platform:budget": undefined },
      /platform:budget: required key is missing/,
    );
    await expectConfigError(
      "management",
      { "platform:security": undefined },
      /platform:security: required key is missing/,
    );
  });
});
