import { describe, expect, it } from "vitest";
import { type PolicyDocument, toJson } from "../../src/core/policy-document";
import { ciRoleName } from "../../src/governance/ci-trust";
import { type SecretsKeyPolicyArgs, secretsKeyPolicy } from "../../src/governance/secrets-key-policy";
import { allows, type Principal, type Request } from "../support/policy-evaluator";
import {
  ADMIN_PATTERN,
  DEPLOY_ROLE_NAME,
  DEV,
  DEVELOPER_PATTERN,
  MANAGEMENT,
  PREPROD,
  PROD,
  REGION,
  role,
  ssoRole,
} from "./policy-fixtures";

const KEY = `arn:aws:kms:${REGION}:${MANAGEMENT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

function args(
  stack: "dev" | "prod",
  account: string,
  extra: Partial<SecretsKeyPolicyArgs> = {},
): SecretsKeyPolicyArgs {
  return {
    stack,
    keyAccountId: MANAGEMENT,
    environmentAccountId: account,
    region: REGION,
    adminPrincipalArns: [ADMIN_PATTERN],
    deployRoleArns: [role(account, DEPLOY_ROLE_NAME), role(MANAGEMENT, ciRoleName("deploy", stack))],
    developerPrincipalArns: [DEVELOPER_PATTERN],
    ...extra,
  };
}

const can = (doc: PolicyDocument, principal: Principal, action: string, context: Request["context"] = {}) =>
  allows(doc, { action, resource: KEY, principal, context });

const USE = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"];

describe("secretsKeyPolicy (prod)", () => {
  const doc = secretsKeyPolicy(args("prod", PROD));
  const prodDeploy = { arn: role(PROD, DEPLOY_ROLE_NAME) };
  const prodCi = { arn: role(MANAGEMENT, ciRoleName("deploy", "prod")) };
  const prodDeveloper = { arn: ssoRole(PROD, "Developer", REGION) };
  const prodAdmin = { arn: ssoRole(PROD, "PlatformAdmin", REGION) };
  const mgmtAdmin = { arn: ssoRole(MANAGEMENT, "PlatformAdmin", REGION) };

  it("lets admins (either account) and the prod deploy roles (prod account, CI in management) use the key", () => {
    for (const p of [prodDeploy, prodCi, prodAdmin, mgmtAdmin])
      for (const a of USE) expect(can(doc, p, a)).toBe(true);
  });

  it("lets no one else decrypt: not developers, other roles in prod, other environments or the key account", () => {
    const others = [
      prodDeveloper,
      { arn: role(PROD, "platform-prod-payments-api") },
      { arn: role(PREPROD, DEPLOY_ROLE_NAME) },
      { arn: role(MANAGEMENT, ciRoleName("deploy", "preprod")) },
      { arn: role(MANAGEMENT, ciRoleName("preview", "prod")) },
      { arn: role(DEV, DEPLOY_ROLE_NAME) }, // the right name in the wrong account
      { arn: role(MANAGEMENT, "platform-management-deployer") },
      { arn: `arn:aws:iam::${MANAGEMENT}:root` },
    ];
    for (const p of others) {
      expect(can(doc, p, "kms:Decrypt")).toBe(false);
      expect(can(doc, p, "kms:ReEncryptFrom")).toBe(false);
    }
  });

  it("lets only admins (and the deploy roles) add prod secrets: a developer can neither encrypt nor read", () => {
    expect(can(doc, prodDeveloper, "kms:Encrypt")).toBe(false);
    expect(can(doc, prodDeveloper, "kms:GenerateDataKey")).toBe(false);
    expect(can(doc, { arn: ssoRole(PROD, "PlatformAdmin", REGION) }, "kms:Encrypt")).toBe(true);
    expect(can(doc, { arn: ssoRole(MANAGEMENT, "PlatformAdmin", REGION) }, "kms:Encrypt")).toBe(true);
  });

  it("lets the key account administer but not use the key, and never create grants", () => {
    const mgmtRole = { arn: role(MANAGEMENT, "platform-management-deployer") };
    expect(can(doc, mgmtRole, "kms:PutKeyPolicy")).toBe(true);
    expect(can(doc, mgmtRole, "kms:ScheduleKeyDeletion")).toBe(true);
    expect(can(doc, mgmtRole, "kms:Encrypt")).toBe(false);
    expect(can(doc, mgmtRole, "kms:CreateGrant")).toBe(false);
    expect(can(doc, mgmtAdmin, "kms:CreateGrant")).toBe(false);
    expect(can(doc, prodAdmin, "kms:PutKeyPolicy")).toBe(false); // administration stays in the key account
  });

  it("requires the principals allowed to use the key through services", () => {
    expect(() => secretsKeyPolicy(args("prod", PROD, { viaServices: ["secretsmanager"] }))).toThrow(
      /viaServicePrincipalArns/,
    );
    const esoRole = role(PROD, "platform-prod-external-secrets");
    const withSm = secretsKeyPolicy(
      args("prod", PROD, { viaServices: ["secretsmanager"], viaServicePrincipalArns: [esoRole] }),
    );
    const via = { "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com`, "kms:CallerAccount": PROD };
    expect(can(withSm, { arn: esoRole }, "kms:Decrypt", via)).toBe(true);
    expect(can(withSm, { arn: esoRole }, "kms:Decrypt")).toBe(false);
    expect(can(withSm, { arn: role(PROD, "platform-prod-payments-api") }, "kms:Decrypt", via)).toBe(false);
  });
});

