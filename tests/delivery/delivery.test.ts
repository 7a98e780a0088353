import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { findProjectRoot } from "../../src/core/config-loader";
import {
  codeowners,
  deploymentEnvironments,
  REQUIRED_CHECKS,
  TAILNET_CLIENT_SECRETS,
} from "../../src/delivery/repository-rules";
import { CI_TAG, type TailnetPolicy } from "../../src/delivery/tailnet-policy";
import { configFor } from "../core/config-fixtures";
import { named, ofType, type PlanResult, planStack, within } from "../support/harness";

const root = findProjectRoot();
interface Rules {
  nonFastForward: boolean;
  deletion: boolean;
  pullRequest: Record<string, unknown> & { requiredReviewers: unknown[] };
  requiredStatusChecks: { requiredChecks: { context: string }[] };
  mergeQueue: Record<string, unknown>;
}
let plan: PlanResult;
let dev: PlanResult;
beforeAll(async () => {
  plan = await planStack("management");
  dev = await planStack("dev");
});

describe("the tailnet as code (management plan)", () => {
  it("owns the whole tailnet policy: CI reaches only the clusters' API blocks, on 443", () => {
    const acl = named(plan, "tailscale:index/acl:Acl", "policy");
    expect(acl.inputs.overwriteExistingContent).toBe(true);
    const policy = JSON.parse(String(acl.inputs.acl)) as TailnetPolicy;
    const ci = policy.grants.filter((g) => g.src.includes(CI_TAG));
    expect(ci).toHaveLength(1);
    expect(ci[0]!.ip).toEqual(["tcp:443"]);
    // Every stack's private blocks, from the stack files' VPCs.
    expect(ci[0]!.dst).toEqual(expect.arrayContaining(["10.0.0.0/18", "10.10.64.0/18", "10.30.128.0/18"]));
    expect(Object.keys(policy.autoApprovers.routes)).toEqual([
      "10.0.0.0/16",
      "10.10.0.0/16",
      "10.20.0.0/16",
      "10.30.0.0/16",
    ]);
  });

  it("gives the routers a reusable, pre-authorised key for their tag, and CI an OAuth client for its tag only", () => {
    const key = named(plan, "tailscale:index/tailnetKey:TailnetKey", "router-key");
    expect(key.inputs).toMatchObject({
      reusable: true,
      preauthorized: true,
      ephemeral: false,
      tags: ["tag:platform-subnet-router"],
      recreateIfInvalid: "always",
    });
    expect(key.dependsOn).toEqual(["policy"]);
    const client = named(plan, "tailscale:index/oauthClient:OauthClient", "ci-client");
    expect(client.inputs).toMatchObject({ scopes: ["auth_keys"], tags: [CI_TAG] });
  });

  it("writes the routers' key into the secret they read at boot, before the routers start", () => {
    const version = named(plan, "aws:secretsmanager/secretVersion:SecretVersion", "auth-key-value");
    expect(version.components).toContain("vpn");
    // A Pulumi secret (never printed) holding the tailnet key.
    expect(JSON.stringify(version.inputs.secretString)).toMatch(/"value":"tskey-auth-/);
    expect(named(plan, "aws:autoscaling/group:Group", "asg").dependsOn).toContain("auth-key-value");
  });

  it("creates each cluster only after its private API is reachable: tailnet and routers, or the Transit Gateway spoke", () => {
    expect(named(plan, "eks:index:Cluster", "eks").dependsOn).toEqual(
      expect.arrayContaining(["tailnet", "vpn"]),
    );
    expect(named(dev, "eks:index:Cluster", "eks").dependsOn).toContain("transit");
  });

  it("stores the CI client as the repository secrets the tailnet action reads", () => {
    const secrets = ofType(plan, "github:index/actionsSecret:ActionsSecret").map((s) => s.inputs.secretName);
    expect(secrets).toEqual([TAILNET_CLIENT_SECRETS.id, TAILNET_CLIENT_SECRETS.secret]);
  });
});

describe("the repository's rules (management plan)", () => {
  it("requires pull requests, code-owner review, the ci.yml checks and the merge queue on main, and forbids force pushes", () => {
    const r = named(plan, "github:index/repositoryRuleset:RepositoryRuleset", "main-ruleset");
    expect(r.inputs).toMatchObject({
      target: "branch",
      enforcement: "active",
      conditions: { refName: { includes: ["~DEFAULT_BRANCH"] } },
    });
    const rules = r.inputs.rules as Rules;
    expect(rules.nonFastForward).toBe(true);
    expect(rules.deletion).toBe(true);
    expect(rules.pullRequest).toMatchObject({
      requiredApprovingReviewCount: 1,
      requireCodeOwnerReview: true,
    });
    expect(rules.requiredStatusChecks.requiredChecks.map((c: { context: string }) => c.context)).toEqual([
      ...REQUIRED_CHECKS,
    ]);
    expect(rules.mergeQueue).toMatchObject({ mergeMethod: "SQUASH" });
  });

  it("needs two platform-team approvals for the prod and management stack files", () => {
    const r = named(plan, "github:index/repositoryRuleset:RepositoryRuleset", "main-ruleset");
    const team = named(plan, "github:index/repositoryEnvironment:RepositoryEnvironment", "env-prod").inputs
      .reviewers as { teams: number[] }[];
    expect((r.inputs.rules as Rules).pullRequest.requiredReviewers).toEqual([
      {
        filePatterns: ["Pulumi.management.yaml", "Pulumi.prod.yaml"],
        minimumApprovals: 2,
        reviewer: { id: team[0]!.teams[0], type: "Team" },
      },
    ]);
  });

  it("creates the deployment environments with the platform team as reviewers, never self-approved", () => {
    const envs = within(plan, "repository").filter(
      (x) => x.type === "github:index/repositoryEnvironment:RepositoryEnvironment",
    );
    expect(envs.map((e) => e.inputs.environment)).toEqual([
      "management",
      "prod",
      "dev",
      "preprod",
      "management-preview",
      "prod-preview",
      "drift",
      "pr-environments",
    ]);
    const reviewed = deploymentEnvironments()
      .filter((e) => e.reviewed)
      .map((e) => e.name);
    expect(reviewed).toEqual(["management", "prod", "management-preview", "prod-preview"]);
    for (const e of envs.filter((x) => reviewed.includes(String(x.inputs.environment)))) {
      expect(e.inputs.reviewers).toEqual([{ teams: [expect.any(Number)] }]);
      expect(e.inputs.preventSelfReview).toBe(true);
    }
    const policies = ofType(
      plan,
      "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    ).map((p) => `${p.inputs.environment}:${p.inputs.branchPattern ?? `tag ${p.inputs.tagPattern}`}`);
    expect(policies).toEqual(["management:main", "prod:main", "dev:main", "preprod:main", "drift:main"]);
    // Pull-request previews run from any branch: no branch policy on the preview environments.
    expect(
      deploymentEnvironments()
        .filter((e) => e.branches === "any")
        .map((e) => e.name),
    ).toEqual(["management-preview", "prod-preview", "pr-environments"]);
  });

  it("keeps .github/CODEOWNERS equal to what the config says: the platform team owns src/, the stack files and .github/", () => {
    const file = fs.readFileSync(path.join(root, ".github/CODEOWNERS"), "utf8");
    expect(file).toBe(codeowners("payments-co", "platform-team"));
    for (const p of ["/src/", "/Pulumi.*.yaml", "/.github/"]) {
      expect(file).toMatch(new RegExp(`^${p.replace(/[.*]/g, "\\$&")}\\s+@payments-co/platform-team$`, "m"));
    }
  });

  it("refuses gated-stack approvals that are not above the normal count, naming the key", () => {
    expect(() =>
      configFor("management", {
        "platform:repository": {
          platformTeam: "platform-team",
          requiredApprovals: 2,
          gatedStackApprovals: 2,
        },
      }),
    ).toThrow(
      /platform:repository\.gatedStackApprovals: must be more than platform:repository\.requiredApprovals \(2\)/,
    );
  });
});
