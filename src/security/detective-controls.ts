import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { toJson } from "../core/policy-document";
import { privateBucket } from "../core/private-bucket";
import { serviceRole } from "../core/service-role";
import {
  configBucketPolicy,
  findingsForwarderPolicy,
  GUARDDUTY_FEATURES,
  highSeverityFindingsPattern,
  securityHubStandards,
} from "./security-policies";

/** AWS Organizations service principals the security account administers for the organization. */
export const DELEGATED_SERVICES = ["config.amazonaws.com", "access-analyzer.amazonaws.com"] as const;

export interface DetectiveControlsArgs {
  /** The management stack's naming; resources in the security account are named `<project>-security-…`. */
  readonly naming: NameContext;
  /** The home region: Security Hub's aggregation region, the Config aggregator, the findings forwarder. */
  readonly region: string;
  /** Every region the organization may use (the region guardrail): GuardDuty and Access Analyzer run in each. */
  readonly regions: readonly string[];
  readonly managementAccountId: string;
  readonly managementProvider: aws.Provider;
  readonly securityAccountId: pulumi.Input<string>;
  /** The security account, reached through `OrganizationAccountAccessRole`. */
  readonly securityProvider: aws.Provider;
  readonly organizationId: pulumi.Input<string>;
  /** The organization's root: the Security Hub configuration policy is associated with it. */
  readonly rootId: pulumi.Input<string>;
  /** Every account that records into the central Config bucket. */
  readonly recordingAccountIds: pulumi.Input<string>[];
  /** Days Config snapshots and history are kept in the central bucket. */
  readonly configRetentionDays: number;
  readonly unusedAccessAgeDays: number;
  /** The management account's default event bus, where high-severity findings are forwarded. */
  readonly managementBusArn: string;
}

/**
 * The organization's detective controls, administered from the security tooling account (AWS
 * recommends a member account rather than the management account, and Security Hub's central
 * configuration requires one):
 *
 * - GuardDuty in every allowed region: a detector in the security account first (so designating it
 *   finds GuardDuty already on), the designation from the management account, then the organization
 *   configuration enabling GuardDuty and its S3, EKS, RDS, Lambda and runtime protections for every
 *   account, existing and new;
 * - Security Hub: enabled in the management and security accounts, the security account designated,
 *   findings aggregated into the home region, central configuration with one policy (Foundational
 *   Security Best Practices, CIS AWS Foundations 3.0, PCI DSS 4.0.1) associated with the root;
 * - AWS Config: the security account registered as delegated administrator, an organization
 *   aggregator over every account and region, and the central bucket every recorder delivers to;
 * - IAM Access Analyzer: an organization analyzer of external access in every allowed region and
 *   one of unused access;
 * - high-severity findings forwarded to the management account's default bus, where the security
 *   alerts rule picks them up.
 */
export class DetectiveControls extends pulumi.ComponentResource {
  readonly configBucketName: pulumi.Output<string>;

