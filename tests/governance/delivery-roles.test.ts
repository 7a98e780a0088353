import { describe, expect, it } from "vitest";
import { prPermissionsBoundaryArn } from "../../src/core/pr-names";
import { ciTrustPolicy, GITHUB_OIDC_ISSUER_HOST } from "../../src/governance/ci-trust";
import {
  chartPublisherPermissions,
  prBoundaryPolicy,
  prEnvironmentsPermissions,
} from "../../src/governance/delivery-policies";
import { doc } from "../gitops/gitops-plan";
import { ofType, planStack, stackValue } from "../support/harness";
import { allows, denies, type Request } from "../support/policy-evaluator";
import { DEV, MANAGEMENT, REGION } from "./policy-fixtures";

/** The delivery pipeline's CI roles: the chart publisher and PR environments. */

const REPO = "payments-co/platform";
const provider = `arn:aws:iam::${MANAGEMENT}:oidc-provider/${GITHUB_OIDC_ISSUER_HOST}`;
const token = (sub: string): Request => ({
  action: "sts:AssumeRoleWithWebIdentity",
  principal: { federated: provider },
  context: {
    [`${GITHUB_OIDC_ISSUER_HOST}:sub`]: sub,
    [`${GITHUB_OIDC_ISSUER_HOST}:aud`]: "sts.amazonaws.com",
  },
});
const main = `repo:${REPO}:ref:refs/heads/main`;
const pullRequest = `repo:${REPO}:pull_request`;

describe("the chart publisher", () => {
  const push = chartPublisherPermissions({
    region: REGION,
    accountId: MANAGEMENT,
    repositoryPrefix: "charts/",
  });
  const repo = (name: string) => `arn:aws:ecr:${REGION}:${MANAGEMENT}:repository/${name}`;

  it("pushes to the chart repositories and nowhere else", () => {
    for (const action of [
      "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload",
      "ecr:PutImage",
    ]) {
      expect(allows(push, { action, resource: repo("charts/payments") }), action).toBe(true);
      expect(allows(push, { action, resource: repo("payments-api") }), action).toBe(false);
    }
    expect(allows(push, { action: "ecr:GetAuthorizationToken", resource: "*" })).toBe(true);
    expect(allows(push, { action: "ecr:BatchDeleteImage", resource: repo("charts/payments") })).toBe(false);
    expect(allows(push, { action: "ecr:PutLifecyclePolicy", resource: repo("charts/payments") })).toBe(false);
  });

  it("is assumable from main only", async () => {
    const plan = await planStack("management");
    const role = ofType(plan, "aws:iam/role:Role").find(
      (r) => r.inputs.name === "platform-ci-chart-publisher",
    )!;
    const trust = doc(role.inputs.assumeRolePolicy);
    const fed = (trust.Statement[0]!.Principal as { Federated: string }).Federated;
    const repo = stackValue<{ repository: string }>("management", "platform:ci").repository;
    const sub = (s: string) =>
      allows(trust, { ...token(`repo:${repo}:${s}`), principal: { federated: fed } });
    expect(sub("ref:refs/heads/main")).toBe(true);
    expect(sub("pull_request")).toBe(false);
    expect(sub("environment:management")).toBe(false);
    expect(sub("ref:refs/heads/feature")).toBe(false);
    // Its permissions are the publisher's, in the management account.
    const attached = ofType(plan, "aws:iam/rolePolicy:RolePolicy").find(
      (p) => p.name === "ci-chart-publisher-push",
    )!;
    expect(
      allows(doc(attached.inputs.policy), {
        action: "ecr:PutImage",
        resource: `arn:aws:ecr:eu-west-2:${stackValue<string>("management", "platform:accountId")}:repository/charts/payments`,
      }),
    ).toBe(true);
    expect(
      ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").some((a) =>
        String(a.inputs.role).startsWith("ci-chart-publisher"),
      ),
    ).toBe(false);
  });

  it("uses the same trust rule as every CI role", () => {
    const t = ciTrustPolicy({
      providerArn: provider,
      repository: REPO,
      subjects: [{ kind: "branch", name: "main" }],
    });
    expect(allows(t, token(main))).toBe(true);
    expect(allows(t, token(pullRequest))).toBe(false);
  });
});

