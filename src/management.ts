import type * as aws from "@pulumi/aws";
import { clusterStack } from "./cluster";
import { ENVIRONMENT_STACKS } from "./core/environments";
import { auditedPaymentStores } from "./data";
import { argoCdPolicy, gitopsHubStack } from "./gitops";
import { governanceStack } from "./governance";
import { stackNetwork } from "./network";
import { securityManagementStack } from "./security";
import type { ManagementConfig } from "./stack-config";
import { transitHubStack } from "./transit";

/** The management account: organization, identity, shared networking, ArgoCD cluster, registries. */
export function managementStack(cfg: ManagementConfig, provider: aws.Provider) {
  const network = stackNetwork(cfg, { vpnClientCidr: cfg.transit.vpnClientCidr }, provider);

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

  // ── transit (Transit Gateway hub, VPN) ──
  const transit = transitHubStack(
    cfg,
    network,
    ENVIRONMENT_STACKS.map((s) => governance.deployRoleArns[s]),
    governance.organizationArn,
    provider,
  );

  // ── cluster (EKS for ArgoCD and internal tools) ──
  const cluster = clusterStack(cfg, network, { argoCdPolicy: argoCdPolicy(cfg) }, provider);

  // ── GitOps hub (ArgoCD's registrar, the payments project and ApplicationSet, chart registry) ──
  const gitops = gitopsHubStack(cfg, cluster, governance.deployRoleArns, provider);

  return {
    accountId: cfg.accountId,
    region: cfg.region,
    ...network.outputs(),
    ...governance.outputs,
    ...security,
    ...transit,
    ...cluster.outputs,
    ...gitops,
  };
}
