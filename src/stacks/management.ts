import type * as aws from "@pulumi/aws";
import { Network } from "../components/network";
import type { ManagementConfig } from "../config";
import { clusterName } from "../naming";
import { clusterStack } from "./cluster";

/** The management account: organization, identity, shared networking, ArgoCD cluster, registries. */
export function managementStack(cfg: ManagementConfig, provider: aws.Provider) {
  const naming = { project: cfg.project, stack: cfg.stack };
  const opts = { provider };

  const network = new Network(
    "network",
    {
      naming,
      accountId: cfg.accountId,
      region: cfg.region,
      network: cfg.network,
      clusterName: clusterName(naming),
      protect: cfg.info.productionGrade,
    },
    opts,
  );

  // ── organization, guardrails, identity, CI roles, keys, registries, audit ──

  // ── transit (Transit Gateway hub, VPN) ──

  // ── cluster (EKS for ArgoCD and internal tools) ──
  const cluster = clusterStack(cfg, network, provider);

  return {
    accountId: cfg.accountId,
    region: cfg.region,
    ...network.outputs(),
    ...cluster.outputs,
  };
}
