/**
 * Service control policies (SCPs) for the organization's OUs, as plain documents.
 *
 * Every policy here is a deny list: it works alongside the AWS-managed `FullAWSAccess` SCP, which
 * stays attached. SCPs never restrict the management account, nor service-linked roles.
 *
 * Limits that shape the grouping: 5 SCPs attached directly to one target (FullAWSAccess is one
 * of them) and 5,120 characters per policy. The guardrails are therefore bundled into four
 * documents; `serviceControlPolicies` checks both limits before anything reaches AWS.
 */
import {
  assertPrincipalArnPatterns,
  assertUniqueSids,
  distinct,
  oneOrMany,
  type PolicyDocument,
  type PolicyStatement,
  policy,
  toJson,
} from "../core/policy-document";

/** AWS Organizations: maximum characters of one SCP or RCP (compact JSON counts). */
export const ORG_POLICY_MAX_CHARS = 5120;
/** AWS Organizations: policies of one type attached directly to one root, OU or account. */
export const ORG_POLICIES_PER_TARGET = 5;
/** Slots left for the platform's own policies once the AWS-managed full-access policy takes one. */
export const CUSTOM_POLICIES_PER_TARGET = ORG_POLICIES_PER_TARGET - 1;

/** Every IAM role the platform creates is named `platform-<stack>-…` (see `naming.ts`). */
export const PLATFORM_ROLE_PREFIX = "platform-";
/** The role AWS Organizations creates in each member account for the management account to assume. */
export const ORGANIZATION_ACCESS_ROLE = "OrganizationAccountAccessRole";
/** The root user of any account, as `aws:PrincipalArn` reports it. */
export const ROOT_PRINCIPAL_ARN_PATTERN = "arn:aws:iam::*:root";
/** Role names the identity guardrail protects unless told otherwise (the CI roles share the prefix). */
export const DEFAULT_PROTECTED_ROLE_NAMES: readonly string[] = [
  `${PLATFORM_ROLE_PREFIX}*`,
  ORGANIZATION_ACCESS_ROLE,
];

/** ARN (or ArnLike pattern) of a role by name; `accountId` defaults to any account. */
export function roleArnPattern(roleName: string, accountId = "*"): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/**
 * ArnLike pattern for the roles IAM Identity Center provisions for a permission set, e.g.
 * `arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_PlatformAdmin_*`.
 * The role path carries the Identity Center region except in us-east-1, hence `/*AWSReservedSSO_`
 * (a `*` in an ARN component also matches `/`) rather than `/*\/AWSReservedSSO_`.
 */
export function identityCenterRoleArnPattern(permissionSetName: string, accountId = "*"): string {
  if (!/^[\w+=,.@-]{1,32}$/.test(permissionSetName)) {
    throw new Error(`"${permissionSetName}" is not a permission set name`);
  }
  return `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_${permissionSetName}_*`;
}

