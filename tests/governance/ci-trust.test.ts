import { describe, expect, it } from "vitest";
import type { STACK_NAMES } from "../../src/core/environments";
import type { PolicyDocument } from "../../src/core/policy-document";
import {
  type CiSubjectSpec,
  ciRoleTrust,
  ciTrustPolicy,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_ISSUER_HOST,
  githubSubject,
  previewEnvironment,
} from "../../src/governance/ci-trust";
import { allows, type Request } from "../support/policy-evaluator";
import { DEV, PROD } from "./policy-fixtures";

const REPO = "acme-payments/platform";
const providerArn = (account: string) => `arn:aws:iam::${account}:oidc-provider/${GITHUB_OIDC_ISSUER_HOST}`;

/** A GitHub Actions token exchange with the given claims. */
function assume(account: string, sub: string, aud = GITHUB_OIDC_AUDIENCE): Request {
  return {
    action: "sts:AssumeRoleWithWebIdentity",
    principal: { federated: providerArn(account) },
    context: { [`${GITHUB_OIDC_ISSUER_HOST}:sub`]: sub, [`${GITHUB_OIDC_ISSUER_HOST}:aud`]: aud },
  };
}

const main = `repo:${REPO}:ref:refs/heads/main`;
const featureBranch = `repo:${REPO}:ref:refs/heads/feature/x`;
const prodEnv = `repo:${REPO}:environment:prod`;
const pullRequest = `repo:${REPO}:pull_request`;
const fork = `repo:someone-else/platform:ref:refs/heads/main`;

