import type * as aws from "@pulumi/aws";
import type { EnvironmentConfig } from "../config";
import { clusterStack } from "./cluster";
import { dataServices } from "./data";
import { edgeStack } from "./edge";
import { gitopsSpokeStack } from "./gitops";
import { managementReference } from "./management-ref";
import { stackNetwork } from "./network";
import { transitSpokeStack } from "./transit";

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
