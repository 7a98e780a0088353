import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "../core/naming";
import { toJson } from "../core/policy-document";
import type { RegistriesConfig } from "./governance-config";
import { registryLifecyclePolicy, registryPullPolicy } from "./registry-policies";

export interface RegistriesArgs {
  readonly naming: NameContext;
  readonly registries: RegistriesConfig;
  /** Accounts whose principals may pull images and charts (the workload accounts). */
  readonly readerAccountIds: pulumi.Input<string>[];
  /** Regions of the workload accounts' Lambda functions (`registries.lambdaImages` admit them there). */
  readonly lambdaRegions: readonly string[];
}

/** Path prefix of the OCI Helm chart repositories. */
export const CHART_PREFIX = "charts/";

/**
 * ECR repositories in the management account for the application images and the OCI Helm charts:
 * immutable tags (a released version never changes), scan on push, a lifecycle policy, and a
 * repository policy letting the workload accounts pull (and, for `lambdaImages`, the Lambda service
 * on behalf of those accounts' functions).
 */
export class Registries extends pulumi.ComponentResource {
  /** Repository URLs by repository name (`payments-api`, `charts/payments`). */
  readonly repositoryUrls: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: RegistriesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:registry:Registries", name, {}, opts);
    const parent = { parent: this };
    const { registries, naming } = args;
    const lifecycle = JSON.stringify(
      registryLifecyclePolicy({
        untaggedExpiryDays: registries.untaggedExpiryDays,
        keepTagged: registries.keepTaggedImages,
      }),
    );
    const pull = pulumi.all(args.readerAccountIds).apply((ids) => toJson(registryPullPolicy(ids)));
    const lambdaPull = pulumi
      .all(args.readerAccountIds)
      .apply((ids) => toJson(registryPullPolicy(ids, { regions: args.lambdaRegions })));
    const forLambda = new Set(registries.lambdaImages);
    const repos = [
      ...registries.images.map((n) => ({
        repo: n,
        logical: `image-${n.replace(/\//g, "-")}`,
        policy: forLambda.has(n) ? lambdaPull : pull,
      })),
      ...registries.charts.map((n) => ({
        repo: `${CHART_PREFIX}${n}`,
        logical: `chart-${n.replace(/\//g, "-")}`,
        policy: pull,
      })),
    ];
    for (const { repo, logical, policy } of repos) {
      const r = new aws.ecr.Repository(
        logical,
        {
          name: repo,
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "AES256" }],
          forceDelete: false,
          tags: nameTag(naming, "ecr", repo),
        },
        { ...parent, protect: true },
      );
      new aws.ecr.LifecyclePolicy(`${logical}-lifecycle`, { repository: r.name, policy: lifecycle }, parent);
      new aws.ecr.RepositoryPolicy(`${logical}-pull`, { repository: r.name, policy }, parent);
      this.repositoryUrls[repo] = r.repositoryUrl;
    }
    this.registerOutputs({ repositoryUrls: this.repositoryUrls });
  }
}
