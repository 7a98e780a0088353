import { describe, expect, it } from "vitest";
import { karpenterSchema } from "../../src/cluster/cluster-config";
import {
  interruptionQueuePolicy,
  karpenterControllerPolicy,
  podIdentityTrust,
} from "../../src/cluster/cluster-iam";
import { chartSource } from "../../src/cluster/helm-charts";
import {
  DISCOVERY_TAG,
  ec2NodeClassManifest,
  INTERRUPTION_EVENTS,
  karpenterValues,
  nodePoolManifest,
} from "../../src/cluster/karpenter-manifests";
import { VERSIONS } from "../../src/core/versions";
import { validateObject as validateStrictly } from "../support/k8s-schema";
import { allows } from "../support/policy-evaluator";

const karpenter = karpenterSchema.parse({
  instanceFamilies: ["m6i", "m7i"],
  maxInstanceCpu: 16,
  capacityTypes: ["spot", "on-demand"],
  architectures: ["amd64"],
  limits: { cpu: 100, memory: "400Gi" },
  consolidationPolicy: "WhenEmptyOrUnderutilized",
  consolidateAfter: "5m",
  expireAfter: "720h",
  disruptionBudgets: [
    { nodes: "10%" },
    { nodes: "0", schedule: "0 8 * * mon-fri", duration: "10h", reasons: ["Underutilized", "Drifted"] },
  ],
});
const nodeClass = ec2NodeClassManifest({
  clusterName: "platform-prod-eks",
  nodeRoleName: "platform-prod-karpenter-node",
  amiAlias: VERSIONS.karpenterAmiAlias,
  volumeSizeGi: 80,
  tags: { Project: "platform", Environment: "prod" },
});
const nodePool = nodePoolManifest(karpenter);

function requirement(key: string) {
  return nodePool.spec.template.spec.requirements.find((r) => r.key === key);
}

describe("Karpenter v1 schema validation", () => {
  it("accepts the NodePool and EC2NodeClass the builders make", () => {
    expect(validateStrictly(nodePool)).toEqual([]);
    expect(validateStrictly(nodeClass)).toEqual([]);
  });

  it("rejects a misspelt field anywhere in the object, though the models alone would accept it", () => {
    const typoPool = structuredClone(nodePool) as Record<string, unknown> & typeof nodePool;
    (typoPool.spec.disruption as Record<string, unknown>).consolidateAftr = "5m";
    expect(validateStrictly(typoPool)).toEqual(["unknown field /spec/disruption/consolidateAftr"]);

    const typoClass = structuredClone(nodeClass);
    (typoClass.spec.metadataOptions as Record<string, unknown>).httpToken = "required";
    (typoClass.spec.blockDeviceMappings[0]!.ebs as Record<string, unknown>).encrypt = true;
    expect(validateStrictly(typoClass)).toEqual([
      "unknown field /spec/metadataOptions/httpToken",
      "unknown field /spec/blockDeviceMappings/0/ebs/encrypt",
    ]);

    // A field Karpenter v1 dropped (v1beta1's spec.template.spec.kubelet moved to the EC2NodeClass).
    const v1beta1 = structuredClone(nodePool);
    (v1beta1.spec.template.spec as Record<string, unknown>).kubelet = { maxPods: 110 };
    expect(validateStrictly(v1beta1)).toEqual(["unknown field /spec/template/spec/kubelet"]);
  });

  it("rejects values the schema forbids", () => {
    const oldPolicy = structuredClone(nodePool);
    (oldPolicy.spec.disruption as { consolidationPolicy: string }).consolidationPolicy = "WhenUnderutilized";
    expect(validateStrictly(oldPolicy).join("\n")).toMatch(/consolidationPolicy/);

    const badHop = structuredClone(nodeClass);
    badHop.spec.metadataOptions.httpPutResponseHopLimit = 0;
    expect(validateStrictly(badHop).join("\n")).toMatch(/httpPutResponseHopLimit/);

    expect(validateStrictly({ apiVersion: "karpenter.sh/v1beta1", kind: "NodePool" })).toEqual([
      "no schema validator for karpenter.sh/v1beta1/NodePool: map it in tests/support/k8s-schema.ts before creating it",
    ]);
  });
});