describe("ciTrustPolicy", () => {
  const doc = ciTrustPolicy({
    providerArn: providerArn(DEV),
    repository: REPO,
    subjects: [{ kind: "branch", name: "main" }],
  });

  it("trusts only the account's GitHub OIDC provider, for web-identity assumption", () => {
    const [s] = doc.Statement;
    expect(s?.Principal).toEqual({ Federated: providerArn(DEV) });
    expect(s?.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(s?.Condition?.StringEquals?.[`${GITHUB_OIDC_ISSUER_HOST}:aud`]).toBe("sts.amazonaws.com");
    expect(s?.Condition?.StringEquals?.[`${GITHUB_OIDC_ISSUER_HOST}:sub`]).toBe(main);
  });

  it("admits the listed subject with the STS audience and nothing else", () => {
    expect(allows(doc, assume(DEV, main))).toBe(true);
    expect(allows(doc, assume(DEV, main, "https://github.com/acme-payments"))).toBe(false);
    expect(allows(doc, assume(DEV, featureBranch))).toBe(false);
    expect(allows(doc, assume(DEV, pullRequest))).toBe(false);
    expect(allows(doc, assume(DEV, fork))).toBe(false);
    expect(allows(doc, assume(PROD, main))).toBe(false); // another account's provider
  });

  it("uses StringLike for a branch pattern and keeps it inside the repository", () => {
    const release = ciTrustPolicy({
      providerArn: providerArn(DEV),
      repository: REPO,
      subjects: [
        { kind: "branch", name: "main" },
        { kind: "branch", name: "release/*" },
      ],
    });
    expect(release.Statement[0]?.Condition?.StringLike?.[`${GITHUB_OIDC_ISSUER_HOST}:sub`]).toEqual([
      main,
      `repo:${REPO}:ref:refs/heads/release/*`,
    ]);
    expect(allows(release, assume(DEV, `repo:${REPO}:ref:refs/heads/release/2025-01`))).toBe(true);
    expect(allows(release, assume(DEV, main))).toBe(true);
    expect(allows(release, assume(DEV, featureBranch))).toBe(false);
    expect(allows(release, assume(DEV, prodEnv))).toBe(false);
  });

  const base = { providerArn: providerArn(DEV), repository: REPO };
  it("throws on an empty subject list", () => {
    expect(() => ciTrustPolicy({ ...base, subjects: [] })).toThrow(/at least one subject/);
  });

  it.each<[string, CiSubjectSpec]>([
    ["a bare wildcard branch", { kind: "branch", name: "*" }],
    ["a wildcard-only branch path", { kind: "branch", name: "*/*" }],
    ["a wildcard in the middle", { kind: "branch", name: "ma*n" }],
    ["a claim separator", { kind: "branch", name: "main:environment:prod" }],
    ["a wildcard environment", { kind: "environment", name: "*" }],
    ["an empty environment", { kind: "environment", name: "" }],
  ])("rejects %s", (_what, spec) => {
    expect(() => ciTrustPolicy({ ...base, subjects: [spec] })).toThrow();
  });

  it.each(["*", "acme-payments/*", "acme-payments", "acme-payments/platform:*"])(
    "rejects the repository %s",
    (repository) => {
      expect(() => githubSubject(repository, { kind: "pullRequest" })).toThrow();
    },
  );

  it("rejects a provider that is not GitHub's", () => {
    expect(() =>
      ciTrustPolicy({
        ...base,
        providerArn: `arn:aws:iam::${DEV}:oidc-provider/gitlab.com`,
        subjects: [{ kind: "pullRequest" }],
      }),
    ).toThrow();
  });
});

describe("ciRoleTrust", () => {
  const trust = (kind: "deploy" | "preview", stack: (typeof STACK_NAMES)[number]): PolicyDocument =>
    ciRoleTrust({ providerArn: providerArn(PROD), repository: REPO, kind, stack });

  it("lets the prod deploy role be assumed only from the protected prod environment", () => {
    const doc = trust("deploy", "prod");
    expect(doc.Statement[0]?.Condition?.StringEquals?.[`${GITHUB_OIDC_ISSUER_HOST}:sub`]).toBe(prodEnv);
    expect(allows(doc, assume(PROD, prodEnv))).toBe(true);
    expect(allows(doc, assume(PROD, main))).toBe(false);
    expect(allows(doc, assume(PROD, pullRequest))).toBe(false);
    expect(allows(doc, assume(PROD, `repo:${REPO}:environment:preprod`))).toBe(false);
  });

  it("lets the non-prod deploy roles be assumed from main", () => {
    for (const stack of ["dev", "preprod"] as const) {
      expect(allows(trust("deploy", stack), assume(PROD, main))).toBe(true);
      expect(allows(trust("deploy", stack), assume(PROD, pullRequest))).toBe(false);
    }
  });

  it("gates the management deploy role behind its own environment", () => {
    expect(allows(trust("deploy", "management"), assume(PROD, `repo:${REPO}:environment:management`))).toBe(
      true,
    );
    expect(allows(trust("deploy", "management"), assume(PROD, main))).toBe(false);
  });

  it("lets ungated preview roles be assumed from pull requests and the drift environment only", () => {
    for (const stack of ["dev", "preprod"] as const) {
      expect(allows(trust("preview", stack), assume(PROD, pullRequest))).toBe(true);
      expect(allows(trust("preview", stack), assume(PROD, `repo:${REPO}:environment:drift`))).toBe(true);
      expect(allows(trust("preview", stack), assume(PROD, main))).toBe(false);
      expect(allows(trust("preview", stack), assume(PROD, featureBranch))).toBe(false);
    }
  });

  it("keeps pull requests away from the gated stacks' preview roles: only their reviewed preview environment", () => {
    for (const stack of ["management", "prod"] as const) {
      const doc = trust("preview", stack);
      expect(previewEnvironment(stack)).toBe(`${stack}-preview`);
      expect(allows(doc, assume(PROD, `repo:${REPO}:environment:${stack}-preview`))).toBe(true);
      expect(allows(doc, assume(PROD, `repo:${REPO}:environment:drift`))).toBe(true);
      expect(allows(doc, assume(PROD, pullRequest))).toBe(false);
      expect(allows(doc, assume(PROD, main))).toBe(false);
      expect(allows(doc, assume(PROD, `repo:${REPO}:environment:dev-preview`))).toBe(false);
    }
  });
});
