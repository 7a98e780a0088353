import { describe, expect, it } from "vitest";
import { PROJECT } from "../../src/core/config-loader";
import { boundedName } from "../../src/core/naming";
import { type PolicyDocument, toJson } from "../../src/core/policy-document";
import { ciRoleName } from "../../src/governance/ci-trust";
import {
  baselineGuardrails,
  identityCenterRoleArnPattern,
  identityGuardrail,
  PLATFORM_ROLE_PREFIX,
  prodGuardrails,
  regionGuardrail,
  SCP_NAMES,
  serviceControlPolicies,
} from "../../src/governance/scp";
import { secretsKeyAlias } from "../../src/governance/secrets-key-policy";
import { denies, denyingSids, type Request } from "../support/policy-evaluator";
import {
  ADMIN_PATTERN,
  DEPLOY_PATTERNS,
  DEPLOY_ROLE_NAME,
  DEV,
  OTHER_KEY_ARN,
  PROD,
  PROD_DEPLOY_ROLE,
  PROD_KEY_ARN,
  REGION,
  role,
  SCP_ARGS,
  ssoRole,
} from "./policy-fixtures";

const developer = { arn: ssoRole(DEV, "Developer", REGION) };
const admin = { arn: ssoRole(DEV, "PlatformAdmin", REGION) };
const deployer = { arn: role(DEV, DEPLOY_ROLE_NAME) };
const orgAccess = { arn: role(DEV, "OrganizationAccountAccessRole") };

describe("identityCenterRoleArnPattern", () => {
  const prodGuard = prodGuardrails({
    secretsKey: { keyArn: PROD_KEY_ARN },
    decryptPrincipalArns: [ADMIN_PATTERN],
  });
  const decryptAs = (arn: string): Request => ({
    action: "kms:Decrypt",
    resource: PROD_KEY_ARN,
    principal: { arn },
  });

  it("matches the permission set's roles whether or not the path carries a region", () => {
    expect(denies(prodGuard, decryptAs(ssoRole(PROD, "PlatformAdmin", REGION)))).toBe(false);
    expect(denies(prodGuard, decryptAs(ssoRole(PROD, "PlatformAdmin")))).toBe(false);
  });

  it("does not match other permission sets whose names share a prefix", () => {
    expect(denies(prodGuard, decryptAs(ssoRole(PROD, "PlatformAdminReadOnly", REGION)))).toBe(true);
    expect(denies(prodGuard, decryptAs(ssoRole(PROD, "Developer", REGION)))).toBe(true);
  });

  it("rejects names that are not permission set names", () => {
    expect(() => identityCenterRoleArnPattern("Admin*")).toThrow();
  });
});

