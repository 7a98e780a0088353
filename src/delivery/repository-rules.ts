import { ENVIRONMENT_STACKS, GATED_STACKS, STACKS, stackFileName } from "../core/environments";
import { PR_GITHUB_ENVIRONMENT } from "../core/pr-names";
import { DEPLOY_BRANCH, DRIFT_ENVIRONMENT, previewEnvironment } from "../governance";
import type { RepositoryConfig } from "./delivery-config";

/**
 * The repository's rules as data: what `main` requires, the deployment environments the workflows
 * run in, and the code owners. The workflows in `.github/workflows` are checked against these by
 * tests, so the rules and the pipelines cannot drift apart.
 */

/**
 * The checks of `ci.yml` a pull request (and the merge queue) must pass: the test job, and the
 * job that gathers the stack previews (it succeeds when every preview the change needs succeeded,
 * and when none was needed, as in the merge queue).
 */
export const REQUIRED_CHECKS: readonly string[] = ["typecheck, lint, tests", "previews"];

/** Repository secrets holding the CI OAuth client that joins runners to the tailnet. */
export const TAILNET_CLIENT_SECRETS = {
  id: "TS_OAUTH_CLIENT_ID",
  secret: "TS_OAUTH_SECRET",
} as const;

export interface EnvironmentSpec {
  readonly name: string;
  /** Why the environment exists (shown in the plan and the README). */
  readonly purpose: string;
  /** Each run waits for a platform-team reviewer other than the person who triggered it. */
  readonly reviewed: boolean;
  /** Branches that may run jobs in it; `"any"` for pull-request heads (a preview of any branch). */
  readonly branches: readonly string[] | "any";
  /** Tags that may run jobs in it. */
  readonly tags: readonly string[];
}

/**
 * The deployment environments, derived from the list of stacks: one per gated stack (its applies
 * and, for an environment, its promotions wait for a reviewer), one per other environment (its
 * promotions: its ArgoCD token), the gated stacks' reviewed previews, the nightly drift check, and
 * the PR environments' jobs.
 */
export function deploymentEnvironments(): EnvironmentSpec[] {
  return [
    ...GATED_STACKS.map(
      (stack): EnvironmentSpec => ({
        name: stack,
        purpose:
          STACKS[stack].role === "environment"
            ? `pulumi up of the ${stack} stack (its deploy role trusts only this environment) and the promotions to ${stack} (its ArgoCD token): the release approval`
            : `pulumi up of the ${stack} stack (its deploy role trusts only this environment)`,
        reviewed: true,
        branches: [DEPLOY_BRANCH],
        tags: [],
      }),
    ),
    ...ENVIRONMENT_STACKS.filter((stack) => !STACKS[stack].gated).map(
      (stack): EnvironmentSpec => ({
        name: stack,
        purpose: `the promotions to ${stack} through ArgoCD (its ArgoCD token), from main`,
        reviewed: false,
        branches: [DEPLOY_BRANCH],
        tags: [],
      }),
    ),
    ...GATED_STACKS.map(
      (stack): EnvironmentSpec => ({
        name: previewEnvironment(stack),
        purpose: `pull-request previews of the ${stack} stack, which decrypt its secrets: approved per run after reading the change`,
        reviewed: true,
        branches: "any",
        tags: [],
      }),
    ),
    {
      name: DRIFT_ENVIRONMENT,
      purpose: "the nightly read-only drift check of every stack, from main",
      reviewed: false,
      branches: [DEPLOY_BRANCH],
      tags: [],
    },
    {
      name: PR_GITHUB_ENVIRONMENT,
      purpose:
        "PR environments: the only OIDC subject their CI role trusts, and their ArgoCD token; any pull request's head (forks get no secrets)",
      reviewed: false,
      branches: "any",
      tags: [],
    },
  ];
}

/** What the `main` ruleset enforces, apart from the reviewer team's id (resolved at deploy time). */
export function mainRuleset(cfg: RepositoryConfig) {
  return {
    name: "main",
    target: "branch",
    enforcement: "active",
    conditions: { refName: { includes: ["~DEFAULT_BRANCH"], excludes: [] as string[] } },
    rules: {
      deletion: true,
      nonFastForward: true,
      requiredLinearHistory: true,
      pullRequest: {
        requiredApprovingReviewCount: cfg.requiredApprovals,
        requireCodeOwnerReview: true,
        dismissStaleReviewsOnPush: true,
        requireLastPushApproval: true,
        requiredReviewThreadResolution: true,
      },
      /** The gated stacks' files need `gatedStackApprovals` from the platform team. */
      gatedStackFiles: {
        filePatterns: GATED_STACKS.map(stackFileName),
        minimumApprovals: cfg.gatedStackApprovals,
      },
      requiredStatusChecks: {
        requiredChecks: REQUIRED_CHECKS.map((context) => ({ context })),
        // The merge queue tests each change on top of the others; no need to rebase first.
        strictRequiredStatusChecksPolicy: false,
      },
      mergeQueue: {
        mergeMethod: "SQUASH",
        groupingStrategy: "ALLGREEN",
        maxEntriesToBuild: 5,
        maxEntriesToMerge: 5,
        minEntriesToMerge: 1,
        minEntriesToMergeWaitMinutes: 5,
        checkResponseTimeoutMinutes: 60,
      },
    },
  };
}

/** Paths the platform team owns (CODEOWNERS patterns). */
export const OWNED_PATHS: readonly string[] = [
  "/src/",
  "/Pulumi.*.yaml",
  "/.github/",
  "/bootstrap/",
  "/scripts/",
  "/.ci/",
];

/** `.github/CODEOWNERS` for `owner/team` (a test keeps the committed file equal to it). */
export function codeowners(owner: string, team: string): string {
  const who = `@${owner}/${team}`;
  const width = Math.max(...OWNED_PATHS.map((p) => p.length)) + 2;
  return [
    "# Code owners: generated from platform:repository.platformTeam by codeowners() in",
    "# src/delivery/repository-rules.ts (a test keeps this file equal to it). The main ruleset requires",
    "# a code owner's review, and two of the platform team's for the prod and management stack files.",
    ...OWNED_PATHS.map((p) => `${p.padEnd(width)}${who}`),
    "",
  ].join("\n");
}