describe("EC2NodeClass", () => {
  it("requires IMDSv2 with hop limit 1 and encrypted gp3 root volumes", () => {
    expect(nodeClass.spec.metadataOptions).toEqual({
      httpEndpoint: "enabled",
      httpProtocolIPv6: "disabled",
      httpPutResponseHopLimit: 1,
      httpTokens: "required",
    });
    expect(nodeClass.spec.blockDeviceMappings).toEqual([
      {
        deviceName: "/dev/xvda",
        ebs: { volumeSize: "80Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true },
      },
    ]);
    expect(nodeClass.spec.associatePublicIPAddress).toBe(false);
  });

  it("discovers subnets and security groups by the cluster's discovery tag and pins the AMI", () => {
    const byTag = [{ tags: { [DISCOVERY_TAG]: "platform-prod-eks" } }];
    expect(nodeClass.spec.subnetSelectorTerms).toEqual(byTag);
    expect(nodeClass.spec.securityGroupSelectorTerms).toEqual(byTag);
    expect(nodeClass.spec.amiSelectorTerms).toEqual([{ alias: VERSIONS.karpenterAmiAlias }]);
    expect(VERSIONS.karpenterAmiAlias).toMatch(/^al2023@v\d{8}$/);
    expect(nodeClass.spec.role).toBe("platform-prod-karpenter-node");
    expect(nodeClass.spec.tags).toMatchObject({ Environment: "prod", [DISCOVERY_TAG]: "platform-prod-eks" });
  });
});

describe("NodePool", () => {
  it("restricts nodes to the configured families, capacity types, architectures and size", () => {
    expect(requirement("karpenter.k8s.aws/instance-family")).toEqual({
      key: "karpenter.k8s.aws/instance-family",
      operator: "In",
      values: ["m6i", "m7i"],
    });
    expect(requirement("karpenter.sh/capacity-type")?.values).toEqual(["spot", "on-demand"]);
    expect(requirement("kubernetes.io/arch")?.values).toEqual(["amd64"]);
    expect(requirement("karpenter.k8s.aws/instance-cpu")).toEqual({
      key: "karpenter.k8s.aws/instance-cpu",
      operator: "Lt",
      values: ["17"],
    });
  });

  it("carries the limits, consolidation, expiry and budgets from config", () => {
    expect(nodePool.spec.limits).toEqual({ cpu: "100", memory: "400Gi" });
    expect(nodePool.spec.disruption).toEqual({
      consolidationPolicy: "WhenEmptyOrUnderutilized",
      consolidateAfter: "5m",
      budgets: karpenter.disruptionBudgets,
    });
    expect(nodePool.spec.template.spec.expireAfter).toBe("720h");
    expect(nodePool.spec.template.spec.nodeClassRef).toEqual({
      group: "karpenter.k8s.aws",
      kind: "EC2NodeClass",
      name: nodeClass.metadata.name,
    });
  });
});

describe("Karpenter Helm values", () => {
  const values = karpenterValues({ clusterName: "platform-dev-eks", interruptionQueueName: "q" }) as {
    replicas: number;
    settings: unknown;
    tolerations: unknown;
    nodeSelector: unknown;
    affinity: { nodeAffinity: unknown; podAntiAffinity: unknown };
    podDisruptionBudget: unknown;
  };

  it("runs 2 replicas on the tainted system nodes, never on nodes Karpenter manages", () => {
    expect(values.replicas).toBe(2);
    expect(values.settings).toEqual({ clusterName: "platform-dev-eks", interruptionQueue: "q" });
    expect(values.tolerations).toEqual([
      { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" },
    ]);
    expect(values.nodeSelector).toEqual({ "platform/node-group": "system" });
    expect(JSON.stringify(values.affinity.nodeAffinity)).toContain(
      '"karpenter.sh/nodepool","operator":"DoesNotExist"',
    );
    expect(JSON.stringify(values.affinity.podAntiAffinity)).toContain("kubernetes.io/hostname");
    expect(values.podDisruptionBudget).toEqual({ name: "karpenter", maxUnavailable: 1 });
  });

  it("pulls OCI charts by URL and others through their repository", () => {
    expect(chartSource(VERSIONS.charts.karpenter)).toEqual({
      chart: "oci://public.ecr.aws/karpenter/karpenter",
      version: VERSIONS.charts.karpenter.version,
    });
    expect(chartSource(VERSIONS.charts.argoCd)).toEqual({
      chart: "argo-cd",
      version: VERSIONS.charts.argoCd.version,
      repositoryOpts: { repo: VERSIONS.charts.argoCd.repo },
    });
    // The CRDs move with the controller.
    expect(VERSIONS.charts.karpenterCrd.version).toBe(VERSIONS.charts.karpenter.version);
  });
});

describe("Karpenter IAM", () => {
  const ref = { accountId: "751029384756", region: "eu-west-2", clusterName: "platform-prod-eks" };
  const doc = karpenterControllerPolicy({
    ...ref,
    nodeRoleArn: "arn:aws:iam::751029384756:role/platform-prod-karpenter-node",
    interruptionQueueArn: "arn:aws:sqs:eu-west-2:751029384756:platform-prod-karpenter-interruptions",
  });
  const sid = (s: string) => doc.Statement.find((x) => x.Sid === s);

  it("launches, tags and deletes only what carries this cluster's ownership tag", () => {
    for (const s of [
      "AllowScopedEC2LaunchTemplateAccessActions",
      "AllowScopedResourceTagging",
      "AllowScopedDeletion",
    ]) {
      expect(sid(s)?.Condition?.StringEquals).toMatchObject({
        "aws:ResourceTag/kubernetes.io/cluster/platform-prod-eks": "owned",
      });
    }
    expect(sid("AllowScopedEC2InstanceActionsWithTags")?.Condition?.StringEquals).toMatchObject({
      "aws:RequestTag/kubernetes.io/cluster/platform-prod-eks": "owned",
      "aws:RequestTag/eks:eks-cluster-name": "platform-prod-eks",
    });
    expect(doc.Statement.filter((s) => s.Resource === "*").map((s) => s.Sid)).toEqual([
      "AllowRegionalReadActions",
      "AllowPricingReadActions",
      "AllowUnscopedInstanceProfileListAction",
    ]);
  });

  it("passes only the node role, reads only its own queue", () => {
    expect(sid("AllowPassingInstanceRole")).toMatchObject({
      Action: "iam:PassRole",
      Resource: "arn:aws:iam::751029384756:role/platform-prod-karpenter-node",
    });
    expect(sid("AllowInterruptionQueueActions")?.Resource).toBe(
      "arn:aws:sqs:eu-west-2:751029384756:platform-prod-karpenter-interruptions",
    );
    expect(new Set(doc.Statement.map((s) => s.Sid)).size).toBe(doc.Statement.length);
  });

  it("trusts EKS Pod Identity from this cluster only", () => {
    expect(podIdentityTrust(ref).Statement).toEqual([
      {
        Sid: "EksPodIdentityFromThisCluster",
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: { "aws:SourceAccount": "751029384756" },
          ArnEquals: { "aws:SourceArn": "arn:aws:eks:eu-west-2:751029384756:cluster/platform-prod-eks" },
        },
      },
    ]);
  });

  it("lets EventBridge send to the interruption queue over TLS only", () => {
    const q = interruptionQueuePolicy("arn:aws:sqs:eu-west-2:1:q");
    expect(q.Statement[0]).toMatchObject({
      Effect: "Allow",
      Action: "sqs:SendMessage",
      Resource: "arn:aws:sqs:eu-west-2:1:q",
    });
    expect(q.Statement[0]?.Principal).toEqual({ Service: ["events.amazonaws.com", "sqs.amazonaws.com"] });
    expect(q.Statement[1]).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": false } },
    });
  });

  it("listens for spot interruptions, rebalance, health and state-change events", () => {
    expect(Object.values(INTERRUPTION_EVENTS).map((e) => e["detail-type"][0])).toEqual([
      "EC2 Spot Instance Interruption Warning",
      "EC2 Instance Rebalance Recommendation",
      "AWS Health Event",
      "EC2 Instance State-change Notification",
    ]);
  });
});

describe("Karpenter's instance-profile reads", () => {
  const doc = karpenterControllerPolicy({
    accountId: "751029384756",
    region: "eu-west-2",
    clusterName: "platform-prod-eks",
    nodeRoleArn: "arn:aws:iam::751029384756:role/platform-prod-karpenter-node",
    interruptionQueueArn: "arn:aws:sqs:eu-west-2:751029384756:platform-prod-karpenter-interruptions",
  });

  it("may list instance profiles (IAM authorises List* on * only) and read only the account's", () => {
    // IAM evaluates ListInstanceProfiles against "*": a pattern such as instance-profile/* never matches it.
    expect(allows(doc, { action: "iam:ListInstanceProfiles", resource: "*" })).toBe(true);
    const listing = doc.Statement.filter((s) => [s.Action].flat().includes("iam:ListInstanceProfiles"));
    expect(listing.map((s) => s.Resource)).toEqual(["*"]);
    expect(
      allows(doc, {
        action: "iam:GetInstanceProfile",
        resource: "arn:aws:iam::751029384756:instance-profile/platform-prod_123",
      }),
    ).toBe(true);
    expect(allows(doc, { action: "iam:GetInstanceProfile", resource: "*" })).toBe(false);
  });
});
