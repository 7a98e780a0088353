import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { StackBasics } from "../core/config-loader";
import {
  ENVIRONMENT_STACKS,
  GATED_OUS,
  MEMBER_ACCOUNTS,
  type MemberAccountKey,
  PR_BASE_ENVIRONMENT,
  STACK_ACCOUNTS,
  STACK_NAMES,
  STACKS,
  type StackName,
} from "../core/environments";
import { DATADOG_AWS_ACCOUNT, ELB_LOG_DELIVERY_ACCOUNTS } from "../core/external-accounts";
import { clusterName } from "../core/naming";
import { toJson } from "../core/policy-document";
import { assumingProvider } from "../core/provider";
import { assignmentMatrix } from "./assignments";
import type { TrailDataEvents } from "./audit-policies";
import { AuditTrail } from "./audit-trail";
import { CiRoles, type CiTarget } from "./ci-roles";
import { DeliveryRoles } from "./delivery-roles";
import type {
  AuditConfig,
  CiConfig,
  IdentityCenterConfig,
  OrganizationConfig,
  RegistriesConfig,
} from "./governance-config";
import { type GuardrailPolicy, Guardrails } from "./guardrails";
import { IdentityCenter } from "./identity-center";
import { Organization, OrganizationImport } from "./organization";
import {
  DEPLOY_ROLE_NAME,
  ORGANIZATION_ACCESS_ROLE_NAME,
  PREVIEW_ROLE_NAME,
  roleArn,
} from "./platform-roles";
import { resourceControlPolicies } from "./rcp";
import { CHART_PREFIX, Registries } from "./registry";
import { identityCenterRoleArnPattern, roleArnPattern, serviceControlPolicies } from "./scp";
import { secretsKeyAlias } from "./secrets-key-policy";
import { SecretsKeys } from "./secrets-keys";
import { secretsKeyPolicyOf } from "./stack-secrets-key";

/** Highest IMDS hop limit new instances may request: EKS pods that use IMDS need 2. */
const MAX_IMDS_HOP_LIMIT = 2;
/**
 * OU keys the guardrails attach to: every environment account sits under `workloads`, the security
 * tooling account under `security`.
 */
const GUARDED_OUS = ["workloads", "security"];
/** Environments whose accounts get the production guardrails (their secrets key is guarded too). */
const GATED_ENVIRONMENTS = ENVIRONMENT_STACKS.filter((s) => STACKS[s].gated);

/** What governance reads of the management stack's model. */
export type GovernanceStackConfig = StackBasics & {
  readonly organization: OrganizationConfig;
  readonly identityCenter: IdentityCenterConfig;
  readonly ci: CiConfig;
  readonly registries: RegistriesConfig;
  readonly audit: AuditConfig;
};

/**
 * The management account's governance: the organization and accounts, SCP/RCP guardrails,
 * Identity Center, CI roles (in every account, through a provider per member account), the
 * per-stack secrets keys, the registries and the organization trail (with the data events of
 * `trailDataEvents`: the environments' payment stores).
 */
/**
 * The first management run when `platform:organization.importExisting` is set: the organization
 * adopted into the stack, nothing else (see `OrganizationImport`).
 */
export function organizationImportStack(organizationId: string, provider: aws.Provider) {
  const org = new OrganizationImport("organization", { organizationId }, { provider });
  return { organizationId: org.organizationId };
}

