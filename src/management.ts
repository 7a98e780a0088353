import type * as aws from "@pulumi/aws";
import { clusterStack } from "./cluster";
import { ENVIRONMENT_STACKS } from "./core/environments";
import { auditedPaymentStores } from "./data";
import { repositoryStack, tailnetStack } from "./delivery";
import { argoCdApiAccess, argoCdPolicy, gitopsHubStack } from "./gitops";
import { governanceStack, organizationImportStack } from "./governance";
import { stackNetwork } from "./network";
import { securityManagementStack } from "./security";
import type { ManagementConfig } from "./stack-config";
import { ROUTER_TAG, transitHubStack, vpnRoutes } from "./transit";

/** The management account: organization, identity, shared networking, ArgoCD cluster, registries. */
export function managementStack(cfg: ManagementConfig, provider: aws.Provider) {
  // The very first run adopts the organization created by hand, and does nothing else.
  if (cfg.organization.importExisting) {
    return organizationImportStack(cfg.organization.importExisting, provider);
  }
  const network = stackNetwork(cfg, provider);

  // ── organization, guardrails, identity, CI roles, keys, registries, audit ──
  // The trail records the data events of the environments' payment stores (named from their stack files).
  const stores = ENVIRONMENT_STACKS.flatMap((env) => {
    const peer = cfg.peers[env];
    return peer.accountId
      ? [
          auditedPaymentStores(
            { project: cfg.project, stack: env },
            { accountId: peer.accountId, region: peer.region ?? cfg.region },
          ),
        ]
      : [];
  });
  const governance = governanceStack(cfg, provider, {
    s3BucketNames: stores.map((s) => s.archiveBucket),
    dynamodbTableArns: stores.map((s) => s.tableArn),
  });

  // ── security baseline (detective controls from the security account, alerts, budgets) ──
  const security = securityManagementStack(cfg, governance, provider);

  // ── the tailnet (policy, subnet routers' key, CI's OAuth client) ──
  const tailnet = tailnetStack(cfg, { advertised: vpnRoutes(cfg), routerTag: ROUTER_TAG });

  // ── transit (Transit Gateway hub, VPN subnet routers) ──
  const transit = transitHubStack(
    cfg,
    network,
    {
      deploy: ENVIRONMENT_STACKS.map((s) => governance.deployRoleArns[s]),
      preview: ENVIRONMENT_STACKS.map((s) => governance.previewRoleArns[s]),
    },
    governance.organizationArn,
    tailnet.tailnet.routerAuthKey,
    provider,
  );

  // ── cluster (EKS for ArgoCD and internal tools), reached over the tailnet once its routers run ──
  const cluster = clusterStack(
    cfg,
    network,
    { argoCdPolicy: argoCdPolicy(cfg), argoCdConfigs: argoCdApiAccess() },
    provider,
    [tailnet.tailnet, transit.routers],
  );

  // ── GitOps hub (ArgoCD's registrar, the payments project and ApplicationSet, chart registry) ──
  const gitops = gitopsHubStack(
    cfg,
    cluster,
    { deploy: governance.deployRoleArns, preview: governance.previewRoleArns },
    provider,
  );

  // ── the repository's rules, environments and tailnet secrets ──
  const repository = repositoryStack(cfg, tailnet.tailnet);

  return {
    accountId: cfg.accountId,
    region: cfg.region,
    ...network.outputs(),
    ...governance.outputs,
    ...tailnet.outputs,
    ...transit.outputs,
    ...security,
    ...cluster.outputs,
    ...gitops,
    ...repository.outputs,
  };
}
