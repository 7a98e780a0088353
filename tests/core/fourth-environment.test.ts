import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

/**
 * Adding an environment is an entry in src/core/environment-list.ts and a stack file. This test adds
 * a hypothetical `qa` environment (its own account, between dev and preprod, not gated) to a fixture
 * list and a temporary copy of the project, evaluates the management stack and qa's stack under
 * mocks, and shows that every place derived from the list picks it up.
 */
vi.mock("../../src/core/environment-list", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/core/environment-list")>();
  const shifted = actual.STACK_LIST.map((s) =>
    s.promotionOrder >= 2 ? { ...s, promotionOrder: s.promotionOrder + 1 } : s,
  );
  const qa = {
    name: "qa",
    role: "environment",
    account: "qa",
    ouName: "QA",
    promotionOrder: 2,
    productionGrade: false,
    gated: false,
  };
  return { STACK_LIST: [...shifted, qa] };
});

import { parse, stringify } from "yaml";
import { findProjectRoot, readStackFiles } from "../../src/core/config-loader";
import {
  ENVIRONMENT_STACKS,
  MEMBER_ACCOUNTS,
  nextEnvironment,
  STACK_NAMES,
  type StackName,
} from "../../src/core/environments";
import { changedStacks, previewMatrix } from "../../src/delivery/changed-stacks";
import { derivedFiles } from "../../src/plan/derived-files";
import { evaluateStack, type PlanResult } from "../../src/plan/engine";
import { stacksTableProblems } from "../support/readme-checks";
import { workflowStackProblems } from "../support/workflow-checks";

const repo = findProjectRoot();
const QA_ACCOUNT = "862043197531";
const QA_VPC = "10.40.0.0/16";
let root: string;
let management: PlanResult;
let qa: PlanResult;