describe("baselineGuardrails", () => {
  const doc = baselineGuardrails({
    deployPrincipalArns: DEPLOY_PATTERNS,
    adminPrincipalArns: [ADMIN_PATTERN],
    maxImdsHopLimit: 2,
  });

  it("denies leaving the organization to everyone, deployers included", () => {
    expect(denies(doc, { action: "organizations:LeaveOrganization", principal: orgAccess })).toBe(true);
  });

  it("denies any action by a member account's root user, and only by it", () => {
    const root = { arn: `arn:aws:iam::${DEV}:root` };
    expect(denyingSids(doc, { action: "s3:ListAllMyBuckets", principal: root })).toEqual(["DenyRootUser"]);
    expect(denies(doc, { action: "s3:ListAllMyBuckets", principal: admin })).toBe(false);
  });

  it.each([
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "guardduty:DeleteDetector",
    "guardduty:DisassociateFromAdministratorAccount",
    "config:StopConfigurationRecorder",
    "config:DeleteDeliveryChannel",
    "securityhub:DisableSecurityHub",
    "access-analyzer:DeleteAnalyzer",
  ])("denies %s to everyone but the deploy principals", (action) => {
    expect(denies(doc, { action, principal: developer })).toBe(true);
    expect(denies(doc, { action, principal: admin })).toBe(true);
    expect(denies(doc, { action, principal: deployer })).toBe(false);
    expect(denies(doc, { action, principal: orgAccess })).toBe(false);
  });

  it("leaves reading the security services alone", () => {
    expect(denies(doc, { action: "guardduty:GetFindings", principal: developer })).toBe(false);
    expect(denies(doc, { action: "cloudtrail:LookupEvents", principal: developer })).toBe(false);
  });

  const runInstance = (keys: Request["context"]): Request => ({
    action: "ec2:RunInstances",
    resource: `arn:aws:ec2:${REGION}:${DEV}:instance/*`,
    principal: deployer,
    context: keys,
  });

  it("denies launching an instance unless IMDSv2 tokens are required", () => {
    expect(
      denies(
        doc,
        runInstance({ "ec2:MetadataHttpTokens": "optional", "ec2:MetadataHttpPutResponseHopLimit": 1 }),
      ),
    ).toBe(true);
    expect(denies(doc, runInstance({ "ec2:MetadataHttpPutResponseHopLimit": 1 }))).toBe(true);
    expect(
      denies(
        doc,
        runInstance({ "ec2:MetadataHttpTokens": "required", "ec2:MetadataHttpPutResponseHopLimit": 1 }),
      ),
    ).toBe(false);
  });

  it("does not apply the IMDS keys to the other resources RunInstances touches", () => {
    const subnet = { ...runInstance({}), resource: `arn:aws:ec2:${REGION}:${DEV}:subnet/subnet-0123` };
    expect(denies(doc, subnet)).toBe(false);
  });

  it("caps the hop limit when asked to, and only then", () => {
    expect(
      denies(
        doc,
        runInstance({ "ec2:MetadataHttpTokens": "required", "ec2:MetadataHttpPutResponseHopLimit": 3 }),
      ),
    ).toBe(true);
    expect(
      denies(
        doc,
        runInstance({ "ec2:MetadataHttpTokens": "required", "ec2:MetadataHttpPutResponseHopLimit": 2 }),
      ),
    ).toBe(false);
    const uncapped = baselineGuardrails({
      deployPrincipalArns: DEPLOY_PATTERNS,
      adminPrincipalArns: [ADMIN_PATTERN],
    });
    expect(
      denies(
        uncapped,
        runInstance({ "ec2:MetadataHttpTokens": "required", "ec2:MetadataHttpPutResponseHopLimit": 8 }),
      ),
    ).toBe(false);
  });

  it("lets only admins change instance metadata options", () => {
    const modify = (principal: Request["principal"]): Request => ({
      action: "ec2:ModifyInstanceMetadataOptions",
      resource: `arn:aws:ec2:${REGION}:${DEV}:instance/i-0123`,
      principal,
    });
    expect(denies(doc, modify(developer))).toBe(true);
    expect(denies(doc, modify(deployer))).toBe(true);
    expect(denies(doc, modify(admin))).toBe(false);
  });

  it("refuses credentials an instance fetched over IMDSv1", () => {
    expect(
      denies(doc, { action: "s3:GetObject", principal: deployer, context: { "ec2:RoleDelivery": "1.0" } }),
    ).toBe(true);
    expect(
      denies(doc, { action: "s3:GetObject", principal: deployer, context: { "ec2:RoleDelivery": "2.0" } }),
    ).toBe(false);
    expect(denies(doc, { action: "s3:GetObject", principal: deployer })).toBe(false);
  });

  it("rejects exception lists that would exempt everyone, and bad hop limits", () => {
    expect(() =>
      baselineGuardrails({ deployPrincipalArns: [], adminPrincipalArns: [ADMIN_PATTERN] }),
    ).toThrow();
    expect(() =>
      baselineGuardrails({
        deployPrincipalArns: ["arn:aws:iam::*:role/*"],
        adminPrincipalArns: [ADMIN_PATTERN],
      }),
    ).toThrow(/every role/);
    expect(() =>
      baselineGuardrails({
        deployPrincipalArns: DEPLOY_PATTERNS,
        adminPrincipalArns: [ADMIN_PATTERN],
        maxImdsHopLimit: 0,
      }),
    ).toThrow();
  });
});

