import type { PolicyGroup } from "./policy-types";
import { isSet, list, obj, T } from "./props";

const LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const OPEN = ["0.0.0.0/0", "::/0"];

type Props = Record<string, unknown>;

/** The settings that matter, from either the pulumi-eks component's inputs or the EKS cluster itself. */
function clusterSettings(type: string, p: Props) {
  if (type === T.eksComponent) {
    return {
      publicEndpoint: p.endpointPublicAccess === true,
      privateEndpoint: p.endpointPrivateAccess === true,
      publicCidrs: list(p.publicAccessCidrs).map(String),
      logTypes: list(p.enabledClusterLogTypes).map(String),
      authenticationMode: p.authenticationMode,
    };
  }
  const vpc = obj(p.vpcConfig);
  return {
    publicEndpoint: vpc?.endpointPublicAccess !== false, // EKS defaults to a public endpoint
    privateEndpoint: vpc?.endpointPrivateAccess === true,
    publicCidrs: list(vpc?.publicAccessCidrs).map(String),
    logTypes: list(p.enabledClusterLogTypes).map(String),
    authenticationMode: obj(p.accessConfig)?.authenticationMode,
  };
}

export const clusterPolicies: PolicyGroup = (ctx) => [
  {
    name: "eks-private-control-plane",
    cls: "baseline",
    description:
      "EKS clusters answer on a private endpoint (a public one only outside production-grade stacks, never to the whole internet), log every control-plane type and authenticate through access entries.",
    remediationSteps:
      "Keep platform:cluster.endpointPublicAccess false (reach the API over the VPN); where a public endpoint is allowed, list platform:cluster.publicAccessCidrs. Keep every control-plane log type and authenticationMode API.",
    validateResource: (args, report) => {
      if (args.type !== T.eksComponent && args.type !== T.eksCluster) return;
      const s = clusterSettings(args.type, args.props as Props);
      if (!s.privateEndpoint) report("the private API endpoint is off");
      if (s.publicEndpoint) {
        if (ctx.productionGrade) report("the API endpoint is public in a production-grade stack");
        else if (s.publicCidrs.length === 0 || s.publicCidrs.some((c) => OPEN.includes(c))) {
          report("the public API endpoint answers the whole internet");
        }
      }
      const missing = LOG_TYPES.filter((t) => !s.logTypes.includes(t));
      if (missing.length > 0) report(`control-plane logs missing: ${missing.join(", ")}`);
      if (s.authenticationMode !== undefined && s.authenticationMode !== "API") {
        report(
          `authentication mode ${String(s.authenticationMode)}: use API (access entries), not the aws-auth ConfigMap`,
        );
      }
    },
  },
  {
    name: "eks-nodes-hardened",
    cls: "baseline",
    description:
      "Every node (managed node group launch templates, Karpenter's EC2NodeClass) requires IMDSv2, has encrypted volumes and no public IP.",
    remediationSteps:
      "Set metadataOptions.httpTokens required (hop limit 1, or 2 where pods need the node role), encrypted: true on every EBS mapping, and no public IP on the node's interfaces (associatePublicIPAddress: false).",
    validateResource: (args, report) => {
      const p = args.props as Props;
      if (args.type === T.launchTemplate) {
        if (obj(p.metadataOptions)?.httpTokens !== "required")
          report("IMDSv1 is allowed: set metadataOptions.httpTokens required");
        for (const m of list(p.blockDeviceMappings)) {
          const ebs = obj(obj(m)?.ebs);
          if (ebs && String(ebs.encrypted) !== "true")
            report(`volume ${String(obj(m)?.deviceName)} is not encrypted`);
        }
        for (const ni of list(p.networkInterfaces)) {
          if (String(obj(ni)?.associatePublicIpAddress) === "true")
            report("a network interface gets a public IP");
        }
      }
      if (args.type === T.nodeClass) {
        const spec = obj(p.spec);
        if (obj(spec?.metadataOptions)?.httpTokens !== "required") report("Karpenter nodes allow IMDSv1");
        if (spec?.associatePublicIPAddress !== false) report("Karpenter nodes may get a public IP");
        for (const m of list(spec?.blockDeviceMappings)) {
          if (obj(obj(m)?.ebs)?.encrypted !== true)
            report(`Karpenter volume ${String(obj(m)?.deviceName)} is not encrypted`);
        }
      }
    },
  },
  {
    name: "karpenter-bounded-capacity",
    cls: "gated",
    description:
      "Karpenter NodePools have CPU and memory limits, and in production-grade stacks may fall back to on-demand capacity.",
    remediationSteps:
      "Set platform:karpenter.limits (cpu, memory) and, in preprod, prod and management, include on-demand in platform:karpenter.capacityTypes.",
    validateResource: (args, report) => {
      if (args.type !== T.nodePool) return;
      const spec = obj((args.props as Props).spec);
      const limits = obj(spec?.limits);
      if (!isSet(limits, "cpu") || !isSet(limits, "memory"))
        report("the NodePool has no CPU and memory limit: it can grow without bound");
      if (ctx.productionGrade) {
        const requirements = list(obj(obj(spec?.template)?.spec)?.requirements).map((r) => obj(r) ?? {});
        const capacity = requirements.find((r) => r.key === "karpenter.sh/capacity-type");
        const values = list(capacity?.values).map(String);
        if (capacity && !values.includes("on-demand"))
          report("spot only: a spot shortage leaves workloads unscheduled");
      }
    },
  },
];