const resources = (plan: PlanResult, type: string) => plan.resources.filter((r) => r.type === type);

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "platform-fourth-env-"));
  for (const f of [
    "Pulumi.yaml",
    "Pulumi.dev.yaml",
    "Pulumi.preprod.yaml",
    "Pulumi.prod.yaml",
    "README.md",
  ]) {
    fs.copyFileSync(path.join(repo, f), path.join(root, f));
  }
  fs.cpSync(path.join(repo, ".github"), path.join(root, ".github"), { recursive: true });
  fs.mkdirSync(path.join(root, "charts", "payments"), { recursive: true });
  fs.copyFileSync(
    path.join(repo, "charts/payments/Chart.yaml"),
    path.join(root, "charts/payments/Chart.yaml"),
  );
  // The management stack file gains the qa account (its OU is qa).
  const mgmt = parse(fs.readFileSync(path.join(repo, "Pulumi.management.yaml"), "utf8")) as {
    config: Record<string, { accounts: Record<string, unknown> }>;
  };
  mgmt.config["platform:organization"]!.accounts.qa = {
    name: "payments-qa",
    email: "aws-qa@payments.example.com",
    ou: "qa",
  };
  fs.writeFileSync(path.join(root, "Pulumi.management.yaml"), stringify(mgmt));
  // qa's stack file: dev's, in its own account, VPC and domain.
  const qaFile = fs
    .readFileSync(path.join(repo, "Pulumi.dev.yaml"), "utf8")
    .replaceAll("529381746102", QA_ACCOUNT)
    .replaceAll("10.10.", "10.40.")
    .replaceAll("dev.payments.example.com", "qa.payments.example.com")
    .replaceAll("Z04182736DEVPAYMNT01", "Z04182736QAPAYMNT001")
    .replaceAll("platform-dev-secrets", "platform-qa-secrets");
  fs.writeFileSync(path.join(root, "Pulumi.qa.yaml"), qaFile);
  management = await evaluateStack("management", { root });
  qa = await evaluateStack("qa", { root });
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("a fourth environment, added to the list and given a stack file", () => {
  it("is a stack, an environment in promotion order, and a member account", () => {
    expect(STACK_NAMES).toEqual(["management", "dev", "qa", "preprod", "prod"]);
    expect(ENVIRONMENT_STACKS).toEqual(["dev", "qa", "preprod", "prod"]);
    expect(nextEnvironment("dev")).toBe("qa");
    expect(MEMBER_ACCOUNTS).toContain("qa");
  });

  it("gets its OU and account in the organization", () => {
    const ou = resources(management, "aws:organizations/organizationalUnit:OrganizationalUnit").find(
      (r) => r.name === "ou-qa",
    );
    expect(ou?.inputs.name).toBe("QA");
    const account = resources(management, "aws:organizations/account:Account").find(
      (r) => r.name === "account-qa",
    );
    expect(account?.inputs).toMatchObject({ name: "payments-qa", email: "aws-qa@payments.example.com" });
  });

  it("gets CI deploy and preview roles trusted for its stack, and its deploy role in its account", () => {
    const roles = resources(management, "aws:iam/role:Role");
    const ciDeploy = roles.find((r) => r.inputs.name === "platform-ci-deploy-qa");
    const ciPreview = roles.find((r) => r.inputs.name === "platform-ci-preview-qa");
    expect(ciDeploy).toBeDefined();
    expect(ciPreview).toBeDefined();
    // Not gated: applies from main, like dev.
    expect(JSON.stringify(ciDeploy?.inputs.assumeRolePolicy)).toContain("ref:refs/heads/main");
    expect(roles.find((r) => r.name === "deploy-qa")?.inputs.name).toBe("platform-deploy");
  });

  it("gets its secrets key, and its .sops.yaml rule", () => {
    const aliases = resources(management, "aws:kms/alias:Alias").map((r) => r.inputs.name);
    expect(aliases).toContain("alias/platform-qa-secrets");
    const sops = derivedFiles(root).find((f) => f.path === ".sops.yaml")?.content ?? "";
    expect(sops).toContain("^secrets/qa/.+\\.ya?ml$");
    expect(sops).toContain(":alias/platform-qa-secrets");
  });

  it("is blackholed for the other environments on the Transit Gateway and advertised on the VPN", () => {
    const routes = resources(management, "aws:ec2transitgateway/route:Route");
    expect(routes.find((r) => r.name === "spokes-blackhole-10-40-0-0-16")?.inputs).toMatchObject({
      destinationCidrBlock: QA_VPC,
      blackhole: true,
    });
    const toQa = resources(management, "aws:ec2/route:Route").filter((r) => r.name.endsWith("-to-qa"));
    expect(toQa.length).toBeGreaterThan(0);
  });

  it("is a target of ArgoCD: the hub may assume its deployer role and registers its cluster secret", () => {
    const policy = resources(management, "aws:iam/rolePolicy:RolePolicy").find(
      (r) => r.name === "argocd-policy",
    );
    expect(JSON.stringify(policy?.inputs.policy)).toContain(
      `arn:aws:iam::${QA_ACCOUNT}:role/platform-argocd-deployer`,
    );
    const appSet = resources(management, "kubernetes:argoproj.io/v1alpha1:ApplicationSet")[0];
    expect(JSON.stringify(appSet?.inputs)).toContain('"qa"');
    const clusterSecret = resources(qa, "kubernetes:core/v1:Secret").find(
      (r) => r.name === "argocd-cluster-secret",
    );
    expect(JSON.stringify(clusterSecret?.inputs)).toContain('"platform.payments/environment":"qa"');
  });

  it("evaluates as an environment of its own: its VPC, cluster and tags", () => {
    expect(resources(qa, "aws:ec2/vpc:Vpc")[0]?.inputs.cidrBlock).toBe(QA_VPC);
    const provider = qa.resources.find((r) => r.type === "pulumi:providers:aws" && r.name === "aws");
    expect(provider?.inputs).toMatchObject({
      allowedAccountIds: [QA_ACCOUNT],
      defaultTags: { tags: expect.objectContaining({ Environment: "qa" }) },
    });
    expect(JSON.stringify(qa.outputs.clusterName)).toContain("platform-qa-eks");
  });

  it("is previewed when its stack file changes, and demanded by the workflows' own lists", () => {
    expect(changedStacks(["Pulumi.qa.yaml"])).toEqual(["management", "qa"]);
    expect(previewMatrix(["qa"] as unknown as StackName[]).map((l) => l.stack)).toEqual(["qa"]);
    const problems = workflowStackProblems(root).join("\n");
    expect(problems).toMatch(
      /deploy\.yml applies management → dev → preprod → prod; the list of stacks is management → dev → qa → preprod → prod/,
    );
    expect(problems).toMatch(
      /drift\.yml checks .*; the list of stacks is management, dev, qa, preprod, prod/,
    );
  });

  it("is demanded by the README's Stacks table until it has its row", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const problems = stacksTableProblems(readme, readStackFiles(root));
    expect(problems.join("\n")).toMatch(/the list of stacks is management, dev, qa, preprod, prod/);
  });
});
