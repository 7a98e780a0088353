import type * as aws from "@pulumi/aws";
import type { PlatformConfig } from "../core";
import { clusterName } from "../core/naming";
import { argoCdPolicy } from "../gitops/gitops-stack";
import type { Network } from "../network/network";
import { Addons } from "./addons";
import { Cluster } from "./cluster";
import { Karpenter } from "./karpenter";

/**
 * The stack's EKS cluster, Karpenter and add-ons, from `platform:cluster` and `platform:karpenter` (and,
 * in an environment, the domain and hosted zone of `platform:edge` for external-dns). The
 * private API endpoint answers the management VPC (VPN clients, ArgoCD and CI runners reach every
 * cluster from there). Returns the stack outputs it adds.
 */
export function clusterStack(cfg: PlatformConfig, network: Network, provider: aws.Provider) {
  const naming = { project: cfg.project, stack: cfg.stack };
  const managementVpc = cfg.peers.management.vpcCidr;
  const cluster = new Cluster(
    "cluster",
    {
      naming,
      accountId: cfg.accountId,
      region: cfg.region,
      name: clusterName(naming),
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      cluster: cfg.cluster,
      apiClientCidrs: managementVpc ? [managementVpc] : [],
      ...(cfg.deployRoleArn ? { deployRoleArn: cfg.deployRoleArn } : {}),
      protect: cfg.info.productionGrade,
    },
    { provider, dependsOn: [network] },
  );
  const karpenter = new Karpenter(
    "karpenter",
    { naming, cluster, karpenter: cfg.karpenter, tags: cfg.tags },
    { provider },
  );
  const addons = new Addons(
    "addons",
    {
      naming,
      cluster,
      vpcId: network.vpcId,
      role: cfg.role,
      dependsOn: [karpenter.nodePool],
      protect: cfg.info.productionGrade,
      ...(cfg.role === "management"
        ? { argoCdPolicy: argoCdPolicy(cfg) }
        : { externalDns: { domain: cfg.edge.domain, hostedZoneId: cfg.edge.hostedZoneId } }),
    },
    { provider },
  );
  return { cluster, karpenter, addons, outputs: cluster.outputs() };
}
