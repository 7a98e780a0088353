import { describe, expect, it } from "vitest";
import { type PolicyDocument, policy } from "../../src/core/policy-document";
import { DATA_KEY_USE_ACTIONS, DATA_KEY_VIA_SERVICES, dataKeyPolicy } from "../../src/data/data-key-policy";
import { searchMasterTrust } from "../../src/data/workload-policies";
import { ssoRole } from "../governance/policy-fixtures";
import { named, planStack } from "../support/harness";
import { allows, type Principal, type Request } from "../support/policy-evaluator";

/**
 * The least-privilege fixes of the data services, checked with the policy evaluator: the OpenSearch
 * master role's trust, and the data key's policy. (The ArgoCD registrars are checked in
 * tests/gitops/hub.test.ts on the management plan.)
 */

const DEV = "529381746102";
const REGION = "eu-west-2";
const KEY = `arn:aws:kms:${REGION}:${DEV}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const DEPLOY = `arn:aws:iam::${DEV}:role/platform-deploy`;
const ADMIN = ssoRole(DEV, "PlatformAdmin", REGION);
const DEVELOPER = ssoRole(DEV, "Developer", REGION);

describe("the OpenSearch master role's trust", () => {
  const trust = searchMasterTrust({ accountId: DEV, administratorArns: [DEPLOY, ADMIN] });
  const assumes = (arn: string) =>
    allows(trust, { action: "sts:AssumeRole", principal: { arn }, context: { "aws:PrincipalArn": arn } });

  it("admits the roles that administer the domain: the deploy role and the platform admins", () => {
    expect(assumes(DEPLOY)).toBe(true);
    expect(assumes(ADMIN)).toBe(true);
  });

  it("refuses a developer in dev, the workload roles, other accounts' deploy roles", () => {
    expect(assumes(DEVELOPER)).toBe(false);
    expect(assumes(`arn:aws:iam::${DEV}:role/platform-dev-payments-api`)).toBe(false);
    expect(assumes(`arn:aws:iam::${DEV}:role/platform-dev-payments-worker`)).toBe(false);
    expect(assumes("arn:aws:iam::640192837465:role/platform-deploy")).toBe(false);
    expect(assumes(ssoRole("640192837465", "PlatformAdmin", REGION))).toBe(false);
  });

  it("rejects wildcards and roles of other accounts as administrators", () => {
    expect(() => searchMasterTrust({ accountId: DEV, administratorArns: [] })).toThrow(/at least one/);
    expect(() =>
      searchMasterTrust({ accountId: DEV, administratorArns: [`arn:aws:iam::${DEV}:role/*`] }),
    ).toThrow(/not a specific IAM role ARN/);
    expect(() =>
      searchMasterTrust({
        accountId: DEV,
        administratorArns: ["arn:aws:iam::640192837465:role/platform-deploy"],
      }),
    ).toThrow(/not a role of account 529381746102/);
  });
});

describe("the data key's policy", () => {
  const doc = dataKeyPolicy({ accountId: DEV, region: REGION, logGroupPrefix: "/platform/dev/" });
  const can = (principal: Principal, action: string, context: Request["context"] = {}) =>
    allows(doc, { action, resource: KEY, principal, context });
  const via = (service: string) => ({
    "kms:ViaService": `${service}.${REGION}.amazonaws.com`,
    "kms:CallerAccount": DEV,
  });

  it("grants no blanket kms:* to anyone", () => {
    expect(doc.Statement.flatMap((s) => [s.Action ?? []].flat())).not.toContain("kms:*");
  });

  it("lets nothing but AWS services use the key for data operations: not the admins, not the deploy role", () => {
    for (const arn of [ADMIN, DEPLOY, DEVELOPER, `arn:aws:iam::${DEV}:root`]) {
      for (const action of ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"]) {
        expect(can({ arn }, action), `${arn} ${action}`).toBe(false);
        // Through a service of another account, or a service that is not a data service: still no.
        expect(can({ arn }, action, { ...via("s3"), "kms:CallerAccount": "640192837465" })).toBe(false);
        expect(can({ arn }, action, via("ec2"))).toBe(false);
      }
    }
  });

  it("lets principals of the account use it through the data services (their IAM policies decide who)", () => {
    for (const service of DATA_KEY_VIA_SERVICES) {
      expect(can({ arn: DEPLOY }, "kms:Decrypt", via(service)), service).toBe(true);
    }
    expect(can({ arn: DEPLOY }, "kms:CreateGrant", via("rds"))).toBe(true);
  });

  it("keeps the key manageable: the account administers it (rotate, describe, change the policy, schedule deletion)", () => {
    for (const action of [
      "kms:PutKeyPolicy",
      "kms:EnableKeyRotation",
      "kms:DescribeKey",
      "kms:ScheduleKeyDeletion",
    ]) {
      expect(can({ arn: ADMIN }, action), action).toBe(true);
    }
    // …but administering is not using, nor handing use to someone else through a grant.
    expect(can({ arn: ADMIN }, "kms:CreateGrant")).toBe(false);
    for (const action of DATA_KEY_USE_ACTIONS.filter((a) => a !== "kms:DescribeKey")) {
      expect(can({ arn: ADMIN }, action.replace("*", "")), action).toBe(false);
    }
  });

  it("service principals act only on behalf of this account (CloudWatch Logs: only the stack's log groups)", () => {
    expect(
      can({ service: "cloudwatch.amazonaws.com" }, "kms:GenerateDataKey", { "aws:SourceAccount": DEV }),
    ).toBe(true);
    expect(
      can({ service: "cloudwatch.amazonaws.com" }, "kms:GenerateDataKey", {
        "aws:SourceAccount": "640192837465",
      }),
    ).toBe(false);
    const logs = { service: `logs.${REGION}.amazonaws.com` };
    const group = (name: string) => ({
      "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${DEV}:log-group:${name}`,
    });
    expect(can(logs, "kms:Encrypt", group("/platform/dev/payments-worker"))).toBe(true);
    expect(can(logs, "kms:Encrypt", group("/aws/lambda/someone-else"))).toBe(false);
  });

  it("the evaluator itself: a root kms:* statement would have let the admin decrypt (the mutation this guards)", () => {
    const withRoot: PolicyDocument = policy(...doc.Statement, {
      Sid: "Root",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${DEV}:root` },
      Action: "kms:*",
      Resource: "*",
    });
    expect(allows(withRoot, { action: "kms:Decrypt", resource: KEY, principal: { arn: ADMIN } })).toBe(true);
  });
});

describe.each(["dev", "prod"])("the data-grants Job acting as the search master (%s)", (stack) => {
  it("may assume the master role, and the master role admits it: the Job applies the role mappings", async () => {
    const plan = await planStack(stack);
    const account = String(plan.outputs.accountId ?? "");
    const doc = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v) as PolicyDocument;
    const jobRole = named(plan, "aws:iam/role:Role", "data-grants-role");
    const jobArn = `arn:aws:iam::${account}:role/${jobRole.inputs.name}`;
    const master = named(plan, "aws:iam/role:Role", "search-master-role");
    const masterArn = `arn:aws:iam::${account}:role/${master.inputs.name}`;
    const trust = doc(master.inputs.assumeRolePolicy);
    for (const action of ["sts:AssumeRole", "sts:TagSession"]) {
      expect(allows(trust, { action, principal: { arn: jobArn } }), `${action} by ${jobArn}`).toBe(true);
    }
    const jobPolicies = plan.resources.filter(
      (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.components.includes("data-grants"),
    );
    expect(
      jobPolicies.some((p) =>
        allows(doc(p.inputs.policy), { action: "sts:AssumeRole", resource: masterArn }),
      ),
    ).toBe(true);
  });
});
