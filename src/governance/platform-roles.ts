import { type PolicyDocument, type PolicyStatement, policy } from "../core/policy-document";

/**
 * The roles the management stack creates in every account, and their permission documents.
 *
 * Trust chain for CI (one GitHub OIDC provider, in the management account):
 *   GitHub Actions job ─(OIDC, `sub` narrowed by branch or environment)→
 *   `platform-ci-<kind>-<stack>` in the management account ─(sts:AssumeRole)→
 *   `platform-deploy` (or `platform-preview`) in the stack's account, which trusts that one CI role
 *   and the platform engineers' Identity Center admin role in the management account (previews
 *   and applies from a laptop). The stack's AWS provider performs the second hop
 *   (`platform:deployRoleArn`).
 */

export { DEPLOY_ROLE_NAME, PREVIEW_ROLE_NAME } from "../core/stack-roles";
/** Role in the management account through which an environment stack attaches to the hub's route tables. */
export const NETWORK_HUB_ROLE_NAME = "platform-network-hub";
/**
 * Read-only counterpart of `platform-network-hub`, for the environments' previews: an environment's
 * program reaches the hub through a provider in the management account, and a preview (whose
 * `platform-preview` may not assume the writing role) configures that provider through this one.
 */
export const NETWORK_HUB_READER_ROLE_NAME = "platform-network-hub-reader";
/** Prefix of the read-only counterparts of the ArgoCD registrars, one per environment. */
export const ARGOCD_READER_ROLE_PREFIX = "platform-argocd-reader-";

/** `<prefix><env>`: a per-environment role of the management account; refuses what is not an environment name. */
export function environmentRoleName(prefix: string, environment: string): string {
  if (!/^[a-z][a-z0-9]{1,15}$/.test(environment)) {
    throw new Error(`${prefix}<env>: "${environment}" is not an environment name`);
  }
  return `${prefix}${environment}`;
}

/** `platform-argocd-reader-<env>`: through it an environment's preview reads its own cluster secret in the hub. */
export function argocdReaderRoleName(environment: string): string {
  return environmentRoleName(ARGOCD_READER_ROLE_PREFIX, environment);
}

/** The role AWS Organizations creates in each member account. */
export const ORGANIZATION_ACCESS_ROLE_NAME = "OrganizationAccountAccessRole";

export { iamRoleArn as roleArn } from "../core/policy-document";

/**
 * Platform engineers who may run `pulumi preview` / `pulumi up` themselves: principals of the
 * management account matching an ArnLike pattern (the Identity Center admin permission set's roles).
 */
export interface Operators {
  readonly accountId: string;
  readonly principalArnPattern: string;
}

/**
 * Trust of an account's deploy or preview role: the named roles (its CI role in the management
 * account) and, when given, the platform engineers' admin role in the management account.
 */
export function assumedOnlyBy(principalArns: readonly string[], operators?: Operators): PolicyDocument {
  if (principalArns.length === 0) throw new Error("assumedOnlyBy: at least one principal");
  for (const arn of principalArns) {
    if (!/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn) || arn.includes("*")) {
      throw new Error(`assumedOnlyBy: "${arn}" is not a specific IAM role ARN`);
    }
  }
  const named: PolicyStatement = {
    Sid: "AssumeFromNamedRoles",
    Effect: "Allow",
    Principal: { AWS: principalArns.length === 1 ? principalArns[0]! : [...principalArns] },
    Action: ["sts:AssumeRole", "sts:TagSession"],
  };
  if (!operators) return policy(named);
  if (!operators.principalArnPattern.startsWith(`arn:aws:iam::${operators.accountId}:role/`)) {
    throw new Error(`assumedOnlyBy: operators must be roles of account ${operators.accountId}`);
  }
  return policy(named, {
    Sid: "AssumeFromPlatformEngineers",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${operators.accountId}:root` },
    Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
    Condition: { ArnLike: { "aws:PrincipalArn": operators.principalArnPattern } },
  });
}

/** Reading the Transit Gateway, its attachments and route tables (describe calls take no resource). */
const READ_TRANSIT_GATEWAY: PolicyStatement = {
  Sid: "ReadTransitGateway",
  Effect: "Allow",
  Action: [
    "ec2:DescribeTransitGateways",
    "ec2:DescribeTransitGatewayAttachments",
    "ec2:DescribeTransitGatewayVpcAttachments",
    "ec2:DescribeTransitGatewayRouteTables",
    "ec2:GetTransitGatewayRouteTableAssociations",
    "ec2:GetTransitGatewayRouteTablePropagations",
  ],
  Resource: "*",
};

/**
 * The network-hub role's permissions: an environment may associate its attachment with the
 * `spokes` route table and propagate it into the `hub` route table, and nothing else. It cannot
 * associate with `hub`, propagate into `spokes`, or add static routes, so no environment can make
 * itself reachable from another.
 */
export function networkHubPermissions(args: {
  readonly region: string;
  readonly accountId: string;
  readonly spokesRouteTableId: string;
  readonly hubRouteTableId: string;
}): PolicyDocument {
  const rt = (id: string) => `arn:aws:ec2:${args.region}:${args.accountId}:transit-gateway-route-table/${id}`;
  const attachments = `arn:aws:ec2:${args.region}:*:transit-gateway-attachment/*`;
  return policy(
    {
      Sid: "AssociateWithSpokesTable",
      Effect: "Allow",
      Action: ["ec2:AssociateTransitGatewayRouteTable", "ec2:DisassociateTransitGatewayRouteTable"],
      Resource: [rt(args.spokesRouteTableId), attachments],
    },
    {
      Sid: "PropagateIntoHubTable",
      Effect: "Allow",
      Action: [
        "ec2:EnableTransitGatewayRouteTablePropagation",
        "ec2:DisableTransitGatewayRouteTablePropagation",
      ],
      Resource: [rt(args.hubRouteTableId), attachments],
    },
    READ_TRANSIT_GATEWAY,
  );
}

/** The reader's permissions: what refreshing an environment's hub-side resources reads, nothing else. */
export function networkHubReaderPermissions(): PolicyDocument {
  return policy(READ_TRANSIT_GATEWAY);
}

/**
 * What a `platform-preview` role may assume besides its ReadOnlyAccess (which grants no
 * `sts:AssumeRole`): exactly the read-only roles its stack's program reaches in other accounts.
 */
export function previewHopsPermissions(roleArns: readonly string[]): PolicyDocument {
  if (roleArns.length === 0) throw new Error("previewHopsPermissions: at least one role");
  for (const arn of roleArns) {
    if (!/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn) || arn.includes("*")) {
      throw new Error(`previewHopsPermissions: "${arn}" is not a specific IAM role ARN`);
    }
  }
  return policy({
    Sid: "AssumeReadOnlyCounterparts",
    Effect: "Allow",
    Action: ["sts:AssumeRole", "sts:TagSession"],
    Resource: roleArns.length === 1 ? roleArns[0]! : [...roleArns],
  });
}
