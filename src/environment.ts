import type * as aws from "@pulumi/aws";
import { clusterStack } from "./cluster/cluster-stack";
import type { EnvironmentConfig } from "./core";
import { managementReference } from "./core/management-outputs";
import { dataServices } from "./data/data-stack";
import { edgeStack } from "./edge/edge-stack";
import { gitopsSpokeStack } from "./gitops/gitops-stack";
import { stackNetwork } from "./network/network-stack";
import { transitSpokeStack } from "./transit/transit-stack";

/** An application environment (dev, preprod, prod): network, cluster, data services, pipeline, edge. */
export function environmentStack(cfg: EnvironmentConfig, provider: aws.Provider) {
  const opts = { provider };

  const network = stackNetwork(cfg, provider);

  // ── transit (Transit Gateway attachment and routes) ──
  const management = managementReference(cfg.project);
  const transit = transitSpokeStack(cfg, network, management, provider);

  // ── cluster (EKS, Karpenter, add-ons) ──
  const cluster = clusterStack(cfg, network, provider);

  // ── GitOps spoke (ArgoCD's deployer role, registration in the hub) ──
  const gitops = gitopsSpokeStack(cfg, cluster, management, provider);

  // ── data and payments pipeline ──
  // RDS and OpenSearch admit the cluster security group (every node, hence every pod) and the worker.
  const data = dataServices(
    cfg,
    { network, clusterClientSecurityGroupIds: [cluster.cluster.securityGroupId], cluster: cluster.cluster },
    opts,
  );

  // ── edge (CloudFront, WAF and certificate in us-east-1, DNS) ──
  const edge = edgeStack(cfg, data.forEdge, provider);

  return {
    accountId: cfg.accountId,
    region: cfg.region,
    ...network.outputs(),
    ...transit,
    ...cluster.outputs,
    ...gitops,
    ...data.outputs,
    ...edge,
  };
}
