import { z } from "zod";
import { cronSchedule, ipv4Block, logRetentionDays, roleArn } from "../core/config-primitives";
import type { Rule, RuleIssue } from "../core/config-rules";
import { iamRoleArn } from "../core/policy-document";
import { PREVIEW_ROLE_NAME } from "../core/stack-roles";
import { VERSIONS } from "../core/versions";

/**
 * `platform:cluster` (the EKS cluster and its system node group) and `platform:karpenter` (the
 * NodePool and EC2NodeClass Karpenter provisions workload nodes from). Shape and single-section
 * checks live in the schemas; checks that need the stack's identity are in `CLUSTER_RULES`.
 */

const SUPPORTED_KUBERNETES: readonly string[] = VERSIONS.kubernetes.supported;

/** "v1.33.3-eksbuild.6" → "1.33": the Kubernetes minor an EKS add-on build targets. */
export function addonKubernetesMinor(addonVersion: string): string | undefined {
  return /^v?(\d+\.\d+)\./.exec(addonVersion)?.[1];
}

export const kubernetesVersion = z
  .string()
  .default(VERSIONS.kubernetes.default)
  .superRefine((v, ctx) => {
    if (!SUPPORTED_KUBERNETES.includes(v)) {
      ctx.addIssue({
        code: "custom",
        message: `Kubernetes ${v} is not supported; expected one of ${SUPPORTED_KUBERNETES.join(", ")} (VERSIONS.kubernetes.supported in src/core/versions.ts)`,
      });
      return;
    }
    // kube-proxy is the one managed add-on built per Kubernetes minor: its pin must move with the cluster.
    const kubeProxy = VERSIONS.eksAddons["kube-proxy"];
    const minor = addonKubernetesMinor(kubeProxy);
    if (minor !== v) {
      ctx.addIssue({
        code: "custom",
        message: `the kube-proxy add-on pinned in src/core/versions.ts (${kubeProxy}) is built for Kubernetes ${minor}, not ${v}; bump VERSIONS.eksAddons["kube-proxy"] together with the cluster version`,
      });
    }
  });

/** EC2 instance type such as m6i.large. */
const instanceType = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, "expected an EC2 instance type such as m6i.large");

export const systemNodeGroupSchema = z
  .object({
    /** Instance types of the managed system node group (critical add-ons and Karpenter only). */
    instanceTypes: z.array(instanceType).min(1, "list at least one instance type"),
    minSize: z
      .number()
      .int()
      .min(2, "at least 2 system nodes: Karpenter and CoreDNS run 2 replicas on separate nodes"),
    desiredSize: z.number().int().positive(),
    maxSize: z
      .number()
      .int()
      .positive()
      .max(10, "the system node group is small by design; at most 10 nodes"),
    /** Root volume (encrypted gp3), GiB. */
    volumeSizeGi: z.number().int().min(20).max(500).default(50),
  })
  .strict()
  .superRefine((ng, ctx) => {
    const graviton = ng.instanceTypes.filter((t) => isGravitonFamily(t.split(".")[0]!));
    if (graviton.length > 0 && graviton.length < ng.instanceTypes.length) {
      ctx.addIssue({
        code: "custom",
        path: ["instanceTypes"],
        message: `mixes Graviton (arm64) and x86 instance types; a node group runs one AMI architecture`,
      });
    }
    if (!(ng.minSize <= ng.desiredSize && ng.desiredSize <= ng.maxSize)) {
      ctx.addIssue({
        code: "custom",
        message: `expected minSize <= desiredSize <= maxSize; got ${ng.minSize} / ${ng.desiredSize} / ${ng.maxSize}`,
      });
    }
  });

/** IAM principals granted access to the cluster through EKS access entries, by access level. */
export const clusterAccessSchema = z
  .object({
    /** Cluster administrators (AmazonEKSClusterAdminPolicy): the Identity Center admin role. */
    admin: z.array(roleArn).min(1, "name at least one administrator role (the Identity Center admin role)"),
    /** Deployers (AmazonEKSAdminPolicy): the environment's CI deploy role. */
    deploy: z.array(roleArn).default([]),
    /** Read-only (AmazonEKSViewPolicy): support and auditors. */
    readOnly: z.array(roleArn).default([]),
  })
  .strict();

