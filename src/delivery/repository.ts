import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import type { RepositoryConfig } from "./delivery-config";
import { deploymentEnvironments, mainRuleset, TAILNET_CLIENT_SECRETS } from "./repository-rules";

export interface RepositoryArgs {
  /** The repository's name (without its owner). */
  readonly repository: string;
  readonly settings: RepositoryConfig;
  /** The platform team's numeric id: reviewer of the protected environments and the gated stack files. */
  readonly platformTeamId: pulumi.Input<number>;
  /** The CI OAuth client runners join the tailnet with, stored as repository secrets. */
  readonly tailnetClient: { readonly id: pulumi.Input<string>; readonly secret: pulumi.Input<string> };
  readonly provider: github.Provider;
}

/**
 * The GitHub repository's rules, as code: the `main` ruleset (pull requests with code-owner review,
 * the `ci.yml` checks, merge queue, linear history, no force push or deletion), the deployment
 * environments with their reviewers and branch/tag policies (`deploymentEnvironments`), and the
 * tailnet client's repository secrets.
 */
export class Repository extends pulumi.ComponentResource {
  readonly rulesetId: pulumi.Output<string>;
  readonly environments: readonly string[];

  constructor(name: string, args: RepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:delivery:Repository", name, {}, opts);
    const parent = { parent: this, provider: args.provider };
    const repository = args.repository;
    const spec = mainRuleset(args.settings);
    const team = pulumi.output(args.platformTeamId);

    const ruleset = new github.RepositoryRuleset(
      "main-ruleset",
      {
        repository,
        name: spec.name,
        target: spec.target,
        enforcement: spec.enforcement,
        conditions: spec.conditions,
        rules: {
          deletion: spec.rules.deletion,
          nonFastForward: spec.rules.nonFastForward,
          requiredLinearHistory: spec.rules.requiredLinearHistory,
          pullRequest: {
            ...spec.rules.pullRequest,
            requiredReviewers: [
              {
                filePatterns: spec.rules.gatedStackFiles.filePatterns,
                minimumApprovals: spec.rules.gatedStackFiles.minimumApprovals,
                reviewer: { id: team, type: "Team" },
              },
            ],
          },
          requiredStatusChecks: spec.rules.requiredStatusChecks,
          mergeQueue: spec.rules.mergeQueue,
        },
      },
      parent,
    );
    this.rulesetId = ruleset.id;

    const envs = deploymentEnvironments();
    for (const env of envs) {
      const environment = new github.RepositoryEnvironment(
        `env-${env.name}`,
        {
          repository,
          environment: env.name,
          ...(env.reviewed
            ? { reviewers: [{ teams: [team] }], preventSelfReview: true, canAdminsBypass: false }
            : {}),
          ...(env.branches === "any"
            ? {}
            : { deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true } }),
        },
        parent,
      );
      if (env.branches === "any") continue;
      for (const branch of env.branches) {
        new github.RepositoryEnvironmentDeploymentPolicy(
          `env-${env.name}-branch-${branch}`,
          { repository, environment: environment.environment, branchPattern: branch },
          parent,
        );
      }
      for (const tag of env.tags) {
        new github.RepositoryEnvironmentDeploymentPolicy(
          `env-${env.name}-tag-${tag.replace(/[^a-z0-9-]/gi, "")}`,
          { repository, environment: environment.environment, tagPattern: tag },
          parent,
        );
      }
    }
    this.environments = envs.map((e) => e.name);

    new github.ActionsSecret(
      "tailnet-client-id",
      { repository, secretName: TAILNET_CLIENT_SECRETS.id, plaintextValue: args.tailnetClient.id },
      parent,
    );
    new github.ActionsSecret(
      "tailnet-client-secret",
      {
        repository,
        secretName: TAILNET_CLIENT_SECRETS.secret,
        plaintextValue: pulumi.secret(args.tailnetClient.secret),
      },
      parent,
    );

    this.registerOutputs({ rulesetId: this.rulesetId });
  }
}
