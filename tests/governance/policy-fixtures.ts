/** Accounts, principals and parameters shared by the policy tests. */
import { CI_ROLE_PREFIX } from "../../src/governance/ci-trust";
import {
  identityCenterRoleArnPattern,
  ORGANIZATION_ACCESS_ROLE,
  roleArnPattern,
} from "../../src/governance/scp";

export const MANAGEMENT = "111111111111";
export const DEV = "222222222222";
export const PREPROD = "333333333333";
export const PROD = "444444444444";
export const OUTSIDER = "999999999999";
export const ORG_ID = "o-a1b2c3d4e5";
export const REGION = "eu-west-2";

export const ADMIN_PATTERN = identityCenterRoleArnPattern("PlatformAdmin");
export const DEVELOPER_PATTERN = identityCenterRoleArnPattern("Developer");
/** The role Pulumi assumes in each account, the CI deploy roles, and the organization access role. */
export const DEPLOY_ROLE_NAME = "platform-deploy";
export const DEPLOY_PATTERNS = [
  roleArnPattern(DEPLOY_ROLE_NAME),
  roleArnPattern(`${CI_ROLE_PREFIX}deploy-*`),
  roleArnPattern(ORGANIZATION_ACCESS_ROLE),
];

export function role(account: string, name: string): string {
  return `arn:aws:iam::${account}:role/${name}`;
}

/** An Identity Center role as IAM names it; `region` is in the path unless Identity Center is in us-east-1. */
export function ssoRole(account: string, permissionSet: string, region?: string): string {
  const path = region ? `aws-reserved/sso.amazonaws.com/${region}/` : "aws-reserved/sso.amazonaws.com/";
  return `arn:aws:iam::${account}:role/${path}AWSReservedSSO_${permissionSet}_0a1b2c3d4e5f6a7b`;
}

export const PROD_KEY_ARN = `arn:aws:kms:${REGION}:${MANAGEMENT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const OTHER_KEY_ARN = `arn:aws:kms:${REGION}:${PROD}:key/0000abcd-12ab-34cd-56ef-1234567890ab`;
export const PROD_DEPLOY_ROLE = role(PROD, DEPLOY_ROLE_NAME);

export const SCP_ARGS = {
  targets: { guarded: ["workloads"], prod: ["prod"] },
  allowedRegions: ["eu-west-2", "eu-west-1"],
  deployPrincipalArns: DEPLOY_PATTERNS,
  adminPrincipalArns: [ADMIN_PATTERN],
  maxImdsHopLimit: 2,
  prod: { secretsKey: { keyArn: PROD_KEY_ARN }, decryptPrincipalArns: [ADMIN_PATTERN, PROD_DEPLOY_ROLE] },
} as const;