export const clusterSchema = z
  .object({
    /** Kubernetes minor version: one of VERSIONS.kubernetes.supported; defaults to VERSIONS.kubernetes.default. */
    kubernetesVersion,
    /** Expose the API server endpoint publicly as well (never in production-grade stacks). The private endpoint is always on. */
    endpointPublicAccess: z.boolean().default(false),
    /** The only addresses the public endpoint answers (required when it is on). */
    publicAccessCidrs: z.array(ipv4Block(8, 32)).default([]),
    /** Retention of the control-plane log group, in days. */
    logRetentionDays,
    systemNodeGroup: systemNodeGroupSchema,
    access: clusterAccessSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.endpointPublicAccess && c.publicAccessCidrs.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["publicAccessCidrs"],
        message: "a public endpoint needs the CIDR blocks allowed to reach it; it is never open to 0.0.0.0/0",
      });
    }
    if (!c.endpointPublicAccess && c.publicAccessCidrs.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["publicAccessCidrs"],
        message: "only meaningful with endpointPublicAccess: true; remove it",
      });
    }
  });

/** A Karpenter duration: "30s", "5m", "1h30m", "720h". */
const duration = z.string().regex(/^([0-9]+(s|m|h))+$/, 'expected a duration such as "30s", "5m" or "720h"');

/** A Kubernetes memory quantity in binary units: "80Gi". */
const memoryQuantity = z
  .string()
  .regex(/^[1-9][0-9]*(Mi|Gi|Ti)$/, 'expected a memory quantity such as "80Gi"');

export const disruptionBudgetSchema = z
  .object({
    /** Nodes that may be disrupted at once: a count ("2") or a percentage ("10%"). */
    nodes: z
      .string()
      .regex(
        /^((100|[0-9]{1,2})%|[0-9]+)$/,
        'expected a node count such as "2" or a percentage such as "10%"',
      ),
    /** Cron schedule (UTC) during which the budget applies; needs `duration`. */
    schedule: cronSchedule.optional(),
    /** How long the budget applies from each `schedule` firing. */
    duration: z
      .string()
      .regex(/^([0-9]+(m|h))+$/, 'expected a duration such as "8h" or "30m"')
      .optional(),
    /** Disruption reasons the budget limits (all when omitted). */
    reasons: z
      .array(z.enum(["Underutilized", "Empty", "Drifted"]))
      .min(1)
      .optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if ((b.schedule === undefined) !== (b.duration === undefined)) {
      ctx.addIssue({ code: "custom", message: "schedule and duration go together: set both or neither" });
    }
  });

/** Graviton instance families (m7g, c6gn, r8gd, t4g) run arm64 only. */
export function isGravitonFamily(family: string): boolean {
  return /^[a-z]+\d+g[a-z]*$/.test(family);
}

/**
 * CPU the platform's own pods scheduled on Karpenter nodes request (load balancer controller,
 * External Secrets, Argo Rollouts, metrics, ingress and the per-node DaemonSets of the first
 * nodes), in vCPU. The NodePool CPU limit must cover this plus one node of the largest size
 * allowed, or Karpenter could not replace a node (drift, expiry, spot interruption) at the limit.
 */
export const PLATFORM_WORKLOAD_CPU = 2;

/** The smallest NodePool CPU limit (vCPU) for nodes of at most `maxInstanceCpu` vCPU. */
export function minimumNodePoolCpu(maxInstanceCpu: number): number {
  return PLATFORM_WORKLOAD_CPU + maxInstanceCpu;
}