/** Throws when the compact JSON of `doc` exceeds the AWS Organizations policy size limit. */
export function assertOrgPolicySize(doc: PolicyDocument, name: string): PolicyDocument {
  const size = toJson(doc).length;
  if (size > ORG_POLICY_MAX_CHARS) {
    throw new Error(
      `policy "${name}" is ${size} characters; AWS Organizations allows ${ORG_POLICY_MAX_CHARS}`,
    );
  }
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Baseline: organization membership, root user, security services, instance metadata
// ---------------------------------------------------------------------------------------------

/** Actions that switch off or blind CloudTrail, GuardDuty, AWS Config, Security Hub and IAM Access Analyzer. */
export const SECURITY_SERVICE_TAMPERING_ACTIONS: readonly string[] = [
  "cloudtrail:DeleteTrail",
  "cloudtrail:StopLogging",
  "cloudtrail:UpdateTrail",
  "cloudtrail:PutEventSelectors",
  "cloudtrail:DeleteEventDataStore",
  "cloudtrail:StopEventDataStoreIngestion",
  "guardduty:DeleteDetector",
  "guardduty:UpdateDetector",
  "guardduty:Disassociate*",
  "guardduty:DeleteMembers",
  "guardduty:StopMonitoringMembers",
  "guardduty:DeletePublishingDestination",
  "config:DeleteConfigurationRecorder",
  "config:DeleteServiceLinkedConfigurationRecorder",
  "config:StopConfigurationRecorder",
  "config:DeleteDeliveryChannel",
  "config:DeleteRetentionConfiguration",
  "config:DeleteAggregationAuthorization",
  "securityhub:DisableSecurityHub",
  "securityhub:Disassociate*",
  "securityhub:DeleteMembers",
  "securityhub:BatchDisableStandards",
  "securityhub:DisableImportFindingsForProduct",
  "access-analyzer:DeleteAnalyzer",
];

/**
 * Account-level S3 Block Public Access: set once by the account's deployment, never switched off.
 * (Deleting the account-level block is authorised as `s3:PutAccountPublicAccessBlock` too.)
 */
export const S3_ACCOUNT_PUBLIC_ACCESS_ACTIONS: readonly string[] = ["s3:PutAccountPublicAccessBlock"];

export interface BaselineGuardrailArgs {
  /**
   * Principals that run the platform's deployments (the CI deploy roles, the role the management
   * stack assumes into member accounts). Only they may change the security services' settings.
   * ArnLike patterns; at least one.
   */
  readonly deployPrincipalArns: readonly string[];
  /** Principals allowed to change instance metadata options (the platform administrators). */
  readonly adminPrincipalArns: readonly string[];
  /**
   * Highest IMDS PUT response hop limit a new instance may ask for; omit for no cap. EKS nodes whose
   * pods must reach IMDS need 2; 1 keeps IMDS away from containers altogether.
   */
  readonly maxImdsHopLimit?: number;
}

/**
 * The baseline every member account gets: it cannot leave the organization, its root user can do
 * nothing, the security services stay on, the account-level S3 Block Public Access stays as the
 * deployment set it, and instances use IMDSv2 only.
 */
export function baselineGuardrails(args: BaselineGuardrailArgs): PolicyDocument {
  assertPrincipalArnPatterns(args.deployPrincipalArns, "baselineGuardrails.deployPrincipalArns");
  assertPrincipalArnPatterns(args.adminPrincipalArns, "baselineGuardrails.adminPrincipalArns");
  const { maxImdsHopLimit } = args;
  if (
    maxImdsHopLimit !== undefined &&
    !(Number.isInteger(maxImdsHopLimit) && maxImdsHopLimit >= 1 && maxImdsHopLimit <= 64)
  ) {
    throw new Error(
      `baselineGuardrails.maxImdsHopLimit must be an integer from 1 to 64, got ${maxImdsHopLimit}`,
    );
  }
  const instances = "arn:aws:ec2:*:*:instance/*";
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyLeaveOrganization",
      Effect: "Deny",
      Action: "organizations:LeaveOrganization",
      Resource: "*",
    },
    {
      Sid: "DenyRootUser",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { ArnLike: { "aws:PrincipalArn": ROOT_PRINCIPAL_ARN_PATTERN } },
    },
    {
      Sid: "DenySecurityServiceTampering",
      Effect: "Deny",
      Action: [...SECURITY_SERVICE_TAMPERING_ACTIONS],
      Resource: "*",
      Condition: { ArnNotLike: { "aws:PrincipalArn": oneOrMany(distinct(args.deployPrincipalArns)) } },
    },
    {
      Sid: "ProtectS3AccountPublicAccessBlock",
      Effect: "Deny",
      Action: oneOrMany(S3_ACCOUNT_PUBLIC_ACCESS_ACTIONS),
      Resource: "*",
      Condition: { ArnNotLike: { "aws:PrincipalArn": oneOrMany(distinct(args.deployPrincipalArns)) } },
    },
    {
      // The key is only present for the instance resource of RunInstances, hence the Resource.
      Sid: "RequireImdsV2",
      Effect: "Deny",
      Action: "ec2:RunInstances",
      Resource: instances,
      Condition: { StringNotEquals: { "ec2:MetadataHttpTokens": "required" } },
    },
  ];
  if (maxImdsHopLimit !== undefined) {
    statements.push({
      Sid: "CapImdsHopLimit",
      Effect: "Deny",
      Action: "ec2:RunInstances",
      Resource: instances,
      Condition: { NumericGreaterThan: { "ec2:MetadataHttpPutResponseHopLimit": String(maxImdsHopLimit) } },
    });
  }
  statements.push(
    {
      Sid: "DenyImdsSettingsChangeByNonAdmins",
      Effect: "Deny",
      Action: ["ec2:ModifyInstanceMetadataOptions", "ec2:ModifyInstanceMetadataDefaults"],
      Resource: "*",
      Condition: { ArnNotLike: { "aws:PrincipalArn": oneOrMany(distinct(args.adminPrincipalArns)) } },
    },
    {
      // Credentials an instance fetched over IMDSv1 report a role delivery below 2.0.
      Sid: "DenyImdsV1RoleCredentials",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { NumericLessThan: { "ec2:RoleDelivery": "2.0" } },
    },
  );
  return assertUniqueSids(policy(...statements), "baselineGuardrails");
}

