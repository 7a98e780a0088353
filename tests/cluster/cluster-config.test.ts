import { describe, expect, it } from "vitest";
import { accessGrants } from "../../src/cluster/access-entries";
import {
  addonKubernetesMinor,
  minimumNodePoolCpu,
  PLATFORM_WORKLOAD_CPU,
} from "../../src/cluster/cluster-config";
import { addonConfiguration, amiTypeFor } from "../../src/cluster/system-nodes";
import { VERSIONS } from "../../src/core/versions";
import { expectConfigError, stackValue } from "../support/harness";

type Section = Record<string, unknown>;
const cluster = (stack: string) =>
  stackValue<Section & { systemNodeGroup: Section; access: Section }>(stack, "platform:cluster");
const karpenter = (stack: string) => stackValue<Section & { limits: Section }>(stack, "platform:karpenter");

describe("platform:cluster validation", () => {
  it("rejects a Kubernetes version outside the supported list", async () => {
    await expectConfigError(
      "dev",
      { "platform:cluster": { ...cluster("dev"), kubernetesVersion: "1.29" } },
      /platform:cluster\.kubernetesVersion: Kubernetes 1\.29 is not supported; expected one of 1\.32, 1\.33, 1\.34/,
    );
  });

  it("rejects a supported version the pinned kube-proxy add-on is not built for", async () => {
    const other = VERSIONS.kubernetes.supported.find(
      (v) => v !== addonKubernetesMinor(VERSIONS.eksAddons["kube-proxy"]),
    );
    await expectConfigError(
      "dev",
      { "platform:cluster": { ...cluster("dev"), kubernetesVersion: other } },
      /platform:cluster\.kubernetesVersion: the kube-proxy add-on pinned in src\/core\/versions\.ts .* is built for Kubernetes 1\.33/,
    );
  });

  it("rejects a public endpoint in prod, and in every production-grade stack", async () => {
    for (const stack of ["prod", "preprod", "management"]) {
      await expectConfigError(
        stack,
        {
          "platform:cluster": {
            ...cluster(stack),
            endpointPublicAccess: true,
            publicAccessCidrs: ["198.51.100.0/24"],
          },
        },
        new RegExp(
          `platform:cluster\\.endpointPublicAccess: ${stack} is production-grade: its API server endpoint is private only`,
        ),
      );
    }
  });

  it("rejects a public endpoint without CIDRs, and CIDRs without a public endpoint", async () => {
    await expectConfigError(
      "dev",
      { "platform:cluster": { ...cluster("dev"), endpointPublicAccess: true } },
      /platform:cluster\.publicAccessCidrs: a public endpoint needs the CIDR blocks allowed to reach it/,
    );
    await expectConfigError(
      "dev",
      { "platform:cluster": { ...cluster("dev"), publicAccessCidrs: ["0.0.0.0/0"] } },
      /platform:cluster\.publicAccessCidrs\[0\]: expected an IPv4 block between \/8 and \/32/,
      /platform:cluster\.publicAccessCidrs: only meaningful with endpointPublicAccess: true/,
    );
  });

  it("rejects a system node group that cannot hold two replicas, or is mis-sized", async () => {
    const c = cluster("dev");
    await expectConfigError(
      "dev",
      { "platform:cluster": { ...c, systemNodeGroup: { ...c.systemNodeGroup, minSize: 1, desiredSize: 1 } } },
      /platform:cluster\.systemNodeGroup\.minSize: .*at least 2 system nodes/,
    );
    await expectConfigError(
      "dev",
      { "platform:cluster": { ...c, systemNodeGroup: { ...c.systemNodeGroup, desiredSize: 5, maxSize: 4 } } },
      /platform:cluster\.systemNodeGroup: expected minSize <= desiredSize <= maxSize; got 2 \/ 5 \/ 4/,
    );
    await expectConfigError(
      "dev",
      {
        "platform:cluster": {
          ...c,
          systemNodeGroup: { ...c.systemNodeGroup, instanceTypes: ["m7g.large", "m6i.large"] },
        },
      },
      /platform:cluster\.systemNodeGroup\.instanceTypes: mixes Graviton \(arm64\) and x86 instance types/,
    );
  });

  it("rejects an access entry for the cluster creator or the preview role, duplicates, and a missing admin", async () => {
    const c = cluster("prod");
    const deployRole = stackValue<string>("prod", "platform:deployRoleArn");
    await expectConfigError(
      "prod",
      { "platform:cluster": { ...c, access: { ...c.access, deploy: [deployRole] } } },
      /platform:cluster\.access: arn:aws:iam::751029384756:role\/platform-deploy is platform:deployRoleArn, the role that creates the cluster/,
    );
    // The program grants the stack's preview role itself, with what a refresh needs.
    await expectConfigError(
      "prod",
      {
        "platform:cluster": {
          ...c,
          access: { ...c.access, readOnly: ["arn:aws:iam::751029384756:role/platform-preview"] },
        },
      },
      /platform:cluster\.access: arn:aws:iam::751029384756:role\/platform-preview is the stack's CI preview role, which the program grants itself/,
    );
    const admin = (c.access.admin as string[])[0]!;
    await expectConfigError(
      "prod",
      { "platform:cluster": { ...c, access: { ...c.access, readOnly: [admin] } } },
      /platform:cluster\.access: arn:aws:iam::751029384756:role\/aws-reserved\/sso\.amazonaws\.com\/eu-west-2\/AWSReservedSSO_PlatformAdmin_\w+ is listed twice/,
    );
    await expectConfigError(
      "prod",
      { "platform:cluster": { ...c, access: { admin: [] } } },
      /platform:cluster\.access\.admin: name at least one administrator role/,
    );
  });

  it("rejects unknown keys", async () => {
    await expectConfigError(
      "dev",
      { "platform:cluster": { ...cluster("dev"), endpointPublicAcess: true } },
      /platform:cluster\.endpointPublicAcess: unknown key/,
    );
  });
});

