import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "../core/naming";
import { toJson } from "../core/policy-document";
import {
  PR_CI_ROLE_NAME,
  PR_ENVIRONMENTS_ROLE_NAME,
  PR_GITHUB_ENVIRONMENT,
  PR_PERMISSIONS_BOUNDARY_NAME,
} from "../core/pr-names";
import { prEnvironmentsCiRolePolicy } from "./ci-permissions";
import { CI_ROLE_PREFIX, type CiSubjectSpec, ciTrustPolicy, DEPLOY_BRANCH } from "./ci-trust";
import { chartPublisherPermissions, prBoundaryPolicy, prEnvironmentsPermissions } from "./delivery-policies";
import { assumedOnlyBy, type Operators, roleArn } from "./platform-roles";

/** The CI role that pushes released charts to ECR. */
export const CHART_PUBLISHER_ROLE_NAME = `${CI_ROLE_PREFIX}chart-publisher`;

export interface DeliveryRolesArgs {
  readonly naming: NameContext;
  /** `owner/name` of this repository. */
  readonly repository: string;
  readonly region: string;
  /** The management account: the registry, the CI roles and the state bucket. */
  readonly accountId: string;
  /** The Pulumi project (`platform`): the state's object prefix. */
  readonly project: string;
  /** Path prefix of the chart repositories (`charts/`). */
  readonly chartRepositoryPrefix: string;
  /** Where PR environments live: the base environment's account, its cluster, and a provider there. */
  readonly prAccount: {
    readonly accountId: pulumi.Input<string>;
    readonly clusterName: string;
    readonly provider: aws.Provider;
  };
  /** Platform engineers who may also act as the PR environments' role (local runs). */
  readonly operators?: Operators;
}

/**
 * The delivery pipeline's CI roles, each trusted for the one workflow context it serves:
 *
 * - `platform-ci-chart-publisher` (management account), for jobs on `main` only: pushes charts to
 *   the chart repositories, nothing else; the release job of `.github/workflows/chart.yml`.
 * - `platform-ci-pr-environments` (management account), for jobs in the `pr-environments` GitHub
 *   environment (the pull requests' PR environment jobs and the reaper): assumes
 *   `platform-pr-environments` in the base environment's account, which creates and destroys PR
 *   environments' own resources, every role it creates bounded by `platform-pr-boundary`.
 */
export class DeliveryRoles extends pulumi.ComponentResource {
  readonly chartPublisherRoleArn: pulumi.Output<string>;
  readonly prCiRoleArn: pulumi.Output<string>;
  readonly prEnvironmentsRoleArn: pulumi.Output<string>;

  constructor(
    name: string,
    args: DeliveryRolesArgs & { readonly oidcProviderArn: pulumi.Input<string> },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("platform:ci:DeliveryRoles", name, {}, opts);
    const { naming } = args;
    const parent = { parent: this };
    const trust = (subject: CiSubjectSpec) =>
      pulumi
        .output(args.oidcProviderArn)
        .apply((providerArn) =>
          toJson(ciTrustPolicy({ providerArn, repository: args.repository, subjects: [subject] })),
        );

    const publisher = new aws.iam.Role(
      "ci-chart-publisher",
      {
        name: CHART_PUBLISHER_ROLE_NAME,
        description: `GitHub Actions (${args.repository}) on ${DEPLOY_BRANCH}: pushes released charts to ECR, nothing else.`,
        maxSessionDuration: 3600,
        assumeRolePolicy: trust({ kind: "branch", name: DEPLOY_BRANCH }),
        tags: nameTag(naming, "ci", "chart-publisher"),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      "ci-chart-publisher-push",
      {
        role: publisher.name,
        policy: toJson(
          chartPublisherPermissions({
            region: args.region,
            accountId: args.accountId,
            repositoryPrefix: args.chartRepositoryPrefix,
          }),
        ),
      },
      parent,
    );
    this.chartPublisherRoleArn = publisher.arn;

    const ci = new aws.iam.Role(
      "ci-pr-environments",
      {
        name: PR_CI_ROLE_NAME,
        description: `GitHub Actions (${args.repository}) jobs in the ${PR_GITHUB_ENVIRONMENT} environment: create and destroy PR environments.`,
        maxSessionDuration: 3600,
        assumeRolePolicy: trust({ kind: "environment", name: PR_GITHUB_ENVIRONMENT }),
        tags: nameTag(naming, "ci", "pr-environments"),
      },
      parent,
    );
    this.prCiRoleArn = ci.arn;

    const inPrAccount = { parent: this, provider: args.prAccount.provider };
    const boundary = new aws.iam.Policy(
      "pr-boundary",
      {
        name: PR_PERMISSIONS_BOUNDARY_NAME,
        description: "The most any role a PR environment creates may do: that PR environment's own data.",
        policy: pulumi
          .output(args.prAccount.accountId)
          .apply((accountId) => toJson(prBoundaryPolicy({ region: args.region, accountId }))),
        tags: nameTag(naming, "pr-boundary"),
      },
      inPrAccount,
    );
    const target = new aws.iam.Role(
      "pr-environments",
      {
        name: PR_ENVIRONMENTS_ROLE_NAME,
        description: "PR environments' stacks: their own data, bounded roles and Pod Identity associations.",
        maxSessionDuration: 3600,
        assumeRolePolicy: ci.arn.apply((arn) => toJson(assumedOnlyBy([arn], args.operators))),
        tags: nameTag(naming, "pr-environments"),
      },
      inPrAccount,
    );
    new aws.iam.RolePolicy(
      "pr-environments-policy",
      {
        role: target.name,
        policy: pulumi.output(args.prAccount.accountId).apply((accountId) =>
          toJson(
            prEnvironmentsPermissions({
              region: args.region,
              accountId,
              clusterName: args.prAccount.clusterName,
            }),
          ),
        ),
      },
      { ...inPrAccount, dependsOn: [boundary] },
    );
    this.prEnvironmentsRoleArn = pulumi
      .all([args.prAccount.accountId, target.name])
      .apply(([accountId, roleName]) => roleArn(accountId, roleName));
    new aws.iam.RolePolicy(
      "ci-pr-environments-assume",
      {
        role: ci.name,
        policy: this.prEnvironmentsRoleArn.apply((arn) =>
          toJson(
            prEnvironmentsCiRolePolicy({
              project: args.project,
              managementAccountId: args.accountId,
              region: args.region,
              targetRoleArn: arn,
            }),
          ),
        ),
      },
      parent,
    );
    this.registerOutputs({
      chartPublisherRoleArn: this.chartPublisherRoleArn,
      prCiRoleArn: this.prCiRoleArn,
      prEnvironmentsRoleArn: this.prEnvironmentsRoleArn,
    });
  }
}
