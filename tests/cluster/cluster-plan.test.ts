import { describe, expect, it } from "vitest";
import { VERSIONS } from "../../src/core/versions";
import { VARIANT_DEPLOY_ROLE } from "../support/evaluations";
import {
  named,
  ofType,
  type PlannedResource,
  type PlanResult,
  planStack,
  planVariant,
  stackValue,
  within,
} from "../support/harness";
import { validateObject as validateStrictly } from "../support/k8s-schema";

const STACKS = ["dev", "preprod", "prod", "management"] as const;
const plans = Object.fromEntries(STACKS.map((s) => [s, () => planStack(s)])) as Record<
  (typeof STACKS)[number],
  () => Promise<PlanResult>
>;

const eksCluster = (p: PlanResult) => named(p, "eks:index:Cluster", "eks").inputs;
const input = <T = unknown>(r: PlannedResource, key: string) => r.inputs[key] as T;

describe.each(STACKS)("%s cluster", (stack) => {
  it("runs the control plane and the nodes in the private subnets only", async () => {
    const p = await plans[stack]();
    const privateIds = p.outputs.privateSubnetIds as string[];
    const publicIds = p.outputs.publicSubnetIds as string[];
    expect(privateIds).toHaveLength(3);
    const c = eksCluster(p);
    expect(c.privateSubnetIds).toEqual(privateIds);
    expect(c.subnetIds).toBeUndefined();
    expect(c.publicSubnetIds).toBeUndefined();
    expect(c.nodeAssociatePublicIpAddress).toBe(false);
    const ng = named(p, "aws:eks/nodeGroup:NodeGroup", "system-nodes");
    expect(input(ng, "subnetIds")).toEqual(privateIds);
    for (const r of within(p, "cluster")) {
      for (const id of publicIds) expect(JSON.stringify(r.inputs)).not.toContain(id);
    }
  });

  it("is named for Karpenter discovery, pinned, API-authenticated, encrypted and fully logged", async () => {
    const p = await plans[stack]();
    const c = eksCluster(p);
    expect(c.name).toBe(`platform-${stack}-eks`);
    expect(c.version).toBe(VERSIONS.kubernetes.default);
    expect(c.authenticationMode).toBe("API");
    expect(c.endpointPrivateAccess).toBe(true);
    expect(c.createOidcProvider).toBe(true);
    expect(c.skipDefaultNodeGroup).toBe(true);
    expect(c.enabledClusterLogTypes).toEqual([
      "api",
      "audit",
      "authenticator",
      "controllerManager",
      "scheduler",
    ]);
    const key = named(p, "aws:kms/key:Key", "cluster-key");
    expect(input(key, "enableKeyRotation")).toBe(true);
    expect(c.encryptionConfigKeyArn).toMatch(/^arn:aws:kms:eu-west-2:\d{12}:key\//);
    const logs = named(p, "aws:cloudwatch/logGroup:LogGroup", "control-plane-logs");
    expect(input(logs, "name")).toBe(`/aws/eks/platform-${stack}-eks/cluster`);
    expect(input(logs, "retentionInDays")).toBe(
      stackValue<{ logRetentionDays: number }>(stack, "platform:cluster").logRetentionDays,
    );
    expect(input(logs, "kmsKeyId")).toBe(c.encryptionConfigKeyArn);
    // The kubeconfig (hence the Kubernetes provider) assumes the stack's deploy role.
    expect(c.providerCredentialOpts).toEqual({
      roleArn: stackValue<string>(stack, "platform:deployRoleArn"),
    });
  });

  it("installs the managed add-ons at their pinned versions, the CNI with prefix delegation", async () => {
    const p = await plans[stack]();
    const addons = ofType(p, "aws:eks/addon:Addon");
    expect(Object.fromEntries(addons.map((a) => [input(a, "addonName"), input(a, "addonVersion")]))).toEqual(
      VERSIONS.eksAddons,
    );
    const cni = named(p, "aws:eks/addon:Addon", "vpc-cni");
    expect(JSON.parse(input(cni, "configurationValues"))).toMatchObject({
      env: { ENABLE_PREFIX_DELEGATION: "true" },
    });
    expect(input<{ serviceAccount: string }[]>(cni, "podIdentityAssociations")[0]?.serviceAccount).toBe(
      "aws-node",
    );
    const ebs = named(p, "aws:eks/addon:Addon", "aws-ebs-csi-driver");
    expect(input<{ serviceAccount: string }[]>(ebs, "podIdentityAssociations")[0]?.serviceAccount).toBe(
      "ebs-csi-controller-sa",
    );
    // The component's own copies of the add-ons are off: these resources own them.
    const c = eksCluster(p);
    expect(c).toMatchObject({
      bootstrapSelfManagedAddons: false,
      useDefaultVpcCni: true,
      corednsAddonOptions: { enabled: false },
      kubeProxyAddonOptions: { enabled: false },
    });
  });

  it("has a tainted system node group with IMDSv2 and encrypted gp3 root volumes", async () => {
    const p = await plans[stack]();
    const ng = named(p, "aws:eks/nodeGroup:NodeGroup", "system-nodes");
    const sizing = stackValue<{ systemNodeGroup: Record<string, unknown> }>(
      stack,
      "platform:cluster",
    ).systemNodeGroup;
    expect(input(ng, "taints")).toEqual([
      { key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" },
    ]);
    expect(input(ng, "scalingConfig")).toEqual({
      minSize: sizing.minSize,
      desiredSize: sizing.desiredSize,
      maxSize: sizing.maxSize,
    });
    expect(input(ng, "instanceTypes")).toEqual(sizing.instanceTypes);
    expect(input(ng, "version")).toBe(VERSIONS.kubernetes.default);
    const lt = named(p, "aws:ec2/launchTemplate:LaunchTemplate", "system-nodes");
    expect(input<{ id: string }>(ng, "launchTemplate").id).toMatch(/^lt-/);
    expect(input(lt, "metadataOptions")).toMatchObject({
      httpTokens: "required",
      httpPutResponseHopLimit: 2,
    });
    expect(input(lt, "blockDeviceMappings")).toEqual([
      {
        deviceName: "/dev/xvda",
        ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      },
    ]);
    const attached = ofType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.name.startsWith("system-node-"))
      .map((a) => input(a, "policyArn"));
    expect(attached).toContain("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
  });

  it("grants access through access entries with the EKS access policies", async () => {
    const p = await plans[stack]();
    const access = stackValue<{ access: { admin: string[]; readOnly?: string[] } }>(
      stack,
      "platform:cluster",
    ).access;
    // The configured principals; ArgoCD's and the PR environments' roles get theirs from the GitOps components (tests/gitops).
    const entries = ofType(p, "aws:eks/accessEntry:AccessEntry").filter(
      (e) => input(e, "type") === "STANDARD" && !e.components.some((c) => c.startsWith("gitops")),
    );
    const assoc = ofType(p, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter(
      (a) => !a.components.some((c) => c.startsWith("gitops")),
    );
    const policyOf = (arn: string) => assoc.find((a) => input(a, "principalArn") === arn)?.inputs.policyArn;
    const [admin] = access.admin;
    // Identity Center roles keep their aws-reserved/sso.amazonaws.com/<region>/ path: EKS refuses them without it.
    const adminArn = admin!;
    expect(adminArn).toMatch(
      /:role\/aws-reserved\/sso\.amazonaws\.com\/eu-west-2\/AWSReservedSSO_PlatformAdmin_[0-9a-f]{16}$/,
    );
    expect(policyOf(adminArn)).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
    for (const ro of access.readOnly ?? []) {
      expect(policyOf(ro)).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy");
    }
    // The stack's CI preview role, which the program grants itself: every object read (a refresh
    // reads Helm's release Secrets and RBAC objects), nothing written.
    const previewArn = stackValue<string>(stack, "platform:deployRoleArn").replace(
      /platform-deploy$/,
      "platform-preview",
    );
    expect(policyOf(previewArn)).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy");
    expect(entries).toHaveLength(access.admin.length + (access.readOnly?.length ?? 0) + 1);
    expect(assoc).toHaveLength(entries.length);
    for (const a of assoc) expect(input(a, "accessScope")).toEqual({ type: "cluster" });
    // The deploy role creates the cluster, so EKS already made it an admin: no second entry.
    const deployRole = stackValue<string>(stack, "platform:deployRoleArn");
    expect(entries.map((e) => input(e, "principalArn"))).not.toContain(deployRole);
  });

  it("tags the cluster security group for Karpenter and opens the private API to the management VPC only", async () => {
    const p = await plans[stack]();
    const tag = named(p, "aws:ec2/tag:Tag", "cluster-sg-discovery");
    expect(tag.inputs).toMatchObject({ key: "karpenter.sh/discovery", value: `platform-${stack}-eks` });
    expect(input(tag, "resourceId")).toMatch(/^sg-/);
    const rules = ofType(p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) =>
      r.components.includes("cluster"),
    );
    expect(rules.map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort])).toEqual([
      [stackValue<{ vpcCidr: string }>("management", "platform:network").vpcCidr, 443, 443],
    ]);
  });

  it("runs everything inside the cluster through the cluster's Kubernetes provider", async () => {
    const p = await plans[stack]();
    // The one exception: an environment's cluster secret, written into the management cluster.
    const inHub = (r: { name: string; provider: string }) =>
      r.name === "argocd-cluster-secret" && r.provider === "k8s-argocd-hub";
    const k8s = p.resources.filter((r) => r.type.startsWith("kubernetes:") && !inHub(r));
    expect(k8s.length).toBeGreaterThan(0);
    for (const r of k8s) expect(r.provider, `${r.type} ${r.name}`).toBe("k8s");
    expect(ofType(p, "pulumi:providers:kubernetes").map((r) => r.name)).toEqual(
      stack === "management" ? ["k8s"] : ["k8s", "k8s-argocd-hub"],
    );
    expect(p.resources.filter(inHub)).toHaveLength(stack === "management" ? 0 : 1);
  });
});