describe("secretsKeyPolicy (dev)", () => {
  const devDeveloper = { arn: ssoRole(DEV, "Developer", REGION) };

  it("lets developers use a non-prod key", () => {
    const doc = secretsKeyPolicy(args("dev", DEV));
    for (const a of USE) expect(can(doc, devDeveloper, a)).toBe(true);
    expect(can(doc, { arn: ssoRole(PROD, "Developer", REGION) }, "kms:Decrypt")).toBe(false);
  });

  it("lets any environment principal use the key through EKS and Secrets Manager, and grant for AWS resources", () => {
    const doc = secretsKeyPolicy(args("dev", DEV, { viaServices: ["eks", "secretsmanager"] }));
    const cluster = { arn: role(DEV, "platform-dev-eks-cluster") };
    const viaEks = { "kms:ViaService": `eks.${REGION}.amazonaws.com`, "kms:CallerAccount": DEV };
    expect(can(doc, cluster, "kms:Decrypt", viaEks)).toBe(true);
    expect(
      can(doc, cluster, "kms:Decrypt", { ...viaEks, "kms:ViaService": `s3.${REGION}.amazonaws.com` }),
    ).toBe(false);
    expect(can(doc, cluster, "kms:CreateGrant", { ...viaEks, "kms:GrantIsForAWSResource": true })).toBe(true);
    expect(can(doc, cluster, "kms:CreateGrant", viaEks)).toBe(false);
  });

  it("lets CloudWatch Logs use the key for the environment account's log groups only", () => {
    const doc = secretsKeyPolicy(args("dev", DEV, { logs: true }));
    const logs = { service: `logs.${REGION}.amazonaws.com` };
    const group = (account: string) => ({
      "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${account}:log-group:/platform/app`,
    });
    expect(can(doc, logs, "kms:GenerateDataKey", group(DEV))).toBe(true);
    expect(can(doc, logs, "kms:GenerateDataKey", group(PROD))).toBe(false);
    expect(toJson(secretsKeyPolicy(args("dev", DEV)))).not.toContain("logs.");
  });
});

describe("secretsKeyPolicy (management)", () => {
  it("keeps the management stack's key as strict as prod's, within one account", () => {
    const doc = secretsKeyPolicy({ ...args("prod", MANAGEMENT), stack: "management" });
    const mgmtDeveloper = { arn: ssoRole(MANAGEMENT, "Developer", REGION) };
    expect(can(doc, { arn: role(MANAGEMENT, ciRoleName("deploy", "prod")) }, "kms:Decrypt")).toBe(true);
    expect(can(doc, mgmtDeveloper, "kms:Decrypt")).toBe(false);
    expect(can(doc, mgmtDeveloper, "kms:Encrypt")).toBe(false);
    expect(can(doc, { arn: role(MANAGEMENT, "platform-management-vpn") }, "kms:Decrypt")).toBe(false);
  });
});

describe("secretsKeyPolicy validation", () => {
  it("refuses a deploy role outside the environment account, and an unknown stack", () => {
    expect(() =>
      secretsKeyPolicy(args("prod", PROD, { deployRoleArns: [role(DEV, DEPLOY_ROLE_NAME)] })),
    ).toThrow();
    expect(() =>
      secretsKeyPolicy(args("prod", PROD, { deployRoleArns: [role(PROD, "platform-*")] })),
    ).toThrow();
    expect(() => secretsKeyPolicy(args("prod", PROD, { deployRoleArns: [] }))).toThrow();
    expect(() => secretsKeyPolicy({ ...args("dev", DEV), stack: "staging" as "dev" })).toThrow();
  });
});