describe("PR environments' role", () => {
  const p = prEnvironmentsPermissions({ region: REGION, accountId: DEV, clusterName: "platform-dev-eks" });
  const role = (name: string) => `arn:aws:iam::${DEV}:role/${name}`;
  const boundary = prPermissionsBoundaryArn(DEV);

  it("creates roles only with the PR boundary, only named pr-…, and never removes the boundary", () => {
    const create = (name: string, b?: string): Request => ({
      action: "iam:CreateRole",
      resource: role(name),
      context: b ? { "iam:PermissionsBoundary": b } : {},
    });
    expect(allows(p, create("pr-12-payments-api", boundary))).toBe(true);
    expect(allows(p, create("pr-12-payments-api"))).toBe(false);
    expect(allows(p, create("pr-12-payments-api", "arn:aws:iam::aws:policy/AdministratorAccess"))).toBe(
      false,
    );
    expect(allows(p, create("platform-deploy", boundary))).toBe(false);
    expect(allows(p, { action: "iam:PutRolePolicy", resource: role("platform-deploy") })).toBe(false);
    expect(
      denies(p, { action: "iam:DeleteRolePermissionsBoundary", resource: role("pr-12-payments-api") }),
    ).toBe(true);
  });

  it("passes its roles to EKS Pod Identity only", () => {
    const pass = (service: string): Request => ({
      action: "iam:PassRole",
      resource: role("pr-12-payments-api"),
      context: { "iam:PassedToService": service },
    });
    expect(allows(p, pass("pods.eks.amazonaws.com"))).toBe(true);
    expect(allows(p, pass("lambda.amazonaws.com"))).toBe(false);
    expect(allows(p, { ...pass("pods.eks.amazonaws.com"), resource: role("platform-deploy") })).toBe(false);
  });

  it("touches PR environments' data and never the base environment's", () => {
    const at = `${REGION}:${DEV}`;
    expect(
      allows(p, { action: "sqs:CreateQueue", resource: `arn:aws:sqs:${at}:platform-pr-12-payments` }),
    ).toBe(true);
    expect(
      allows(p, { action: "sqs:DeleteQueue", resource: `arn:aws:sqs:${at}:platform-dev-payments` }),
    ).toBe(false);
    expect(
      allows(p, {
        action: "dynamodb:DeleteTable",
        resource: `arn:aws:dynamodb:${at}:table/platform-dev-payments`,
      }),
    ).toBe(false);
    expect(
      allows(p, { action: "s3:DeleteBucket", resource: "arn:aws:s3:::platform-dev-payments-archive-1" }),
    ).toBe(false);
    expect(
      allows(p, {
        action: "secretsmanager:CreateSecret",
        resource: `arn:aws:secretsmanager:${at}:secret:pr-12/payments/payments-api-AbCdEf`,
      }),
    ).toBe(true);
    expect(
      allows(p, {
        action: "secretsmanager:GetSecretValue",
        resource: `arn:aws:secretsmanager:${at}:secret:dev/payments/payments-api-AbCdEf`,
      }),
    ).toBe(false);
    const key = `arn:aws:kms:${at}:key/1234`;
    expect(
      allows(p, {
        action: "kms:ScheduleKeyDeletion",
        resource: key,
        context: { "aws:ResourceTag/Environment": "pr-12" },
      }),
    ).toBe(true);
    expect(
      allows(p, {
        action: "kms:ScheduleKeyDeletion",
        resource: key,
        context: { "aws:ResourceTag/Environment": "dev" },
      }),
    ).toBe(false);
    expect(
      allows(p, {
        action: "kms:CreateKey",
        resource: "*",
        context: { "aws:RequestTag/Environment": "pr-12" },
      }),
    ).toBe(true);
    expect(allows(p, { action: "kms:CreateKey", resource: "*" })).toBe(false);
    const grant = (forService: string, env: string) =>
      allows(p, {
        action: "kms:CreateGrant",
        resource: key,
        context: { "aws:ResourceTag/Environment": env, "kms:GrantIsForAWSResource": forService },
      });
    expect(grant("true", "pr-12")).toBe(true);
    expect(grant("false", "pr-12")).toBe(false);
    expect(grant("true", "dev")).toBe(false);
  });

  it("associates Pod Identity on the base cluster only", () => {
    const on = (cluster: string) => `arn:aws:eks:${REGION}:${DEV}:cluster/${cluster}`;
    expect(allows(p, { action: "eks:CreatePodIdentityAssociation", resource: on("platform-dev-eks") })).toBe(
      true,
    );
    expect(
      allows(p, { action: "eks:CreatePodIdentityAssociation", resource: on("platform-preprod-eks") }),
    ).toBe(false);
    expect(allows(p, { action: "eks:CreateAccessEntry", resource: on("platform-dev-eks") })).toBe(false);
  });

  it("bounds every role a PR environment creates to PR environments' data", () => {
    const b = prBoundaryPolicy({ region: REGION, accountId: DEV });
    const at = `${REGION}:${DEV}`;
    expect(
      allows(b, {
        action: "dynamodb:PutItem",
        resource: `arn:aws:dynamodb:${at}:table/platform-pr-12-payments`,
      }),
    ).toBe(true);
    expect(
      allows(b, {
        action: "dynamodb:PutItem",
        resource: `arn:aws:dynamodb:${at}:table/platform-dev-payments`,
      }),
    ).toBe(false);
    expect(
      allows(b, {
        action: "secretsmanager:GetSecretValue",
        resource: `arn:aws:secretsmanager:${at}:secret:dev/payments/x-AbCdEf`,
      }),
    ).toBe(false);
    expect(allows(b, { action: "iam:CreateRole", resource: `arn:aws:iam::${DEV}:role/pr-1-x` })).toBe(false);
  });

  it("lives in the test account, assumable only by the PR environments' CI role, trusted for the pr-environments environment", async () => {
    const plan = await planStack("management");
    const target = ofType(plan, "aws:iam/role:Role").find(
      (r) => r.inputs.name === "platform-pr-environments",
    )!;
    expect(target.provider).toBe("aws-test");
    const ci = ofType(plan, "aws:iam/role:Role").find(
      (r) => r.inputs.name === "platform-ci-pr-environments",
    )!;
    expect(ci.provider).toBe("aws");
    const ciTrust = doc(ci.inputs.assumeRolePolicy);
    const fed = (ciTrust.Statement[0]!.Principal as { Federated: string }).Federated;
    const repo = stackValue<{ repository: string }>("management", "platform:ci").repository;
    const as = (sub: string) => allows(ciTrust, { ...token(sub), principal: { federated: fed } });
    expect(as(`repo:${repo}:environment:pr-environments`)).toBe(true);
    expect(as(`repo:${repo}:pull_request`)).toBe(false);
    expect(as(`repo:${repo}:ref:refs/heads/main`)).toBe(false);
    expect(as(`repo:${repo}:environment:prod`)).toBe(false);
    const trust = doc(target.inputs.assumeRolePolicy);
    const ciArn = String(plan.outputs.prEnvironmentsCiRoleArn);
    expect(
      allows(trust, {
        action: "sts:AssumeRole",
        principal: { arn: ciArn },
        context: { "aws:PrincipalArn": ciArn },
      }),
    ).toBe(true);
    const other = ciArn.replace("pr-environments", "deploy-dev");
    expect(
      allows(trust, {
        action: "sts:AssumeRole",
        principal: { arn: other },
        context: { "aws:PrincipalArn": other },
      }),
    ).toBe(false);
    const boundary = ofType(plan, "aws:iam/policy:Policy").find(
      (x) => x.inputs.name === "platform-pr-boundary",
    )!;
    expect(boundary.provider).toBe("aws-test");
  });
});
