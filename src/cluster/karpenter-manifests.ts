import type { KarpenterConfig } from "./cluster-config";
import {
  CRITICAL_ADDONS_TOLERATION,
  NODE_GROUP_LABEL,
  SYSTEM_NODE_SELECTOR,
  WORKLOAD_NODE_IMDS_HOP_LIMIT,
} from "./system-nodes";

/**
 * Karpenter's Kubernetes side as plain data: the Helm values of the controller and the
 * `EC2NodeClass` / `NodePool` (karpenter.k8s.aws/v1, karpenter.sh/v1) it provisions nodes from.
 * Tests validate every manifest against the Karpenter v1 schema.
 */

/** Namespace and service account of the controller (its Pod Identity association names them). */
export const KARPENTER_NAMESPACE = "kube-system";
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";
/** The one NodePool / EC2NodeClass pair of a cluster. */
export const NODE_POOL_NAME = "default";
export const NODE_CLASS_NAME = "default";
/** The tag the network component puts on private subnets (and the cluster on its security group). */
export const DISCOVERY_TAG = "karpenter.sh/discovery";

export interface KarpenterValuesArgs {
  readonly clusterName: string;
  /** Name of the SQS queue EventBridge feeds spot interruptions and health events into. */
  readonly interruptionQueueName: string;
}

/** Helm values of the Karpenter chart: 2 replicas on the tainted system nodes, never on nodes it manages. */
export function karpenterValues(args: KarpenterValuesArgs): Record<string, unknown> {
  return {
    replicas: 2,
    serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
    settings: {
      clusterName: args.clusterName,
      interruptionQueue: args.interruptionQueueName,
    },
    tolerations: [CRITICAL_ADDONS_TOLERATION],
    nodeSelector: { ...SYSTEM_NODE_SELECTOR },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: "karpenter.sh/nodepool", operator: "DoesNotExist" }] },
          ],
        },
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            topologyKey: "kubernetes.io/hostname",
            labelSelector: { matchLabels: { "app.kubernetes.io/name": "karpenter" } },
          },
        ],
      },
    },
    podDisruptionBudget: { name: "karpenter", maxUnavailable: 1 },
    controller: {
      resources: {
        requests: { cpu: "500m", memory: "768Mi" },
        limits: { cpu: "1", memory: "768Mi" },
      },
    },
  };
}

export interface NodeClassArgs {
  readonly clusterName: string;
  /** Name of the IAM role Karpenter's nodes run as (Karpenter makes the instance profile). */
  readonly nodeRoleName: string;
  /** The AMI alias, e.g. `al2023@v20250821` (VERSIONS.karpenterAmiAlias). */
  readonly amiAlias: string;
  readonly volumeSizeGi: number;
  /** Tags on everything Karpenter launches (the provider's default tags do not reach it). */
  readonly tags: Readonly<Record<string, string>>;
}

/** The EC2NodeClass: AL2023, private subnets and the cluster security group by tag, IMDSv2, encrypted gp3. */
export function ec2NodeClassManifest(args: NodeClassArgs) {
  const discovery = { [DISCOVERY_TAG]: args.clusterName };
  return {
    apiVersion: "karpenter.k8s.aws/v1",
    kind: "EC2NodeClass",
    metadata: { name: NODE_CLASS_NAME },
    spec: {
      role: args.nodeRoleName,
      amiSelectorTerms: [{ alias: args.amiAlias }],
      subnetSelectorTerms: [{ tags: discovery }],
      securityGroupSelectorTerms: [{ tags: discovery }],
      associatePublicIPAddress: false,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpProtocolIPv6: "disabled",
        httpPutResponseHopLimit: WORKLOAD_NODE_IMDS_HOP_LIMIT,
        httpTokens: "required",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: `${args.volumeSizeGi}Gi`,
            volumeType: "gp3",
            encrypted: true,
            deleteOnTermination: true,
          },
        },
      ],
      tags: { ...args.tags, ...discovery },
    },
  };
}

/** The NodePool: instance families, capacity types, architectures, limits and disruption from config. */
export function nodePoolManifest(k: KarpenterConfig) {
  return {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name: NODE_POOL_NAME },
    spec: {
      template: {
        metadata: { labels: { [NODE_GROUP_LABEL]: "workload" } },
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: NODE_CLASS_NAME },
          requirements: [
            { key: "karpenter.k8s.aws/instance-family", operator: "In", values: [...k.instanceFamilies] },
            { key: "karpenter.sh/capacity-type", operator: "In", values: [...k.capacityTypes] },
            { key: "kubernetes.io/arch", operator: "In", values: [...k.architectures] },
            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
            // Nodes of at most maxInstanceCpu vCPU: the NodePool's CPU limit is checked against it.
            { key: "karpenter.k8s.aws/instance-cpu", operator: "Lt", values: [String(k.maxInstanceCpu + 1)] },
          ],
          expireAfter: k.expireAfter,
        },
      },
      limits: { cpu: String(k.limits.cpu), memory: k.limits.memory },
      disruption: {
        consolidationPolicy: k.consolidationPolicy,
        consolidateAfter: k.consolidateAfter,
        budgets: k.disruptionBudgets.map((b) => ({ ...b })),
      },
    },
  };
}

/**
 * The EventBridge rules that feed Karpenter's interruption queue (spot interruption warnings,
 * rebalance recommendations, scheduled maintenance, instance state changes), by rule suffix.
 */
export const INTERRUPTION_EVENTS = {
  "spot-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  "scheduled-change": { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
  "instance-state-change": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
} as const;
