import * as github from "@pulumi/github";
import * as tailscale from "@pulumi/tailscale";
import type { StackBasics } from "../core/config-loader";
import { STACK_NAMES } from "../core/environments";
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
 * ArgoCD's API inside the management VPC (addresses or blocks), which CI may reach on 443 through
 * the tailnet. Empty until ArgoCD's API has its internal address; set it here when it does.
 */
export const ARGOCD_API: readonly string[] = [];

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
    STACK_NAMES.map((s) => {
      const vpc = cfg.peers[s]?.vpcCidr;
      if (!vpc) throw new Error(`delivery: the ${s} stack file declares no platform:network.vpcCidr`);
      return [s, privateSubnetRange(vpc)];
    }),
  );
  const policy = tailnetPolicy({
    routerTag: routes.routerTag,
    advertisedRoutes: routes.advertised,
    kubernetesApi,
    argoCdApi: ARGOCD_API,
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