describe.each(STACKS)("%s Karpenter", (stack) => {
  it("wires the interruption queue to the EventBridge rules", async () => {
    const p = await plans[stack]();
    const queue = named(p, "aws:sqs/queue:Queue", "interruptions");
    const queueArn = `arn:aws:sqs:eu-west-2:${stackValue<string>(stack, "platform:accountId")}:${input(queue, "name")}`;
    expect(input(queue, "sqsManagedSseEnabled")).toBe(true);
    const rules = ofType(p, "aws:cloudwatch/eventRule:EventRule").filter((r) =>
      r.name.startsWith("karpenter-"),
    );
    const targets = ofType(p, "aws:cloudwatch/eventTarget:EventTarget").filter((r) =>
      r.name.startsWith("karpenter-"),
    );
    expect(rules.map((r) => JSON.parse(input(r, "eventPattern"))["detail-type"][0]).sort()).toEqual([
      "AWS Health Event",
      "EC2 Instance Rebalance Recommendation",
      "EC2 Instance State-change Notification",
      "EC2 Spot Instance Interruption Warning",
    ]);
    for (const rule of rules) {
      const target = targets.find((t) => input(t, "rule") === input(rule, "name"));
      expect(target?.inputs.arn, rule.name).toBe(queueArn);
    }
    const policy = JSON.parse(input(named(p, "aws:sqs/queuePolicy:QueuePolicy", "interruptions"), "policy"));
    expect(policy.Statement[0]).toMatchObject({ Action: "sqs:SendMessage", Resource: queueArn });
    const release = named(p, "kubernetes:helm.sh/v3:Release", "karpenter");
    expect(input<{ settings: unknown }>(release, "values").settings).toEqual({
      clusterName: `platform-${stack}-eks`,
      interruptionQueue: input(queue, "name"),
    });
  });

  it("gives the controller a Pod Identity role and the nodes an access entry", async () => {
    const p = await plans[stack]();
    const assoc = named(
      p,
      "aws:eks/podIdentityAssociation:PodIdentityAssociation",
      "karpenter-controller-pod-identity",
    );
    expect(assoc.inputs).toMatchObject({
      namespace: "kube-system",
      serviceAccount: "karpenter",
      clusterName: `platform-${stack}-eks`,
    });
    const role = named(p, "aws:iam/role:Role", "karpenter-controller-role");
    expect(JSON.parse(input(role, "assumeRolePolicy")).Statement[0].Principal).toEqual({
      Service: "pods.eks.amazonaws.com",
    });
    const policy = JSON.parse(
      input(named(p, "aws:iam/rolePolicy:RolePolicy", "karpenter-controller-policy"), "policy"),
    );
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === "AllowPassingInstanceRole").Resource).toBe(
      `arn:aws:iam::${stackValue<string>(stack, "platform:accountId")}:role/platform-${stack}-karpenter-node`,
    );
    const nodeEntry = named(p, "aws:eks/accessEntry:AccessEntry", "karpenter-node");
    expect(nodeEntry.inputs).toMatchObject({
      type: "EC2_LINUX",
      principalArn: `arn:aws:iam::${stackValue<string>(stack, "platform:accountId")}:role/platform-${stack}-karpenter-node`,
    });
  });

  it("installs the pinned chart on the system nodes", async () => {
    const p = await plans[stack]();
    const release = named(p, "kubernetes:helm.sh/v3:Release", "karpenter");
    expect(release.inputs).toMatchObject({
      chart: "oci://public.ecr.aws/karpenter/karpenter",
      version: VERSIONS.charts.karpenter.version,
      namespace: "kube-system",
      skipCrds: true,
    });
    expect(input<{ tolerations: unknown }>(release, "values").tolerations).toEqual([
      { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" },
    ]);
    expect(named(p, "kubernetes:helm.sh/v3:Release", "karpenter-crd").inputs).toMatchObject({
      chart: "oci://public.ecr.aws/karpenter/karpenter-crd",
      version: VERSIONS.charts.karpenterCrd.version,
    });
  });

  it("creates only schema-valid Karpenter objects", async () => {
    const p = await plans[stack]();
    const objects = p.resources.filter((r) => /^kubernetes:karpenter\./.test(r.type));
    expect(objects.map((r) => r.type).sort()).toEqual([
      "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
      "kubernetes:karpenter.sh/v1:NodePool",
    ]);
    for (const o of objects) expect(validateStrictly(o.inputs), `${o.type} ${o.name}`).toEqual([]);
    const nodeClass = named(p, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "node-class").inputs as {
      spec: {
        metadataOptions: unknown;
        blockDeviceMappings: { ebs: unknown }[];
        subnetSelectorTerms: unknown;
      };
    };
    expect(nodeClass.spec.metadataOptions).toMatchObject({
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
    });
    expect(nodeClass.spec.blockDeviceMappings[0]?.ebs).toMatchObject({ encrypted: true, volumeType: "gp3" });
    expect(nodeClass.spec.subnetSelectorTerms).toEqual([
      { tags: { "karpenter.sh/discovery": `platform-${stack}-eks` } },
    ]);
  });
});