describe("regionGuardrail", () => {
  const doc = regionGuardrail({ allowedRegions: ["eu-west-2", "eu-west-1"] });
  const inRegion = (action: string, region: string): Request => ({
    action,
    principal: admin,
    context: { "aws:RequestedRegion": region },
  });

  it("denies regional actions requested outside the allow-list", () => {
    const [s] = doc.Statement;
    expect(s?.Condition?.StringNotEquals?.["aws:RequestedRegion"]).toEqual(["eu-west-2", "eu-west-1"]);
    expect(denies(doc, inRegion("ec2:RunInstances", "us-east-1"))).toBe(true);
    expect(denies(doc, inRegion("s3:PutObject", "ap-southeast-1"))).toBe(true);
    expect(denies(doc, inRegion("eks:CreateCluster", "eu-central-1"))).toBe(true);
  });

  it("allows them inside it", () => {
    expect(denies(doc, inRegion("ec2:RunInstances", "eu-west-2"))).toBe(false);
    expect(denies(doc, inRegion("eks:CreateCluster", "eu-west-1"))).toBe(false);
  });

  it("lets CloudWatch Logs into us-east-1 as well, where the edge delivers CloudFront's and its WAF's logs, and nowhere else", () => {
    for (const action of [
      "logs:CreateLogGroup",
      "logs:PutResourcePolicy",
      "logs:PutDeliverySource",
      "logs:CreateDelivery",
    ]) {
      expect(denies(doc, inRegion(action, "us-east-1")), action).toBe(false);
      expect(denies(doc, inRegion(action, "eu-west-2")), action).toBe(false);
      expect(denies(doc, inRegion(action, "ap-southeast-1")), action).toBe(true);
    }
  });

  it.each([
    "iam:CreateRole",
    "iam:PassRole",
    "organizations:DescribeOrganization",
    "sts:AssumeRole",
    "sts:GetCallerIdentity",
    "cloudfront:CreateDistribution",
    "route53:ChangeResourceRecordSets",
    "support:CreateCase",
    "budgets:ViewBudget",
    "wafv2:CreateWebACL",
    "health:DescribeEvents",
    "trustedadvisor:DescribeChecks",
    "acm:RequestCertificate",
    "s3:ListAllMyBuckets",
  ])("does not cover the global action %s", (action) => {
    expect(denies(doc, inRegion(action, "us-east-1"))).toBe(false);
  });

  it("exempts only the listed principals when given some", () => {
    const exempt = regionGuardrail({ allowedRegions: ["eu-west-2"], exemptPrincipalArns: DEPLOY_PATTERNS });
    const req = (principal: Request["principal"]): Request => ({
      action: "ec2:DescribeInstances",
      principal,
      context: { "aws:RequestedRegion": "us-east-1" },
    });
    expect(denies(exempt, req(deployer))).toBe(false);
    expect(denies(exempt, req(admin))).toBe(true);
  });

  it("rejects an empty or malformed allow-list", () => {
    expect(() => regionGuardrail({ allowedRegions: [] })).toThrow();
    expect(() => regionGuardrail({ allowedRegions: ["eu-west-2a"] })).toThrow(/not an AWS region/);
    expect(() => regionGuardrail({ allowedRegions: ["*"] })).toThrow();
  });
});

describe("identityGuardrail", () => {
  const doc = identityGuardrail({ deployPrincipalArns: DEPLOY_PATTERNS });

  it.each(["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"])(
    "denies %s to everyone",
    (action) => {
      expect(denies(doc, { action, principal: admin })).toBe(true);
      expect(denies(doc, { action, principal: deployer })).toBe(true);
    },
  );

  const platformRoles = [
    role(DEV, boundedName({ project: PROJECT, stack: "dev" }, 64, "eks", "node")),
    role(PROD, ciRoleName("deploy", "prod")),
    role(PROD, ciRoleName("preview", "prod")),
    role(PROD, "OrganizationAccountAccessRole"),
    role(PROD, DEPLOY_ROLE_NAME),
  ];

  it("uses the prefix the platform's role names actually start with", () => {
    expect(boundedName({ project: PROJECT, stack: "prod" }, 64, "x").startsWith(PLATFORM_ROLE_PREFIX)).toBe(
      true,
    );
  });

  it.each(platformRoles)("denies changing %s to anyone but the deploy principals", (resource) => {
    for (const action of [
      "iam:UpdateAssumeRolePolicy",
      "iam:AttachRolePolicy",
      "iam:PutRolePolicy",
      "iam:DeleteRole",
    ]) {
      expect(denies(doc, { action, resource, principal: admin })).toBe(true);
      expect(denies(doc, { action, resource, principal: developer })).toBe(true);
      expect(denies(doc, { action, resource, principal: deployer })).toBe(false);
    }
  });

  it("leaves other roles, and passing platform roles, alone", () => {
    const appRole = role(DEV, "payments-api");
    expect(denies(doc, { action: "iam:PutRolePolicy", resource: appRole, principal: developer })).toBe(false);
    expect(denies(doc, { action: "iam:PassRole", resource: platformRoles[0], principal: developer })).toBe(
      false,
    );
  });

  it("rejects protecting every role", () => {
    expect(() =>
      identityGuardrail({ deployPrincipalArns: DEPLOY_PATTERNS, protectedRoleNames: ["*"] }),
    ).toThrow();
  });
});