  constructor(name: string, args: DetectiveControlsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:security:DetectiveControls", name, {}, opts);
    // Resources in the security account are named for it: `platform-security-…`.
    const naming = { ...args.naming, stack: "security" };
    const inManagement = { parent: this, provider: args.managementProvider };
    const inSecurity = { parent: this, provider: args.securityProvider };
    const others = args.regions.filter((r) => r !== args.region);
    const regions = [args.region, ...others];

    // ── GuardDuty, per region ──
    for (const region of regions) {
      const detector = new aws.guardduty.Detector(
        `guardduty-${region}`,
        {
          region,
          enable: true,
          findingPublishingFrequency: "FIFTEEN_MINUTES",
          tags: nameTag(naming, "guardduty"),
        },
        inSecurity,
      );
      for (const f of GUARDDUTY_FEATURES) {
        new aws.guardduty.DetectorFeature(
          `guardduty-${region}-${f.name.toLowerCase()}`,
          {
            region,
            detectorId: detector.id,
            name: f.name,
            status: "ENABLED",
            additionalConfigurations: (f.additional ?? []).map((n) => ({ name: n, status: "ENABLED" })),
          },
          inSecurity,
        );
      }
      const admin = new aws.guardduty.OrganizationAdminAccount(
        `guardduty-${region}-admin`,
        { region, adminAccountId: args.securityAccountId },
        { ...inManagement, dependsOn: [detector] },
      );
      new aws.guardduty.OrganizationConfiguration(
        `guardduty-${region}-organization`,
        { region, detectorId: detector.id, autoEnableOrganizationMembers: "ALL" },
        { ...inSecurity, dependsOn: [admin] },
      );
      for (const f of GUARDDUTY_FEATURES) {
        new aws.guardduty.OrganizationConfigurationFeature(
          `guardduty-${region}-organization-${f.name.toLowerCase()}`,
          {
            region,
            detectorId: detector.id,
            name: f.name,
            autoEnable: "ALL",
            additionalConfigurations: (f.additional ?? []).map((n) => ({ name: n, autoEnable: "ALL" })),
          },
          { ...inSecurity, dependsOn: [admin] },
        );
      }
    }

    // ── Security Hub, central configuration from the home region ──
    const hubSettings = { enableDefaultStandards: false, controlFindingGenerator: "SECURITY_CONTROL" };
    const hubInManagement = new aws.securityhub.Account("securityhub-management", hubSettings, inManagement);
    const hubInSecurity = new aws.securityhub.Account("securityhub-security", hubSettings, inSecurity);
    const hubAdmin = new aws.securityhub.OrganizationAdminAccount(
      "securityhub-admin",
      { adminAccountId: args.securityAccountId },
      { ...inManagement, dependsOn: [hubInManagement, hubInSecurity] },
    );
    const aggregator = new aws.securityhub.FindingAggregator(
      "securityhub-aggregator",
      others.length > 0
        ? { linkingMode: "SPECIFIED_REGIONS", specifiedRegions: others }
        : { linkingMode: "NO_REGIONS" },
      { ...inSecurity, dependsOn: [hubAdmin] },
    );
    const central = new aws.securityhub.OrganizationConfiguration(
      "securityhub-organization",
      {
        autoEnable: false,
        autoEnableStandards: "NONE",
        organizationConfiguration: { configurationType: "CENTRAL" },
      },
      { ...inSecurity, dependsOn: [hubAdmin, aggregator] },
    );
    const hubPolicy = new aws.securityhub.ConfigurationPolicy(
      "securityhub-policy",
      {
        name: physicalName(naming, "security-baseline"),
        description:
          "Security Hub on in every account and linked region, with the FSBP, CIS 3.0 and PCI DSS 4.0.1 standards",
        configurationPolicy: {
          serviceEnabled: true,
          enabledStandardArns: securityHubStandards(args.region).map((s) => s.arn),
          securityControlsConfiguration: { disabledControlIdentifiers: [] },
        },
      },
      { ...inSecurity, dependsOn: [central] },
    );
    new aws.securityhub.ConfigurationPolicyAssociation(
      "securityhub-policy-root",
      { policyId: hubPolicy.id, targetId: args.rootId },
      inSecurity,
    );

    // ── Config and Access Analyzer: the security account administers them for the organization ──
    const delegated = Object.fromEntries(
      DELEGATED_SERVICES.map((service) => [
        service,
        new aws.organizations.DelegatedAdministrator(
          `delegated-${service.split(".")[0]}`,
          { accountId: args.securityAccountId, servicePrincipal: service },
          inManagement,
        ),
      ]),
    ) as Record<(typeof DELEGATED_SERVICES)[number], aws.organizations.DelegatedAdministrator>;

    const aggregatorRole = serviceRole(
      "config-aggregator-role",
      { naming, roleName: "config-aggregator", service: "config.amazonaws.com" },
      inSecurity,
    );
    const aggregatorPolicy = new aws.iam.RolePolicyAttachment(
      "config-aggregator-policy",
      {
        role: aggregatorRole.name,
        policyArn: "arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations",
      },
      inSecurity,
    );
    new aws.cfg.ConfigurationAggregator(
      "config-aggregator",
      {
        name: physicalName(naming, "organization"),
        organizationAggregationSource: { allRegions: true, roleArn: aggregatorRole.arn },
        tags: nameTag(naming, "config-aggregator"),
      },
      { ...inSecurity, dependsOn: [delegated["config.amazonaws.com"], aggregatorPolicy] },
    );

    // The central Config bucket: SSE-S3, because recorders of other accounts cannot use a key here.
    const configBucketName = pulumi
      .output(args.securityAccountId)
      .apply((id) => physicalName(naming, "config", id));
    const { bucket, publicAccessBlock } = privateBucket(
      "config",
      { naming, name: configBucketName, protect: true, sseS3Reason: "config-delivery" },
      this,
      args.securityProvider,
    );
    new aws.s3.BucketLifecycleConfiguration(
      "config-lifecycle",
      {
        bucket: bucket.id,
        rules: [
          {
            id: "retention",
            status: "Enabled",
            filter: {},
            expiration: { days: args.configRetentionDays },
            noncurrentVersionExpiration: { noncurrentDays: 30 },
          },
        ],
      },
      inSecurity,
    );
    const bucketPolicy = new aws.s3.BucketPolicy(
      "config-bucket-policy",
      {
        bucket: bucket.id,
        policy: pulumi
          .all([configBucketName, args.organizationId, pulumi.all(args.recordingAccountIds)])
          .apply(([bucketName, organizationId, accountIds]) =>
            toJson(configBucketPolicy({ bucketName, organizationId, accountIds })),
          ),
      },
      { ...inSecurity, dependsOn: [publicAccessBlock] },
    );
    // Recorders deliver only once the bucket admits them: the name carries the policy as a dependency.
    this.configBucketName = pulumi.all([configBucketName, bucketPolicy.id]).apply(([name]) => name);

    for (const region of regions) {
      new aws.accessanalyzer.Analyzer(
        `access-analyzer-${region}`,
        {
          region,
          analyzerName: physicalName(naming, "organization"),
          type: "ORGANIZATION",
          tags: nameTag(naming, "access-analyzer"),
        },
        { ...inSecurity, dependsOn: [delegated["access-analyzer.amazonaws.com"]] },
      );
    }
    new aws.accessanalyzer.Analyzer(
      "access-analyzer-unused",
      {
        analyzerName: physicalName(naming, "organization-unused-access"),
        type: "ORGANIZATION_UNUSED_ACCESS",
        configuration: { unusedAccess: { unusedAccessAge: args.unusedAccessAgeDays } },
        tags: nameTag(naming, "access-analyzer-unused"),
      },
      { ...inSecurity, dependsOn: [delegated["access-analyzer.amazonaws.com"]] },
    );

    // ── high-severity findings, forwarded to the management account's bus ──
    const forwarder = serviceRole(
      "findings-forwarder-role",
      { naming, roleName: "findings-forwarder", service: "events.amazonaws.com" },
      inSecurity,
    );
    new aws.iam.RolePolicy(
      "findings-forwarder-policy",
      { role: forwarder.id, policy: toJson(findingsForwarderPolicy(args.managementBusArn)) },
      inSecurity,
    );
    const rule = new aws.cloudwatch.EventRule(
      "high-severity-findings",
      {
        name: physicalName(naming, "high-severity-findings"),
        description:
          "HIGH and CRITICAL findings of every account and linked region, to the management account",
        eventPattern: JSON.stringify(highSeverityFindingsPattern()),
        tags: nameTag(naming, "high-severity-findings"),
      },
      { ...inSecurity, dependsOn: [aggregator] },
    );
    new aws.cloudwatch.EventTarget(
      "high-severity-findings-to-management",
      { rule: rule.name, arn: args.managementBusArn, roleArn: forwarder.arn },
      inSecurity,
    );

    this.registerOutputs({ configBucketName: this.configBucketName });
  }
}
