import type * as aws from "@pulumi/aws";
import { clusterStack } from "./cluster";
import { readManagementOutputs } from "./core/management-outputs";
import { dataServices } from "./data";
import { edgeStack } from "./edge";
import { gitopsSpokeStack } from "./gitops";
import { stackNetwork } from "./network";
import type { EnvironmentConfig } from "./stack-config";
import { transitSpokeStack } from "./transit";

/** An application environment (dev, preprod, prod): network, cluster, data services, pipeline, edge. */
export async function environmentStack(cfg: EnvironmentConfig, provider: aws.Provider) {
  // What the management stack provides (Transit Gateway, ArgoCD), validated before anything else.
  const management = await readManagementOutputs(cfg.project);

  const network = stackNetwork(cfg, provider);

  // ── transit (Transit Gateway attachment and routes) ──
  const transit = transitSpokeStack(cfg, network, management, provider);

  // ── cluster (EKS, Karpenter, add-ons) ──
  const externalDns = { domain: cfg.edge.domain, hostedZoneId: cfg.edge.hostedZoneId };
  const cluster = clusterStack(cfg, network, { externalDns }, provider);

  // ── GitOps spoke (ArgoCD's deployer role, registration in the hub) ──
  const gitops = gitopsSpokeStack(cfg, cluster, management, provider);

  // ── data and payments pipeline ──
  // RDS and OpenSearch admit the cluster security group (every node, hence every pod) and the worker.
  const data = dataServices(
    cfg,
    { network, clusterClientSecurityGroupIds: [cluster.cluster.securityGroupId], cluster: cluster.cluster },
    { provider },
  );

  // ── edge (CloudFront, WAF and certificate in us-east-1, DNS) ──
  const edge = edgeStack(cfg, data.forEdge, provider);

  return {
    accountId: cfg.accountId,
    region: cfg.region,
    ...network.outputs(),
    ...transit,
    ...cluster.outputs,
    // What the PR environments built on this one read (src/core/base-environment-outputs.ts).
    clusterEndpoint: cluster.cluster.endpoint,
    clusterCertificateAuthority: cluster.cluster.certificateAuthorityData,
    ...gitops,
    ...data.outputs,
    ...edge,
  };
}
