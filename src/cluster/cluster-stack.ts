import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { StackBasics } from "../core/config-loader";
import { clusterName } from "../core/naming";
import { iamRoleArn } from "../core/policy-document";
import { PREVIEW_ROLE_NAME } from "../core/stack-roles";
import type { Network } from "../network";
import type { ArgoCdConfigs, ExternalDnsScope } from "./addon-values";
import { Addons } from "./addons";
import { Cluster } from "./cluster";
import type { ClusterConfig, KarpenterConfig } from "./cluster-config";
import { Karpenter } from "./karpenter";

/** What the cluster reads of the stack's model. */
export type ClusterStackConfig = StackBasics & {
  readonly role: "management" | "environment";
  readonly cluster: ClusterConfig;
  readonly karpenter: KarpenterConfig;
};

/** What differs between the management cluster and an environment's. */
export type ClusterRoleOptions =
  /**
   * Management: the permissions of ArgoCD's role (assuming the environments' deployer roles), and
   * additions to ArgoCD's `argocd-cm` and `argocd-rbac-cm` (its API accounts and their RBAC).
   */
  | { readonly argoCdPolicy: pulumi.Input<string>; readonly argoCdConfigs?: ArgoCdConfigs }
  /**
   * Environment: the hosted zone and domain external-dns publishes the ALBs' names in, the Datadog
   * site the agent reports to, the namespaces Reloader watches, and the ALBs' access-log bucket.
   */
  | {
      readonly externalDns: ExternalDnsScope;
      readonly datadog: { readonly site: string };
      readonly reloadNamespaces: readonly string[];
      readonly albAccessLogs: { readonly bucket: string; readonly ready: pulumi.Resource };
    };

/**
 * The stack's EKS cluster, Karpenter and add-ons, from `platform:cluster` and `platform:karpenter` (and,
 * in an environment, the domain and hosted zone of `platform:edge` for external-dns). The
 * private API endpoint answers the management VPC (VPN clients, ArgoCD and CI runners reach every
 * cluster from there). Returns the stack outputs it adds.
 */
export function clusterStack(
  cfg: ClusterStackConfig,
  network: Network,
  roleOptions: ClusterRoleOptions,
  provider: aws.Provider,
  /** The network path to the private API endpoint (see `ClusterArgs.reachableAfter`). */
  reachableAfter: readonly pulumi.Resource[] = [],
) {
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
      // A stack deployed through its CI roles is previewed (and checked for drift) by its platform-preview.
      ...(cfg.deployRoleArn
        ? { deployRoleArn: cfg.deployRoleArn, previewRoleArn: iamRoleArn(cfg.accountId, PREVIEW_ROLE_NAME) }
        : {}),
      protect: cfg.info.productionGrade,
      reachableAfter,
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
      kubernetesVersion: cfg.cluster.kubernetesVersion,
      ...roleOptions,
    },
    { provider },
  );
  return { cluster, karpenter, addons, outputs: cluster.outputs() };
}

/** The stack's cluster with its Karpenter and add-ons, as other areas receive it. */
export type ClusterStack = ReturnType<typeof clusterStack>;