export const karpenterSchema = z
  .object({
    /** EC2 instance families Karpenter may choose from (karpenter.k8s.aws/instance-family). */
    instanceFamilies: z
      .array(z.string().regex(/^[a-z]+[0-9]+[a-z-]*$/, "expected an EC2 instance family such as m6i"))
      .min(1, "list at least one EC2 instance family (e.g. m6i); with none Karpenter could launch no node"),
    /** The largest instance size Karpenter may launch, in vCPU (karpenter.k8s.aws/instance-cpu). */
    maxInstanceCpu: z.number().int().min(2).max(96),
    /** Purchase options, in preference order (karpenter.sh/capacity-type). */
    capacityTypes: z.array(z.enum(["spot", "on-demand"])).min(1, "list at least one capacity type"),
    /** CPU architectures (kubernetes.io/arch). */
    architectures: z.array(z.enum(["amd64", "arm64"])).min(1, "list at least one architecture"),
    /** The most the NodePool may provision in total. */
    limits: z.object({ cpu: z.number().int().positive(), memory: memoryQuantity }).strict(),
    consolidationPolicy: z.enum(["WhenEmpty", "WhenEmptyOrUnderutilized"]),
    /** How long a node must be empty/underutilized before it is consolidated. */
    consolidateAfter: duration,
    /** Nodes are replaced after this long (fresh AMIs, no long-lived hosts); "Never" to disable. */
    expireAfter: z.union([duration, z.literal("Never")]),
    /** Root volume (encrypted gp3) of workload nodes, GiB. */
    volumeSizeGi: z.number().int().min(20).max(1000).default(50),
    disruptionBudgets: z.array(disruptionBudgetSchema).min(1, "at least one disruption budget"),
  })
  .strict()
  .superRefine((k, ctx) => {
    const minimum = minimumNodePoolCpu(k.maxInstanceCpu);
    if (k.limits.cpu < minimum) {
      ctx.addIssue({
        code: "custom",
        path: ["limits", "cpu"],
        message: `${k.limits.cpu} vCPU is below what the system needs: at least ${minimum} (${PLATFORM_WORKLOAD_CPU} vCPU of platform workloads plus one node of maxInstanceCpu ${k.maxInstanceCpu})`,
      });
    }
    const graviton = k.instanceFamilies.filter(isGravitonFamily);
    if (graviton.length > 0 && !k.architectures.includes("arm64")) {
      ctx.addIssue({
        code: "custom",
        path: ["architectures"],
        message: `${graviton.join(", ")} ${graviton.length === 1 ? "is" : "are"} arm64 (Graviton); add arm64`,
      });
    }
    if (k.architectures.includes("amd64") && graviton.length === k.instanceFamilies.length) {
      ctx.addIssue({
        code: "custom",
        path: ["architectures"],
        message: "amd64 is listed but every instance family is Graviton (arm64)",
      });
    }
    for (const key of ["instanceFamilies", "capacityTypes", "architectures"] as const) {
      if (new Set(k[key]).size !== k[key].length) {
        ctx.addIssue({ code: "custom", path: [key], message: "has duplicates" });
      }
    }
  });

/** The cluster keys every stack carries, spread into the stack schemas. */
export const clusterShape = {
  /** The stack's EKS cluster (every stack runs one). */
  cluster: clusterSchema,
  /** The Karpenter NodePool and EC2NodeClass of the stack's cluster. */
  karpenter: karpenterSchema,
};

export type ClusterConfig = z.infer<typeof clusterSchema>;
export type KarpenterConfig = z.infer<typeof karpenterSchema>;
export type ClusterAccess = z.infer<typeof clusterAccessSchema>;

/** Rules over `platform:cluster` / `platform:karpenter` that need the stack's identity. */
export const CLUSTER_RULES: Rule<{
  cluster: ClusterConfig;
  karpenter: KarpenterConfig;
  accountId: string;
  deployRoleArn?: string | undefined;
}>[] = [
  function privateEndpointInProduction(s, { stack, info }) {
    if (!info.productionGrade || !s.cluster.endpointPublicAccess) return [];
    return [
      {
        key: "platform:cluster.endpointPublicAccess",
        message: `${stack} is production-grade: its API server endpoint is private only (reach it over the VPN / Transit Gateway); remove endpointPublicAccess`,
      },
    ];
  },

  function onDemandFallbackInProduction(s, { stack, info }) {
    if (!info.productionGrade || s.karpenter.capacityTypes.includes("on-demand")) return [];
    return [
      {
        key: "platform:karpenter.capacityTypes",
        message: `${stack} is production-grade and needs "on-demand" (spot with on-demand fallback); got ${s.karpenter.capacityTypes.join(", ")}`,
      },
    ];
  },

  function creatorIsNotAnAccessEntry(s) {
    const all = [...s.cluster.access.admin, ...s.cluster.access.deploy, ...s.cluster.access.readOnly];
    const out: RuleIssue[] = [];
    const preview = iamRoleArn(s.accountId, PREVIEW_ROLE_NAME);
    if (s.deployRoleArn && all.includes(preview)) {
      out.push({
        key: "platform:cluster.access",
        message: `${preview} is the stack's CI preview role, which the program grants itself (AmazonEKSAdminViewPolicy: a refresh reads Secrets and RBAC objects); remove it here`,
      });
    }
    if (s.deployRoleArn && all.includes(s.deployRoleArn)) {
      out.push({
        key: "platform:cluster.access",
        message: `${s.deployRoleArn} is platform:deployRoleArn, the role that creates the cluster: EKS already grants it cluster admin, and a second access entry for it would collide`,
      });
    }
    const seen = new Set<string>();
    for (const arn of all) {
      if (seen.has(arn)) out.push({ key: "platform:cluster.access", message: `${arn} is listed twice` });
      seen.add(arn);
    }
    return out;
  },
];
