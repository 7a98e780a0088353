import * as github from "@pulumi/github";
import * as tailscale from "@pulumi/tailscale";
import type { StackBasics } from "../core/config-loader";
import { MANAGEMENT_STACK, STACK_NAMES } from "../core/environments";
import { privateSubnetRange } from "../network";
import type { RepositoryConfig, TailnetConfig } from "./delivery-config";
import { Repository } from "./repository";
import { Tailnet } from "./tailnet";
import { CI_TAG, tailnetPolicy } from "./tailnet-policy";

/** What delivery reads of the management stack's model. */
export type DeliveryStackConfig = StackBasics & {
  readonly ci: { readonly repository: string };
  readonly repository: RepositoryConfig;
  readonly tailnet: TailnetConfig;
};

/**
 * ArgoCD's API inside the management VPC, which CI may reach on 443 through the tailnet: the internal
 * load balancer in front of argocd-server (src/gitops/delivery-hub.ts) sits in the management VPC's
 * private subnets, so the destination is that block (it also holds the management cluster's API).
 */
export function argoCdApi(managementVpcCidr: string): string[] {
  return privateSubnetRange(managementVpcCidr);
}

/** A stack's VPC block, as its stack file declares it. */
function kubernetesApiVpc(cfg: DeliveryStackConfig, stack: (typeof STACK_NAMES)[number]): string {
  const vpc = cfg.peers[stack]?.vpcCidr;
  if (!vpc) throw new Error(`delivery: the ${stack} stack file declares no platform:network.vpcCidr`);
  return vpc;
}

/**
 * The tailnet as code (`platform:tailnet`): the policy (staff to the VPCs on 443; CI to the
 * clusters' API endpoints, wherever each stack's VPC holds its private subnets, and ArgoCD on 443),
 * the subnet routers' key and CI's OAuth client. The Tailscale provider takes its credentials from
 * the environment (`TAILSCALE_OAUTH_CLIENT_ID` / `TAILSCALE_OAUTH_CLIENT_SECRET`).
 */
export function tailnetStack(
  cfg: DeliveryStackConfig,
  routes: { readonly advertised: readonly string[]; readonly routerTag: string },
) {
  const provider = new tailscale.Provider("tailscale", { tailnet: cfg.tailnet.tailnet });
  const kubernetesApi = Object.fromEntries(
    STACK_NAMES.map((s) => [s, privateSubnetRange(kubernetesApiVpc(cfg, s))]),
  );
  const policy = tailnetPolicy({
    routerTag: routes.routerTag,
    advertisedRoutes: routes.advertised,
    kubernetesApi,
    argoCdApi: argoCdApi(kubernetesApiVpc(cfg, MANAGEMENT_STACK)),
  });
  const tailnet = new Tailnet("tailnet", { policy, routerTag: routes.routerTag, provider });
  return { tailnet, outputs: { tailnetCiTag: CI_TAG, tailnetCiClientId: tailnet.ciClientId } };
}

/**
 * The GitHub repository's rules as code (`platform:repository`, `platform:ci.repository`). The
 * GitHub provider takes its token from the environment (`GITHUB_TOKEN`: a GitHub App installation
 * token with administration, environments and secrets permissions on the repository).
 */
export function repositoryStack(cfg: DeliveryStackConfig, tailnet: Tailnet) {
  const [owner, name] = cfg.ci.repository.split("/") as [string, string];
  const provider = new github.Provider("github", { owner });
  const team = github.getTeamOutput({ slug: cfg.repository.platformTeam, summaryOnly: true }, { provider });
  const repository = new Repository("repository", {
    repository: name,
    settings: cfg.repository,
    platformTeamId: team.id.apply((id) => Number(id)),
    tailnetClient: { id: tailnet.ciClientId, secret: tailnet.ciClientSecret },
    provider,
  });
  return {
    outputs: { repositoryRulesetId: repository.rulesetId, repositoryEnvironments: repository.environments },
  };
}
