import type * as aws from "@pulumi/aws";
import { Network } from "../components/network";
import type { ManagementConfig } from "../config";
import { ENVIRONMENT_STACKS } from "../config/stacks";
import { clusterName } from "../naming";
import { clusterStack } from "./cluster";
import { governanceStack } from "./governance";
import { transitHubStack } from "./transit";

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
  const governance = governanceStack(cfg, provider);

  // ── transit (Transit Gateway hub, VPN) ──
  const transit = transitHubStack(
    cfg,
    network,
    ENVIRONMENT_STACKS.map((s) => governance.deployRoleArns[s]),
    governance.organizationArn,
    provider,
  );

  // ── cluster (EKS for ArgoCD and internal tools) ──
  const cluster = clusterStack(cfg, network, provider);

  return {
    accountId: cfg.accountId,
    region: cfg.region,
    ...network.outputs(),
    ...governance.outputs,
    ...transit,
    ...cluster.outputs,
  };
}
