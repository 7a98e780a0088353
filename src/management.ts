import type * as aws from "@pulumi/aws";
import { clusterStack } from "./cluster";
import { ENVIRONMENT_STACKS } from "./core/environments";
import { argoCdApiAccess, argoCdPolicy, gitopsHubStack } from "./gitops";
import { governanceStack } from "./governance";
import { stackNetwork } from "./network";
import type { ManagementConfig } from "./stack-config";
import { transitHubStack } from "./transit";

/** The management account: organization, identity, shared networking, ArgoCD cluster, registries. */
export function managementStack(cfg: ManagementConfig, provider: aws.Provider) {
  const network = stackNetwork(cfg, provider);

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
  const cluster = clusterStack(
    cfg,
    network,
    { argoCdPolicy: argoCdPolicy(cfg), argoCdConfigs: argoCdApiAccess() },
    provider,
  );

  // ── GitOps hub (ArgoCD's registrar, the payments project and ApplicationSet, chart registry) ──
  const gitops = gitopsHubStack(cfg, cluster, governance.deployRoleArns, provider);

  return {
    accountId: cfg.accountId,
    region: cfg.region,
    ...network.outputs(),
    ...governance.outputs,
    ...transit,
    ...cluster.outputs,
    ...gitops,
  };
}
