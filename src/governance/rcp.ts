/**
 * Resource control policies (RCPs): a data perimeter around the organization's resources.
 *
 * RCP rules (AWS Organizations): statements must Deny (only the AWS-managed `RCPFullAWSAccess`
 * allows), `Principal` must be `"*"` (narrow with conditions), `NotAction`/`NotPrincipal` are not
 * supported, and only actions of the services RCPs cover may appear. Size limit 5,120 characters;
 * RCPs never restrict the management account's resources, nor service-linked roles.
 */
import {
  assertAccountId,
  assertUniqueSids,
  distinct,
  oneOrMany,
  type PolicyDocument,
  policy,
} from "../core/policy-document";
import { assertAttachmentBudget, assertOrgPolicySize, type OrgPolicyAttachment } from "./scp";

/** The services whose resources this platform's RCPs protect (all supported by RCPs). */
export const RCP_SERVICES = ["s3", "sqs", "kms", "secretsmanager", "sts"] as const;
export type RcpService = (typeof RCP_SERVICES)[number];

/** `s3:*`, `sqs:*`, …: every action of the protected services. */
export const RCP_ALL_ACTIONS: readonly string[] = RCP_SERVICES.map((s) => `${s}:*`);

/**
 * The organization-identity rule's actions. STS is listed by action so that
 * `sts:AssumeRoleWithWebIdentity` (CI through GitHub's OIDC provider) and `sts:AssumeRoleWithSAML`
 * (people through Identity Center) stay possible: their callers are federated identities, which carry
 * no `aws:PrincipalOrgID`. `sts:TagSession` and `sts:SetSourceIdentity` accompany those calls, so they
 * are left out too.
 */
export const ORG_IDENTITY_ACTIONS: readonly string[] = [
  "s3:*",
  "sqs:*",
  "kms:*",
  "secretsmanager:*",
  "sts:AssumeRole",
  "sts:DecodeAuthorizationMessage",
  "sts:GetAccessKeyInfo",
  "sts:GetFederationToken",
  "sts:GetServiceBearerToken",
  "sts:GetSessionToken",
  "sts:SetContext",
];

const ORG_ID = /^o-[a-z0-9]{10,32}$/;

export interface DataPerimeterArgs {
  /** The organization id, `o-…`. */
  readonly orgId: string;
  /**
   * Accounts outside the organization whose principals may still reach the protected resources
   * (a vendor reading one bucket, say). Omit for none; their access still needs a resource policy.
   */
  readonly trustedAccountIds?: readonly string[];
}

/**
 * One RCP with three rules over S3, SQS, KMS, Secrets Manager and STS:
 *  - `EnforceSecureTransport`: no request over plain HTTP;
 *  - `EnforceOrgIdentities`: no principal from outside the organization (AWS services exempt);
 *  - `EnforceConfusedDeputyProtection`: an AWS service acting on behalf of an account outside the
 *    organization (its request carries `aws:SourceAccount`/`aws:SourceOrgID`) is refused.
 */
export function dataPerimeterRcp(args: DataPerimeterArgs): PolicyDocument {
  if (!ORG_ID.test(args.orgId)) {
    throw new Error(`dataPerimeterRcp: "${args.orgId}" is not an organization id (o-…)`);
  }
  const trusted = distinct(args.trustedAccountIds ?? []);
  for (const id of trusted) assertAccountId(id, "dataPerimeterRcp.trustedAccountIds");

  const outsideOrg: Record<string, string | string[]> = { "aws:PrincipalOrgID": args.orgId };
  if (trusted.length > 0) outsideOrg["aws:PrincipalAccount"] = oneOrMany(trusted);
  const sourceOutsideOrg: Record<string, string | string[]> = { "aws:SourceOrgID": args.orgId };
  if (trusted.length > 0) sourceOutsideOrg["aws:SourceAccount"] = oneOrMany(trusted);

  return assertUniqueSids(
    policy(
      {
        Sid: "EnforceSecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: [...RCP_ALL_ACTIONS],
        Resource: "*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "EnforceOrgIdentities",
        Effect: "Deny",
        Principal: "*",
        Action: [...ORG_IDENTITY_ACTIONS],
        Resource: "*",
        Condition: {
          StringNotEqualsIfExists: outsideOrg,
          BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
        },
      },
      {
        Sid: "EnforceConfusedDeputyProtection",
        Effect: "Deny",
        Principal: "*",
        Action: [...RCP_ALL_ACTIONS],
        Resource: "*",
        Condition: {
          StringNotEqualsIfExists: sourceOutsideOrg,
          Null: { "aws:SourceAccount": "false" },
          Bool: { "aws:PrincipalIsAWSService": "true" },
        },
      },
    ),
    "dataPerimeterRcp",
  );
}

export const RCP_NAMES = { dataPerimeter: "platform-data-perimeter" } as const;

export interface ResourceControlPolicyArgs extends DataPerimeterArgs {
  /** Targets (OU keys) to attach to, e.g. `["workloads"]`; children inherit. */
  readonly targets: readonly string[];
}

/** The organization's RCPs and where each attaches; checks the size and per-target limits. */
export function resourceControlPolicies(args: ResourceControlPolicyArgs): OrgPolicyAttachment[] {
  const targets = distinct(args.targets);
  if (targets.length === 0) throw new Error("resourceControlPolicies.targets must name at least one target");
  const set: OrgPolicyAttachment[] = [
    {
      name: RCP_NAMES.dataPerimeter,
      description: "S3, SQS, KMS, Secrets Manager and STS: TLS only, organization principals only.",
      document: dataPerimeterRcp(args),
      targets,
    },
  ];
  for (const p of set) assertOrgPolicySize(p.document, p.name);
  assertAttachmentBudget(set, "RCP");
  return set;
}