describe("platform:karpenter validation", () => {
  it("rejects an empty instance family list", async () => {
    await expectConfigError(
      "dev",
      { "platform:karpenter": { ...karpenter("dev"), instanceFamilies: [] } },
      /platform:karpenter\.instanceFamilies: list at least one EC2 instance family/,
    );
  });

  it("rejects a NodePool CPU limit below the system's needs", async () => {
    const k = karpenter("prod");
    const minimum = minimumNodePoolCpu(k.maxInstanceCpu as number);
    expect(minimum).toBe(PLATFORM_WORKLOAD_CPU + 16);
    await expectConfigError(
      "prod",
      { "platform:karpenter": { ...k, limits: { ...k.limits, cpu: minimum - 1 } } },
      /platform:karpenter\.limits\.cpu: 17 vCPU is below what the system needs: at least 18 \(2 vCPU of platform workloads plus one node of maxInstanceCpu 16\)/,
    );
  });

  it("requires on-demand fallback in production-grade stacks, and allows spot only in dev", async () => {
    await expectConfigError(
      "prod",
      { "platform:karpenter": { ...karpenter("prod"), capacityTypes: ["spot"] } },
      /platform:karpenter\.capacityTypes: prod is production-grade and needs "on-demand" \(spot with on-demand fallback\); got spot/,
    );
    expect(karpenter("dev").capacityTypes).toEqual(["spot"]);
  });

  it("rejects Karpenter v1beta1 spellings and malformed durations and budgets", async () => {
    const k = karpenter("dev");
    await expectConfigError(
      "dev",
      {
        "platform:karpenter": {
          ...k,
          consolidationPolicy: "WhenUnderutilized",
          expireAfter: "30d",
          disruptionBudgets: [{ nodes: "10%", schedule: "0 9 * * *" }],
        },
      },
      /platform:karpenter\.consolidationPolicy: /,
      /platform:karpenter\.expireAfter: /,
      /platform:karpenter\.disruptionBudgets\[0\]: schedule and duration go together/,
    );
  });

  it("rejects Graviton families without arm64", async () => {
    await expectConfigError(
      "dev",
      { "platform:karpenter": { ...karpenter("dev"), instanceFamilies: ["t3", "t4g"] } },
      /platform:karpenter\.architectures: t4g is arm64 \(Graviton\); add arm64/,
    );
  });
});

describe("cluster helpers", () => {
  it("names every principal as IAM does, an Identity Center role with its aws-reserved path", () => {
    // EKS access entries take a role's path; an Identity Center role named without it is refused as
    // "invalid principal" (docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html).
    const sso =
      "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_PlatformAdmin_0123456789abcdef";
    const [grant] = accessGrants({ admin: [sso], deploy: [], readOnly: [] });
    expect(grant?.principalArn).toBe(sso);
    expect(grant?.id).toBe("admin-awsreservedsso-platformadmin-0123456789abcdef");
  });

  it("maps each access level to its EKS access policy", () => {
    const grants = accessGrants(
      {
        admin: [
          "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_PlatformAdmin_ab",
        ],
        deploy: ["arn:aws:iam::111122223333:role/ci-deploy"],
        readOnly: ["arn:aws:iam::111122223333:role/auditor"],
      },
      "arn:aws:iam::111122223333:role/platform-preview",
    );
    expect(grants.map((g) => [g.id, g.policyArn.split("/").pop()])).toEqual([
      ["admin-awsreservedsso-platformadmin-ab", "AmazonEKSClusterAdminPolicy"],
      ["deploy-ci-deploy", "AmazonEKSAdminPolicy"],
      ["readOnly-auditor", "AmazonEKSViewPolicy"],
      ["preview-platform-preview", "AmazonEKSAdminViewPolicy"],
    ]);
  });

  it("configures the add-ons for the tainted system nodes, prefix delegation and network policies", () => {
    expect(addonConfiguration("vpc-cni")).toEqual({
      enableNetworkPolicy: "true",
      env: { ENABLE_PREFIX_DELEGATION: "true", WARM_PREFIX_TARGET: "1" },
    });
    expect(addonConfiguration("coredns")).toMatchObject({
      tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
    });
    expect(addonConfiguration("kube-proxy")).toBeUndefined();
    expect(amiTypeFor(["m7g.large"])).toBe("AL2023_ARM_64_STANDARD");
    expect(amiTypeFor(["m6i.large", "t3.large"])).toBe("AL2023_x86_64_STANDARD");
  });
});