// ---------------------------------------------------------------------------------------------
// Regions
// ---------------------------------------------------------------------------------------------

/**
 * Actions of global services (or global endpoints of regional ones) that the region guardrail
 * leaves alone: their requests report us-east-1 (or another fixed region) whatever the caller's
 * home region. `kms:*` and `acm:*` stay open because CloudFront certificates and Route 53 DNSSEC
 * keys must live in us-east-1; `config:*` because global resource types are recorded in one region.
 */
export const GLOBAL_SERVICE_ACTIONS: readonly string[] = [
  "account:*",
  "acm:*",
  "aws-marketplace:*",
  "aws-marketplace-management:*",
  "aws-portal:*",
  "billing:*",
  "budgets:*",
  "ce:*",
  "cloudfront:*",
  "config:*",
  "cur:*",
  "directconnect:*",
  "ec2:DescribeRegions",
  "ec2:DescribeTransitGateways",
  "ec2:DescribeVpnGateways",
  "fms:*",
  "freetier:*",
  "globalaccelerator:*",
  "health:*",
  "iam:*",
  "invoicing:*",
  "kms:*",
  "networkmanager:*",
  "organizations:*",
  "payments:*",
  "pricing:*",
  "route53:*",
  "route53domains:*",
  "route53-recovery-cluster:*",
  "route53-recovery-control-config:*",
  "route53-recovery-readiness:*",
  "s3:GetAccountPublic*",
  "s3:GetBucketLocation",
  "s3:ListAllMyBuckets",
  "s3:ListMultiRegionAccessPoints",
  "s3:PutAccountPublic*",
  "shield:*",
  "sts:*",
  "support:*",
  "tax:*",
  "trustedadvisor:*",
  "waf:*",
  "waf-regional:*",
  "wafv2:*",
  "wellarchitected:*",
];

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** Where CloudFront's logs and its WAF's logs must be delivered: the edge's own region. */
const EDGE_REGION = "us-east-1";
/**
 * Regional actions the edge needs in us-east-1 besides the allowed regions: CloudWatch Logs (the
 * distribution's and its web ACL's log groups, their resource policy, the log delivery).
 */
export const EDGE_REGION_ACTIONS: readonly string[] = ["logs:*"];

export interface RegionGuardrailArgs {
  /** Regions member accounts may use, e.g. `["eu-west-2", "eu-west-1"]`. */
  readonly allowedRegions: readonly string[];
  /** Principals exempt from the rule (rarely needed; omit for none). ArnLike patterns. */
  readonly exemptPrincipalArns?: readonly string[];
}

