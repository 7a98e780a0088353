/**
 * Trust policies for the CI roles: assumable only with a GitHub Actions OIDC token issued for this
 * repository, and only in the workflow contexts a role is meant for.
 *
 * GitHub's default `sub` claim is one of
 *   `repo:<owner>/<repo>:ref:refs/heads/<branch>`  (a job without a deployment environment),
 *   `repo:<owner>/<repo>:environment:<name>`       (a job with `environment: <name>`),
 *   `repo:<owner>/<repo>:pull_request`             (a pull_request-triggered job).
 * A job that names an environment gets the environment form, never the branch form; the comparison
 * is case-sensitive, so `repository` must be spelled exactly as GitHub spells it.
 */

import { GATED_STACKS, type StackName } from "../core/environments";
import { type PolicyDocument, policy } from "../core/policy-document";
import { PLATFORM_ROLE_PREFIX } from "./scp";

/** Issuer host of GitHub Actions OIDC tokens (also the IAM OIDC provider's URL without scheme). */
export const GITHUB_OIDC_ISSUER_HOST = "token.actions.githubusercontent.com";
/** The audience `aws-actions/configure-aws-credentials` requests. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
/** CI roles are platform roles, so the identity guardrail protects them too. */
export const CI_ROLE_PREFIX = `${PLATFORM_ROLE_PREFIX}ci-`;

/** `deploy` roles apply changes; `preview` roles are read-only and run `pulumi preview` for pull requests. */
export type CiRoleKind = "deploy" | "preview";

/** Name of a CI role: `platform-ci-deploy-prod`, `platform-ci-preview-dev`, … */
export function ciRoleName(kind: CiRoleKind, stack: StackName): string {
  return `${CI_ROLE_PREFIX}${kind}-${stack}`;
}

/** A workflow context allowed to assume a role. */
export type CiSubjectSpec =
  /** Jobs without a deployment environment on this branch (`*` allowed after a literal prefix: `release/*`). */
  | { readonly kind: "branch"; readonly name: string }
  /** Jobs that run in this GitHub deployment environment (protected by its required reviewers). */
  | { readonly kind: "environment"; readonly name: string }
  /** Jobs triggered by a pull request (from this repository; forks get no OIDC token by default). */
  | { readonly kind: "pullRequest" };

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const BRANCH = /^[A-Za-z0-9._/-]+\*?$/;
const ENVIRONMENT = /^[A-Za-z0-9._-]+$/;

/** The `sub` claim value (or StringLike pattern) for one spec. Throws on anything wider than intended. */
export function githubSubject(repository: string, spec: CiSubjectSpec): string {
  if (!REPOSITORY.test(repository)) {
    throw new Error(`"${repository}" is not a GitHub repository ("owner/name", no wildcards)`);
  }
  switch (spec.kind) {
    case "branch":
      if (!BRANCH.test(spec.name) || spec.name.replace(/[*/]/g, "").length === 0) {
        throw new Error(
          `branch "${spec.name}" must be a branch name, optionally ending in * after a literal prefix`,
        );
      }
      return `repo:${repository}:ref:refs/heads/${spec.name}`;
    case "environment":
      if (!ENVIRONMENT.test(spec.name)) {
        throw new Error(`environment "${spec.name}" must be a deployment environment name (no wildcards)`);
      }
      return `repo:${repository}:environment:${spec.name}`;
    case "pullRequest":
      return `repo:${repository}:pull_request`;
  }
}

export interface CiTrustArgs {
  /** ARN of the account's IAM OIDC provider for GitHub Actions. */
  readonly providerArn: string;
  /** `owner/name` of this repository. */
  readonly repository: string;
  /** The workflow contexts that may assume the role; at least one. */
  readonly subjects: readonly CiSubjectSpec[];
}

/**
 * Trust policy of a CI role: `sts:AssumeRoleWithWebIdentity` through the GitHub OIDC provider, with
 * `aud` equal to `sts.amazonaws.com` and `sub` one of the listed subjects (StringEquals, or StringLike
 * when a branch pattern ends in `*`).
 */
export function ciTrustPolicy(args: CiTrustArgs): PolicyDocument {
  if (!/^arn:aws:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/.test(args.providerArn)) {
    throw new Error(`"${args.providerArn}" is not the ARN of a GitHub Actions OIDC provider`);
  }
  if (args.subjects.length === 0) throw new Error("ciTrustPolicy: at least one subject is required");
  const subjects = [...new Set(args.subjects.map((s) => githubSubject(args.repository, s)))];
  const subOperator = subjects.some((s) => s.includes("*")) ? "StringLike" : "StringEquals";
  const aud = `${GITHUB_OIDC_ISSUER_HOST}:aud`;
  const sub = `${GITHUB_OIDC_ISSUER_HOST}:sub`;
  const subValue = subjects.length === 1 ? subjects[0]! : subjects;
  return policy({
    Sid: "GitHubActionsAssumeRole",
    Effect: "Allow",
    Principal: { Federated: args.providerArn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition:
      subOperator === "StringEquals"
        ? { StringEquals: { [aud]: GITHUB_OIDC_AUDIENCE, [sub]: subValue } }
        : { StringEquals: { [aud]: GITHUB_OIDC_AUDIENCE }, StringLike: { [sub]: subValue } },
  });
}

/**
 * Stacks whose deploy role may only be assumed from the protected GitHub deployment environment of
 * the same name: prod, and management (it holds the organization and its guardrails).
 */
export const ENVIRONMENT_GATED_STACKS: readonly StackName[] = GATED_STACKS;
/** The branch the other stacks deploy from. */
export const DEPLOY_BRANCH = "main";

/**
 * The protected GitHub deployment environment a pull request's preview of a gated stack runs in
 * (`management-preview`, `prod-preview`). Its required reviewers approve each run after reading the
 * pull request's code: that code runs with the right to decrypt the stack's secrets, so no
 * unreviewed change ever reaches them.
 */
export function previewEnvironment(stack: StackName): string {
  return `${stack}-preview`;
}

/**
 * The GitHub deployment environment of the nightly drift check (`main` only, no reviewers): its
 * jobs run reviewed code, read-only, against every stack.
 */
export const DRIFT_ENVIRONMENT = "drift";

/**
 * Who may assume a stack's CI role of the given kind:
 *  - deploy: the stack's protected deployment environment (gated stacks), else `main`;
 *  - preview: pull requests (ungated stacks) or the stack's protected preview environment (gated
 *    stacks, see `previewEnvironment`), and the drift environment for every stack.
 */
export function ciSubjects(kind: CiRoleKind, stack: StackName): CiSubjectSpec[] {
  const gated = ENVIRONMENT_GATED_STACKS.includes(stack);
  if (kind === "preview") {
    return [
      gated ? { kind: "environment", name: previewEnvironment(stack) } : { kind: "pullRequest" },
      { kind: "environment", name: DRIFT_ENVIRONMENT },
    ];
  }
  return gated ? [{ kind: "environment", name: stack }] : [{ kind: "branch", name: DEPLOY_BRANCH }];
}

/** Trust policy of the stack's CI role of the given kind (see `ciSubjects`). */
export function ciRoleTrust(args: {
  readonly providerArn: string;
  readonly repository: string;
  readonly kind: CiRoleKind;
  readonly stack: StackName;
}): PolicyDocument {
  return ciTrustPolicy({ ...args, subjects: ciSubjects(args.kind, args.stack) });
}