/** The NodePool of a plan, with the fields the per-environment assertions read. */
async function nodePool(stack: (typeof STACKS)[number]) {
  const p = await plans[stack]();
  return named(p, "kubernetes:karpenter.sh/v1:NodePool", "node-pool").inputs as {
    spec: {
      limits: { cpu: string; memory: string };
      template: { spec: { requirements: { key: string; values: string[] }[] } };
    };
  };
}
const values = (np: Awaited<ReturnType<typeof nodePool>>, key: string) =>
  np.spec.template.spec.requirements.find((r) => r.key === key)?.values;

describe("per-environment Karpenter settings", () => {
  it("dev runs spot only on burstable families, capped at 20 vCPU", async () => {
    const np = await nodePool("dev");
    expect(values(np, "karpenter.sh/capacity-type")).toEqual(["spot"]);
    expect(values(np, "karpenter.k8s.aws/instance-family")).toEqual(["t3", "t3a"]);
    expect(np.spec.limits).toEqual({ cpu: "20", memory: "80Gi" });
  });

  it("preprod and prod run spot with on-demand fallback on general-purpose families", async () => {
    for (const stack of ["preprod", "prod"] as const) {
      const np = await nodePool(stack);
      expect(values(np, "karpenter.sh/capacity-type")).toEqual(["spot", "on-demand"]);
      expect(values(np, "karpenter.k8s.aws/instance-family")).toContain("m6i");
    }
    expect((await nodePool("preprod")).spec.limits).toEqual({ cpu: "100", memory: "400Gi" });
    expect((await nodePool("prod")).spec.limits).toEqual({ cpu: "200", memory: "800Gi" });
  });

  it("management runs its own cluster for ArgoCD and internal tools, with on-demand fallback", async () => {
    const np = await nodePool("management");
    expect(values(np, "karpenter.sh/capacity-type")).toEqual(["spot", "on-demand"]);
    expect(np.spec.limits).toEqual({ cpu: "48", memory: "192Gi" });
  });

  it("keeps the prod and preprod endpoints private and protects their clusters", async () => {
    for (const stack of ["preprod", "prod", "management"] as const) {
      const p = await plans[stack]();
      const c = eksCluster(p);
      expect(c.endpointPublicAccess).toBe(false);
      expect(c.publicAccessCidrs).toBeUndefined();
      expect(c.deletionProtection).toBe(true);
      expect(named(p, "eks:index:Cluster", "eks").protect).toBe(true);
      expect(named(p, "aws:kms/key:Key", "cluster-key").retainOnDelete).toBe(true);
    }
    expect(eksCluster(await plans.dev()).deletionProtection).toBe(false);
  });
});

describe("public endpoint where config allows it", () => {
  it("dev may open the public endpoint to named CIDRs only", async () => {
    const p = await planVariant("dev:optional-settings");
    const c = eksCluster(p);
    expect(c.endpointPublicAccess).toBe(true);
    expect(c.endpointPrivateAccess).toBe(true);
    expect(c.publicAccessCidrs).toEqual(["198.51.100.0/24"]);
  });

  it("a deploy role gets AmazonEKSAdminPolicy", async () => {
    const deploy = VARIANT_DEPLOY_ROLE;
    const p = await planVariant("dev:optional-settings");
    const assoc = ofType(p, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").find(
      (a) => a.inputs.principalArn === deploy,
    );
    expect(assoc?.inputs.policyArn).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy");
  });
});