/** Denies every regional action requested outside `allowedRegions`; global services are exempt. */
export function regionGuardrail(args: RegionGuardrailArgs): PolicyDocument {
  const regions = distinct(args.allowedRegions);
  if (regions.length === 0) throw new Error("regionGuardrail.allowedRegions must name at least one region");
  for (const r of regions) {
    if (!REGION.test(r)) throw new Error(`regionGuardrail.allowedRegions: "${r}" is not an AWS region name`);
  }
  const condition: NonNullable<PolicyStatement["Condition"]> = {
    StringNotEquals: { "aws:RequestedRegion": oneOrMany(regions) },
  };
  if (args.exemptPrincipalArns !== undefined) {
    assertPrincipalArnPatterns(args.exemptPrincipalArns, "regionGuardrail.exemptPrincipalArns");
    condition.ArnNotLike = { "aws:PrincipalArn": oneOrMany(distinct(args.exemptPrincipalArns)) };
  }
  const edgeCondition: NonNullable<PolicyStatement["Condition"]> = {
    ...condition,
    StringNotEquals: { "aws:RequestedRegion": oneOrMany(distinct([...regions, EDGE_REGION])) },
  };
  return assertUniqueSids(
    policy(
      {
        Sid: "DenyOutsideAllowedRegions",
        Effect: "Deny",
        NotAction: [...GLOBAL_SERVICE_ACTIONS, ...EDGE_REGION_ACTIONS],
        Resource: "*",
        Condition: condition,
      },
      {
        Sid: "DenyEdgeLogsOutsideAllowedRegionsAndUsEast1",
        Effect: "Deny",
        Action: [...EDGE_REGION_ACTIONS],
        Resource: "*",
        Condition: edgeCondition,
      },
    ),
    "regionGuardrail",
  );
}

// ---------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------

/** Long-lived IAM credentials: people sign in through Identity Center, automation through roles. */
export const IAM_USER_CREDENTIAL_ACTIONS: readonly string[] = [
  "iam:CreateUser",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
];

/** Everything that creates, deletes or changes the permissions or trust of a role. */
export const ROLE_MUTATION_ACTIONS: readonly string[] = [
  "iam:AttachRolePolicy",
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:DeleteRolePermissionsBoundary",
  "iam:DeleteRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
];

export interface IdentityGuardrailArgs {
  /** The only principals that may create or change the protected roles (the deploy roles). ArnLike patterns. */
  readonly deployPrincipalArns: readonly string[];
  /**
   * Role names (wildcards allowed) nobody else may touch. Defaults to `DEFAULT_PROTECTED_ROLE_NAMES`:
   * every `platform-*` role (CI roles included) and `OrganizationAccountAccessRole`.
   */
  readonly protectedRoleNames?: readonly string[];
}

/** No IAM users or access keys, and the platform's own roles change only through its deployments. */
export function identityGuardrail(args: IdentityGuardrailArgs): PolicyDocument {
  assertPrincipalArnPatterns(args.deployPrincipalArns, "identityGuardrail.deployPrincipalArns");
  const names = distinct(args.protectedRoleNames ?? DEFAULT_PROTECTED_ROLE_NAMES);
  if (names.length === 0) throw new Error("identityGuardrail.protectedRoleNames must not be empty");
  for (const n of names) {
    if (n.replace(/[*?]/g, "").length === 0) {
      throw new Error(`identityGuardrail: "${n}" would protect every role`);
    }
    if (!/^[\w+=,.@*?-]+$/.test(n)) throw new Error(`identityGuardrail: "${n}" is not a role name (pattern)`);
  }
  return assertUniqueSids(
    policy(
      {
        Sid: "DenyIamUserCredentials",
        Effect: "Deny",
        Action: [...IAM_USER_CREDENTIAL_ACTIONS],
        Resource: "*",
      },
      {
        Sid: "ProtectPlatformRoles",
        Effect: "Deny",
        Action: [...ROLE_MUTATION_ACTIONS],
        Resource: oneOrMany(names.map((n) => roleArnPattern(n))),
        Condition: { ArnNotLike: { "aws:PrincipalArn": oneOrMany(distinct(args.deployPrincipalArns)) } },
      },
    ),
    "identityGuardrail",
  );
}

// ---------------------------------------------------------------------------------------------
// Production
// ---------------------------------------------------------------------------------------------