export function governanceStack(
  cfg: GovernanceStackConfig,
  provider: aws.Provider,
  trailDataEvents: TrailDataEvents,
) {
  const naming = { project: cfg.project, stack: cfg.stack };
  const opts = { provider };

  const org = new Organization(
    "organization",
    {
      naming,
      accounts: cfg.organization.accounts,
      securityAccount: cfg.organization.securityAccount,
    },
    opts,
  );
  const accountIds = { management: cfg.accountId, ...org.accountIds };

  // Member-account work goes through the role Organizations created in each account; a read-only
  // run (a CI preview) reads those accounts through their platform-preview instead.
  const memberRole = cfg.readOnly ? PREVIEW_ROLE_NAME : ORGANIZATION_ACCESS_ROLE_NAME;
  const members = Object.fromEntries(
    MEMBER_ACCOUNTS.map((key) => [
      key,
      assumingProvider(cfg, `aws-${key}`, {
        accountId: org.accountIds[key],
        roleArn: org.accountIds[key].apply((id) => roleArn(id, memberRole)),
      }),
    ]),
  ) as Record<MemberAccountKey, aws.Provider>;
  const securityProvider = assumingProvider(cfg, "aws-security", {
    accountId: org.securityAccountId,
    roleArn: org.securityAccountId.apply((id) => roleArn(id, memberRole)),
  });
  const targets = Object.fromEntries(
    STACK_NAMES.map((stack): [StackName, CiTarget] => {
      const account = STACK_ACCOUNTS[stack];
      return [
        stack,
        account === "management"
          ? { accountId: cfg.accountId, provider }
          : {
              accountId: org.accountIds[account as MemberAccountKey],
              provider: members[account as MemberAccountKey],
            },
      ];
    }),
  ) as Record<StackName, CiTarget>;

  const operators = {
    accountId: cfg.accountId,
    principalArnPattern: identityCenterRoleArnPattern(cfg.identityCenter.adminPermissionSet, cfg.accountId),
  };
  const ci = new CiRoles(
    "ci",
    {
      naming,
      managementAccountId: cfg.accountId,
      region: cfg.region,
      repository: cfg.ci.repository,
      targets,
      securityAccount: { accountId: org.securityAccountId, provider: securityProvider },
      operators,
    },
    opts,
  );

  // The delivery pipeline's CI roles: the chart publisher (main only) and PR environments (pull requests).
  const prAccount = STACKS[PR_BASE_ENVIRONMENT].account as MemberAccountKey;
  const delivery = new DeliveryRoles(
    "delivery-roles",
    {
      naming,
      repository: cfg.ci.repository,
      region: cfg.region,
      accountId: cfg.accountId,
      project: cfg.project,
      chartRepositoryPrefix: CHART_PREFIX,
      prAccount: {
        accountId: org.accountIds[prAccount],
        clusterName: clusterName({ project: cfg.project, stack: PR_BASE_ENVIRONMENT }),
        provider: members[prAccount],
      },
      operators,
      oidcProviderArn: ci.oidcProviderArn,
    },
    opts,
  );

  // Guardrails. SCP documents are static; the RCP names the organization id.
  const admin = identityCenterRoleArnPattern(cfg.identityCenter.adminPermissionSet);
  const scps = serviceControlPolicies({
    targets: { guarded: GUARDED_OUS, prod: [...GATED_OUS] },
    allowedRegions: cfg.organization.allowedRegions,
    deployPrincipalArns: [roleArnPattern(DEPLOY_ROLE_NAME), roleArnPattern(ORGANIZATION_ACCESS_ROLE_NAME)],
    adminPrincipalArns: [admin],
    maxImdsHopLimit: MAX_IMDS_HOP_LIMIT,
    prod: {
      secretsKey: { aliasPattern: GATED_ENVIRONMENTS.map(secretsKeyAlias) },
      decryptPrincipalArns: [admin, roleArnPattern(DEPLOY_ROLE_NAME)],
    },
  });
  // The RCP set's names and targets do not depend on the organization id; only its documents do.
  // Outside principals the workloads admit on purpose, which the RCP would refuse otherwise:
  // Elastic Load Balancing's log delivery (ALB access logs) in each environment's region, and
  // Datadog assuming each environment's integration role.
  const trustedAccountIds = [
    ...new Set(
      ENVIRONMENT_STACKS.map((s) => {
        const region = cfg.peers[s]?.region ?? cfg.region;
        const elb = ELB_LOG_DELIVERY_ACCOUNTS[region];
        if (!elb)
          throw new Error(
            `governance: no Elastic Load Balancing log-delivery account is known for ${region}`,
          );
        return elb;
      }),
    ),
    DATADOG_AWS_ACCOUNT,
  ];
  const rcps = (orgId: string) => resourceControlPolicies({ orgId, targets: GUARDED_OUS, trustedAccountIds });
  const policies: GuardrailPolicy[] = [
    ...scps.map((p) => ({ ...p, type: "SERVICE_CONTROL_POLICY" as const, content: toJson(p.document) })),
    ...rcps("o-0000000000").map((p) => ({
      ...p,
      type: "RESOURCE_CONTROL_POLICY" as const,
      content: org.organizationId.apply((id) => toJson(rcps(id).find((r) => r.name === p.name)!.document)),
    })),
  ];
  new Guardrails("guardrails", { naming, policies, targetIds: org.ouIds }, opts);

  const identity = new IdentityCenter(
    "identity-center",
    {
      naming,
      permissionSets: cfg.identityCenter.permissionSets,
      assignments: assignmentMatrix(cfg.identityCenter),
      accountIds,
      provider,
    },
    opts,
  );

  // The environments' secrets keys. The management stack's own key is its secrets provider, so it
  // must exist before this stack's first run: the bootstrap program creates it (same policy).
  const keys = new SecretsKeys(
    "secrets-keys",
    {
      naming,
      stacks: ENVIRONMENT_STACKS.map((stack) => ({ stack, accountId: accountIds[STACK_ACCOUNTS[stack]] })),
      policy: secretsKeyPolicyOf(cfg),
    },
    opts,
  );

  const registries = new Registries(
    "registries",
    {
      naming,
      registries: cfg.registries,
      readerAccountIds: MEMBER_ACCOUNTS.map((k) => org.accountIds[k]),
      // The environments' Lambda functions run in their stacks' regions.
      lambdaRegions: [...new Set(ENVIRONMENT_STACKS.map((s) => cfg.peers[s]?.region ?? cfg.region))],
    },
    opts,
  );

  const audit = new AuditTrail(
    "audit",
    {
      naming,
      accountId: cfg.accountId,
      region: cfg.region,
      organizationId: org.organizationId,
      logRetentionDays: cfg.audit.logRetentionDays,
      cloudWatchRetentionDays: cfg.audit.cloudWatchRetentionDays,
      dataEvents: trailDataEvents,
    },
    { ...opts, dependsOn: [org] },
  );

  return {
    organizationArn: org.organizationArn,
    organizationId: org.organizationId,
    rootId: org.rootId,
    memberAccountIds: org.accountIds,
    securityAccount: { id: org.securityAccountId, provider: securityProvider },
    trailLogGroupName: audit.logGroup,
    deployRoleArns: ci.deployRoleArns,
    previewRoleArns: ci.previewRoleArns,
    outputs: {
      organizationId: org.organizationId,
      memberAccountIds: org.accountIds,
      ouIds: org.ouIds,
      identityCenterInstanceArn: identity.instanceArn,
      permissionSetArns: identity.permissionSetArns,
      githubOidcProviderArn: ci.oidcProviderArn,
      ciRoleArns: ci.ciRoleArns,
      deployRoleArns: ci.deployRoleArns,
      previewRoleArns: ci.previewRoleArns,
      secretsKeyArns: keys.keyArns,
      secretsKeyAliases: Object.fromEntries(STACK_NAMES.map((s) => [s, secretsKeyAlias(s)])),
      repositoryUrls: registries.repositoryUrls,
      securityAccountId: org.securityAccountId,
      chartPublisherRoleArn: delivery.chartPublisherRoleArn,
      prEnvironmentsCiRoleArn: delivery.prCiRoleArn,
      prEnvironmentsRoleArn: delivery.prEnvironmentsRoleArn,
      auditBucket: audit.bucketName,
      auditAccessLogBucket: audit.accessLogBucketName,
      auditTrailArn: audit.trailArn,
    } satisfies Record<string, pulumi.Input<unknown>>,
  };
}
