import { isGravitonFamily } from "./cluster-config";

/**
 * What keeps the system node group for the cluster's critical add-ons: the taint it carries, the
 * toleration and node selector the add-ons use to land there, and the EKS managed add-ons'
 * configuration values. Plain data, unit-tested.
 */

/** The taint on every system node: only pods that tolerate it (critical add-ons, Karpenter) run there. */
export const CRITICAL_ADDONS_TAINT = {
  key: "CriticalAddonsOnly",
  value: "true",
  effect: "NoSchedule",
} as const;

/** The toleration of `CRITICAL_ADDONS_TAINT`. */
export const CRITICAL_ADDONS_TOLERATION = {
  key: "CriticalAddonsOnly",
  operator: "Exists",
  effect: "NoSchedule",
} as const;

/** The label that tells node groups apart: `system` on the managed group, `workload` on Karpenter's nodes. */
export const NODE_GROUP_LABEL = "platform/node-group";
export const SYSTEM_NODE_SELECTOR = { [NODE_GROUP_LABEL]: "system" } as const;

/**
 * IMDSv2 hop limits. System nodes: 2, because the controllers there (Karpenter, the EBS CSI
 * controller) read their region and instance identity from IMDS from inside a pod network
 * namespace. Workload nodes: 1, so application pods cannot reach the node's credentials at all
 * (they get theirs from EKS Pod Identity).
 */
export const SYSTEM_NODE_IMDS_HOP_LIMIT = 2;
export const WORKLOAD_NODE_IMDS_HOP_LIMIT = 1;

/** The EKS managed add-ons the cluster runs, in the order they can be installed. */
export const MANAGED_ADDONS = [
  "vpc-cni",
  "kube-proxy",
  "eks-pod-identity-agent",
  "coredns",
  "aws-ebs-csi-driver",
] as const;
export type ManagedAddon = (typeof MANAGED_ADDONS)[number];

/** Add-ons whose pods are Deployments: they need a node to become healthy, so they wait for the system node group. */
export const ADDONS_NEEDING_NODES: readonly ManagedAddon[] = ["coredns", "aws-ebs-csi-driver"];

/** `configurationValues` of each managed add-on (undefined: the add-on's defaults). */
export function addonConfiguration(addon: ManagedAddon): Record<string, unknown> | undefined {
  switch (addon) {
    case "vpc-cni":
      // Prefix delegation: each ENI slot carries a /28, so a node hosts many more pods and
      // Karpenter can pack nodes instead of running out of IPs. The network policy agent enforces
      // Kubernetes NetworkPolicies (the payments chart's default deny and its allow-rules).
      return {
        enableNetworkPolicy: "true",
        env: { ENABLE_PREFIX_DELEGATION: "true", WARM_PREFIX_TARGET: "1" },
      };
    case "coredns":
      return {
        replicaCount: 2,
        tolerations: [CRITICAL_ADDONS_TOLERATION],
        nodeSelector: SYSTEM_NODE_SELECTOR,
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
      };
    case "aws-ebs-csi-driver":
      return {
        controller: {
          replicaCount: 2,
          tolerations: [CRITICAL_ADDONS_TOLERATION],
          nodeSelector: SYSTEM_NODE_SELECTOR,
        },
        // The node DaemonSet must run on every node, the tainted system nodes included.
        node: { tolerateAllTaints: true },
      };
    default:
      return undefined;
  }
}

/** The service account each add-on's AWS calls run as, for those that call AWS (EKS Pod Identity). */
export const ADDON_SERVICE_ACCOUNTS: Partial<
  Record<ManagedAddon, { serviceAccount: string; policies: string[] }>
> = {
  "vpc-cni": { serviceAccount: "aws-node", policies: ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"] },
  "aws-ebs-csi-driver": {
    serviceAccount: "ebs-csi-controller-sa",
    policies: ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
  },
};

/** AWS-managed policies every node role carries: join the cluster, pull images, be reachable by SSM (no SSH). */
export const NODE_ROLE_POLICIES = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
] as const;

/** The EKS AMI type of a node group running these instance types (config rejects a Graviton/x86 mix). */
export function amiTypeFor(
  instanceTypes: readonly string[],
): "AL2023_x86_64_STANDARD" | "AL2023_ARM_64_STANDARD" {
  return instanceTypes.every((t) => isGravitonFamily(t.split(".")[0]!))
    ? "AL2023_ARM_64_STANDARD"
    : "AL2023_x86_64_STANDARD";
}