/** KMS actions that destroy a key or make its ciphertexts unreadable. */
export const KMS_KEY_DESTRUCTION_ACTIONS: readonly string[] = [
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:DeleteImportedKeyMaterial",
  "kms:DeleteCustomKeyStore",
  "kms:DisconnectCustomKeyStore",
];

/** A KMS key by ARN (`arn:aws:kms:<region>:<account>:key/<id>`) or by alias pattern (`alias/platform-prod-secrets*`). */
export type KmsKeySelector =
  | { readonly keyArn: string }
  | { readonly aliasPattern: string | readonly string[] };

export interface ProdGuardrailArgs {
  /** The prod secrets key (it lives in the management account; prod principals call it cross-account). */
  readonly secretsKey: KmsKeySelector;
  /**
   * Principals that may decrypt with it: the administrators (see `identityCenterRoleArnPattern`)
   * and the prod deploy role. ArnLike patterns.
   */
  readonly decryptPrincipalArns: readonly string[];
  /**
   * Services (`kms:ViaService` values such as `secretsmanager.eu-west-2.amazonaws.com`) through which
   * other principals may still decrypt, for a key that also backs those services. Omit for none.
   */
  readonly decryptViaServices?: readonly string[];
}

const KEY_ARN = /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/;

/**
 * Stricter rules for production accounts: no key in them can be deleted or disabled (detaching this
 * SCP from the management account is the break-glass path), and only administrators and the prod
 * deploy role can decrypt with the prod secrets key.
 */
export function prodGuardrails(args: ProdGuardrailArgs): PolicyDocument {
  assertPrincipalArnPatterns(args.decryptPrincipalArns, "prodGuardrails.decryptPrincipalArns");
  const key = args.secretsKey;
  const decrypt: PolicyStatement = {
    Sid: "RestrictProdSecretsDecrypt",
    Effect: "Deny",
    // ReEncryptFrom decrypts under this key on the way to another one.
    Action: ["kms:Decrypt", "kms:ReEncryptFrom"],
    Resource: "*",
    Condition: { ArnNotLike: { "aws:PrincipalArn": oneOrMany(distinct(args.decryptPrincipalArns)) } },
  };
  if ("keyArn" in key) {
    if (!KEY_ARN.test(key.keyArn)) throw new Error(`prodGuardrails: "${key.keyArn}" is not a KMS key ARN`);
    decrypt.Resource = key.keyArn;
  } else {
    const patterns = typeof key.aliasPattern === "string" ? [key.aliasPattern] : [...key.aliasPattern];
    if (patterns.length === 0) throw new Error("prodGuardrails: at least one secrets key alias pattern");
    for (const pattern of patterns) {
      if (!/^alias\/[\w/-]+\*?$/.test(pattern) || pattern.length < 8) {
        throw new Error(`prodGuardrails: "${pattern}" is not a specific alias pattern (alias/<name>[*])`);
      }
    }
    decrypt.Condition!["ForAnyValue:StringLike"] = { "kms:ResourceAliases": oneOrMany(patterns) };
  }
  if (args.decryptViaServices !== undefined) {
    const services = distinct(args.decryptViaServices);
    for (const s of services) {
      if (!/^[a-z0-9-]+\.[a-z0-9-]+\.amazonaws\.com$/.test(s)) {
        throw new Error(`prodGuardrails.decryptViaServices: "${s}" is not a kms:ViaService value`);
      }
    }
    if (services.length > 0) {
      decrypt.Condition!.StringNotEqualsIfExists = { "kms:ViaService": oneOrMany(services) };
    }
  }
  return assertUniqueSids(
    policy(
      {
        Sid: "DenyKmsKeyDestruction",
        Effect: "Deny",
        Action: [...KMS_KEY_DESTRUCTION_ACTIONS],
        Resource: "*",
      },
      decrypt,
    ),
    "prodGuardrails",
  );
}

// ---------------------------------------------------------------------------------------------
// The set, and where it attaches
// ---------------------------------------------------------------------------------------------