describe("prodGuardrails", () => {
  const doc = prodGuardrails({
    secretsKey: { keyArn: PROD_KEY_ARN },
    decryptPrincipalArns: [ADMIN_PATTERN, PROD_DEPLOY_ROLE],
  });
  const prodAdmin = { arn: ssoRole(PROD, "PlatformAdmin", REGION) };
  const prodDeveloper = { arn: ssoRole(PROD, "Developer", REGION) };
  const prodApp = { arn: role(PROD, "platform-prod-payments-api") };

  it.each([
    "kms:ScheduleKeyDeletion",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:DeleteImportedKeyMaterial",
  ])("denies %s to everyone, admins included", (action) => {
    for (const principal of [prodAdmin, { arn: PROD_DEPLOY_ROLE }, prodDeveloper]) {
      expect(denies(doc, { action, resource: OTHER_KEY_ARN, principal })).toBe(true);
    }
  });

  it("lets only admins and the prod deploy role decrypt with the prod secrets key", () => {
    for (const action of ["kms:Decrypt", "kms:ReEncryptFrom"]) {
      expect(denies(doc, { action, resource: PROD_KEY_ARN, principal: prodAdmin })).toBe(false);
      expect(denies(doc, { action, resource: PROD_KEY_ARN, principal: { arn: PROD_DEPLOY_ROLE } })).toBe(
        false,
      );
      expect(denies(doc, { action, resource: PROD_KEY_ARN, principal: prodDeveloper })).toBe(true);
      expect(denies(doc, { action, resource: PROD_KEY_ARN, principal: prodApp })).toBe(true);
    }
  });

  it("does not restrict decrypting with other keys", () => {
    expect(denies(doc, { action: "kms:Decrypt", resource: OTHER_KEY_ARN, principal: prodApp })).toBe(false);
  });

  it("selects the key by alias when given a pattern", () => {
    const byAlias = prodGuardrails({
      secretsKey: { aliasPattern: `${secretsKeyAlias("prod")}*` },
      decryptPrincipalArns: [ADMIN_PATTERN, PROD_DEPLOY_ROLE],
    });
    const decrypt = (aliases: string[], principal: Request["principal"]): Request => ({
      action: "kms:Decrypt",
      resource: PROD_KEY_ARN,
      principal,
      context: { "kms:ResourceAliases": aliases },
    });
    expect(denies(byAlias, decrypt(["alias/platform-prod-secrets"], prodDeveloper))).toBe(true);
    expect(denies(byAlias, decrypt(["alias/platform-prod-secrets"], prodAdmin))).toBe(false);
    expect(denies(byAlias, decrypt(["alias/platform-prod-logs"], prodDeveloper))).toBe(false);
  });

  it("lets other principals decrypt through the listed services only", () => {
    const viaSm = prodGuardrails({
      secretsKey: { keyArn: PROD_KEY_ARN },
      decryptPrincipalArns: [ADMIN_PATTERN, PROD_DEPLOY_ROLE],
      decryptViaServices: [`secretsmanager.${REGION}.amazonaws.com`],
    });
    const decrypt = (context: Request["context"]): Request => ({
      action: "kms:Decrypt",
      resource: PROD_KEY_ARN,
      principal: prodApp,
      context,
    });
    expect(denies(viaSm, decrypt({ "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` }))).toBe(
      false,
    );
    expect(denies(viaSm, decrypt({ "kms:ViaService": `s3.${REGION}.amazonaws.com` }))).toBe(true);
    expect(denies(viaSm, decrypt({}))).toBe(true);
  });

  it("rejects a key that is not a key ARN, and an alias pattern that matches every alias", () => {
    const base = { decryptPrincipalArns: [ADMIN_PATTERN] };
    expect(() =>
      prodGuardrails({ ...base, secretsKey: { keyArn: "arn:aws:kms:eu-west-2:111111111111:alias/x" } }),
    ).toThrow();
    expect(() => prodGuardrails({ ...base, secretsKey: { aliasPattern: "alias/*" } })).toThrow();
  });
});

describe("serviceControlPolicies", () => {
  const set = serviceControlPolicies(SCP_ARGS);
  const byName = new Map(set.map((p) => [p.name, p]));

  it("attaches the baseline, region and identity guardrails to the guarded OUs and the prod rules to prod", () => {
    expect(set.map((p) => p.name).sort()).toEqual(Object.values(SCP_NAMES).sort());
    for (const name of [SCP_NAMES.baseline, SCP_NAMES.region, SCP_NAMES.identity]) {
      expect(byName.get(name)?.targets).toEqual(["workloads"]);
    }
    expect(byName.get(SCP_NAMES.prod)?.targets).toEqual(["prod"]);
  });

  it("builds each document from the set's parameters", () => {
    const text = (name: string): string => toJson(byName.get(name)?.document as PolicyDocument);
    expect(text(SCP_NAMES.region)).toContain('"aws:RequestedRegion":["eu-west-2","eu-west-1"]');
    expect(text(SCP_NAMES.prod)).toContain(PROD_KEY_ARN);
    expect(text(SCP_NAMES.identity)).toContain(DEPLOY_PATTERNS[0]);
    expect(text(SCP_NAMES.baseline)).toContain('"ec2:MetadataHttpPutResponseHopLimit":"2"');
  });

  it("needs at least one OU of each kind", () => {
    expect(() => serviceControlPolicies({ ...SCP_ARGS, targets: { guarded: [], prod: ["prod"] } })).toThrow();
    expect(() =>
      serviceControlPolicies({ ...SCP_ARGS, targets: { guarded: ["workloads"], prod: [] } }),
    ).toThrow();
  });
});