/** One organization policy and the targets (OU keys) it attaches to directly. */
export interface OrgPolicyAttachment {
  /** Policy name in AWS Organizations (unique within the organization and type). */
  readonly name: string;
  readonly description: string;
  readonly document: PolicyDocument;
  /** OU keys as the caller named them; children inherit the policy. */
  readonly targets: readonly string[];
}

export interface ScpTargets {
  /**
   * OUs that receive the baseline, region and identity guardrails: the top of every subtree holding
   * member accounts. With `nonprod` and `prod` nested under `workloads`, that is `["workloads"]`;
   * with sibling OUs, list them all.
   */
  readonly guarded: readonly string[];
  /** OUs holding production accounts; they also receive the prod guardrails. E.g. `["prod"]`. */
  readonly prod: readonly string[];
}

export interface ServiceControlPolicyArgs {
  readonly targets: ScpTargets;
  readonly allowedRegions: readonly string[];
  /** See `BaselineGuardrailArgs.deployPrincipalArns` (also the only principals that change platform roles). */
  readonly deployPrincipalArns: readonly string[];
  /** See `BaselineGuardrailArgs.adminPrincipalArns`. */
  readonly adminPrincipalArns: readonly string[];
  readonly maxImdsHopLimit?: number;
  readonly protectedRoleNames?: readonly string[];
  readonly prod: ProdGuardrailArgs;
}

/** Physical names of the SCPs, by guardrail. */
export const SCP_NAMES = {
  baseline: "platform-baseline-guardrails",
  region: "platform-region-guardrail",
  identity: "platform-identity-guardrail",
  prod: "platform-prod-guardrails",
} as const;

/**
 * The organization's SCPs and the OUs each attaches to. Throws when a document exceeds the size
 * limit or a target would carry more custom SCPs than AWS allows next to `FullAWSAccess`.
 */
export function serviceControlPolicies(args: ServiceControlPolicyArgs): OrgPolicyAttachment[] {
  const guarded = distinct(args.targets.guarded);
  const prod = distinct(args.targets.prod);
  if (guarded.length === 0) {
    throw new Error("serviceControlPolicies.targets.guarded must name at least one OU");
  }
  if (prod.length === 0) throw new Error("serviceControlPolicies.targets.prod must name at least one OU");
  const set: OrgPolicyAttachment[] = [
    {
      name: SCP_NAMES.baseline,
      description:
        "No leaving the organization, no root user, security services and S3 Block Public Access stay on, IMDSv2 only.",
      document: baselineGuardrails(args),
      targets: guarded,
    },
    {
      name: SCP_NAMES.region,
      description: `Regional services only in ${args.allowedRegions.join(", ")}.`,
      document: regionGuardrail({ allowedRegions: args.allowedRegions }),
      targets: guarded,
    },
    {
      name: SCP_NAMES.identity,
      description: "No IAM users or access keys; platform roles change only through the deploy roles.",
      document: identityGuardrail(args),
      targets: guarded,
    },
    {
      name: SCP_NAMES.prod,
      description:
        "Production: keys cannot be deleted or disabled; prod secrets decrypt only for admins and prod deploy.",
      document: prodGuardrails(args.prod),
      targets: prod,
    },
  ];
  for (const p of set) assertOrgPolicySize(p.document, p.name);
  assertAttachmentBudget(set, "SCP");
  return set;
}

/** Throws when some target would carry more than `CUSTOM_POLICIES_PER_TARGET` of these policies. */
export function assertAttachmentBudget(set: readonly OrgPolicyAttachment[], kind: string): void {
  const perTarget = new Map<string, number>();
  for (const p of set) for (const t of p.targets) perTarget.set(t, (perTarget.get(t) ?? 0) + 1);
  for (const [target, count] of perTarget) {
    if (count > CUSTOM_POLICIES_PER_TARGET) {
      throw new Error(
        `${count} ${kind}s attach to "${target}"; AWS allows ${ORG_POLICIES_PER_TARGET} per target including the AWS-managed one`,
      );
    }
  }
}
