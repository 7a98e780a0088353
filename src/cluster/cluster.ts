import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { boundedName, type NameContext, nameTag, physicalName } from "../core/naming";
import { type PolicyDocument, serviceTrust, toJson } from "../core/policy-document";
import { VERSIONS } from "../core/versions";
import { flowLogKeyPolicy } from "../network";
import { accessGrants } from "./access-entries";
import type { ClusterConfig } from "./cluster-config";
import { type ClusterRef, clusterArn, podIdentityTrust } from "./cluster-iam";
import { DISCOVERY_TAG } from "./karpenter-manifests";
import { clusterApiOf } from "./kubeconfig";
import {
  ADDON_SERVICE_ACCOUNTS,
  ADDONS_NEEDING_NODES,
  addonConfiguration,
  amiTypeFor,
  CRITICAL_ADDONS_TAINT,
  MANAGED_ADDONS,
  type ManagedAddon,
  NODE_ROLE_POLICIES,
  SYSTEM_NODE_IMDS_HOP_LIMIT,
  SYSTEM_NODE_SELECTOR,
} from "./system-nodes";

/** Every EKS control-plane log type. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export interface ClusterArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  /** The physical cluster name (`clusterName(naming)`): the subnets' Karpenter discovery tag value. */
  readonly name: string;
  readonly vpcId: pulumi.Input<string>;
  /** The private subnets, one per AZ: control-plane ENIs and every node live there, nowhere else. */
  readonly privateSubnetIds: pulumi.Input<string>[];
  readonly cluster: ClusterConfig;
  /** Networks that reach the private API endpoint (the VPN and tooling VPCs): HTTPS to the control plane. */
  readonly apiClientCidrs: readonly string[];
  /** The role the stack deploys with; the kubeconfig assumes it too (it is the cluster creator, hence admin). */
  readonly deployRoleArn?: string;
  /** The stack's CI preview role: read access to every object (see `ACCESS_POLICIES.preview`). */
  readonly previewRoleArn?: string;
  /** Production-grade: deletion protection, protected key, cluster and node group. */
  readonly protect: boolean;
  /**
   * What must exist before anything talks to the cluster's private API: the network path from CI
   * and operators (the tailnet and subnet routers in management, the Transit Gateway attachment in
   * an environment). The cluster is created after them, so every Kubernetes object is too.
   */
  readonly reachableAfter?: readonly pulumi.Resource[];
}

/** A role assumed by one service account through EKS Pod Identity, and its association. */
export interface PodIdentityRole {
  readonly role: aws.iam.Role;
  readonly association: aws.eks.PodIdentityAssociation;
}

/**
 * An EKS cluster in the private subnets only: private API endpoint (public only where config
 * allows, never production-grade), API authentication mode with access entries, secrets
 * envelope-encrypted with the cluster's own KMS key, every control-plane log type with a
 * retention, an OIDC provider (IRSA) and the Pod Identity agent, pinned managed add-ons, a small
 * tainted system node group across the AZs (IMDSv2, encrypted gp3, SSM), and a Kubernetes
 * provider for everything that runs inside it.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly name: string;
  readonly arn: string;
  readonly ref: ClusterRef;
  readonly eks: eks.Cluster;
  readonly kubeconfig: pulumi.Output<string>;
  /** The API server's HTTPS endpoint and its CA (base64 PEM), as the cluster's kubeconfig names them. */
  readonly endpoint: pulumi.Output<string>;
  readonly certificateAuthorityData: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly secretsKey: aws.kms.Key;
  readonly systemNodeGroup: aws.eks.NodeGroup;
  readonly addons: Readonly<Record<ManagedAddon, aws.eks.Addon>>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:cluster:Cluster", name, {}, opts);
    const { naming, cluster: cfg } = args;
    const parent = { parent: this };
    const protect = { parent: this, protect: args.protect };
    this.name = args.name;
    this.ref = { accountId: args.accountId, region: args.region, clusterName: args.name };
    this.arn = clusterArn(this.ref);

    // Control-plane logs: EKS writes to this exact group name; creating it first sets the
    // retention and the key (EKS would otherwise create it unencrypted, kept forever).
    const logGroupName = `/aws/eks/${args.name}/cluster`;
    this.secretsKey = new aws.kms.Key(
      "cluster-key",
      {
        description: `${args.name}: Kubernetes secrets envelope encryption and control-plane logs`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        // The account administers the key (EKS uses it through grants its creator makes), and
        // CloudWatch Logs may use it for the control-plane log group only.
        policy: toJson(flowLogKeyPolicy({ accountId: args.accountId, region: args.region, logGroupName })),
        tags: nameTag(naming, "eks-key"),
      },
      { ...protect, retainOnDelete: args.protect },
    );
    new aws.kms.Alias(
      "cluster-key-alias",
      { name: `alias/${physicalName(naming, "eks")}`, targetKeyId: this.secretsKey.keyId },
      parent,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      "control-plane-logs",
      {
        name: logGroupName,
        retentionInDays: cfg.logRetentionDays,
        kmsKeyId: this.secretsKey.arn,
        tags: nameTag(naming, "eks-logs"),
      },
      parent,
    );

    this.eks = new eks.Cluster(
      "eks",
      {
        name: args.name,
        version: cfg.kubernetesVersion,
        vpcId: args.vpcId,
        // Private subnets only: the control plane's ENIs and every node. No public subnets are
        // handed to the cluster; internet-facing load balancers find theirs by tag.
        privateSubnetIds: args.privateSubnetIds,
        nodeAssociatePublicIpAddress: false,
        endpointPrivateAccess: true,
        endpointPublicAccess: cfg.endpointPublicAccess,
        ...(cfg.endpointPublicAccess ? { publicAccessCidrs: [...cfg.publicAccessCidrs] } : {}),
        authenticationMode: eks.AuthenticationMode.Api,
        encryptionConfigKeyArn: this.secretsKey.arn,
        enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
        createOidcProvider: true,
        deletionProtection: args.protect,
        // Nodes, security groups and add-ons are this component's own resources below: no
        // default node group, the EKS-created cluster security group, no self-managed add-ons.
        skipDefaultNodeGroup: true,
        skipDefaultSecurityGroups: true,
        bootstrapSelfManagedAddons: false,
        useDefaultVpcCni: true,
        corednsAddonOptions: { enabled: false },
        kubeProxyAddonOptions: { enabled: false },
        ...(args.deployRoleArn ? { providerCredentialOpts: { roleArn: args.deployRoleArn } } : {}),
        tags: nameTag(naming, "eks"),
      },
      { ...protect, dependsOn: [logGroup, ...(args.reachableAfter ?? [])] },
    );
    const afterCluster = { parent: this, dependsOn: [this.eks] };
    this.securityGroupId = this.eks.clusterSecurityGroupId;
    this.oidcProviderArn = this.eks.oidcProviderArn;
    this.kubeconfig = pulumi.secret(this.eks.kubeconfigJson);
    const api = this.eks.kubeconfig.apply((k: unknown) => clusterApiOf(k));
    this.endpoint = api.apply((a) => a.server);
    this.certificateAuthorityData = api.apply((a) => a.caData);

    // Karpenter finds the security group of its nodes by the same tag as its subnets: the
    // EKS-created cluster security group, which the control plane and every node share.
    new aws.ec2.Tag(
      "cluster-sg-discovery",
      { resourceId: this.securityGroupId, key: DISCOVERY_TAG, value: args.name },
      afterCluster,
    );
    // The private endpoint answers HTTPS from the VPN and tooling networks only.
    args.apiClientCidrs.forEach((cidr) => {
      new aws.vpc.SecurityGroupIngressRule(
        `api-from-${cidr.replace(/[./]/g, "-")}`,
        {
          securityGroupId: this.securityGroupId,
          description: `Kubernetes API from ${cidr}`,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: cidr,
          tags: nameTag(naming, "eks-api", cidr),
        },
        afterCluster,
      );
    });

    for (const grant of accessGrants(cfg.access, args.previewRoleArn)) {
      const entry = new aws.eks.AccessEntry(
        `access-${grant.id}`,
        { clusterName: args.name, principalArn: grant.principalArn, type: "STANDARD" },
        afterCluster,
      );
      new aws.eks.AccessPolicyAssociation(
        `access-${grant.id}`,
        {
          clusterName: args.name,
          principalArn: grant.principalArn,
          policyArn: grant.policyArn,
          accessScope: { type: "cluster" },
        },
        { parent: this, dependsOn: [entry] },
      );
    }

    // ── system node group ──
    const nodeRole = iamRole(this, "system-node", {
      name: boundedName(naming, 64, "eks-system-node"),
      trust: serviceTrust("ec2.amazonaws.com"),
      managedPolicyArns: NODE_ROLE_POLICIES,
      tags: nameTag(naming, "eks-system-node"),
    });
    const ng = cfg.systemNodeGroup;
    const launchTemplate = new aws.ec2.LaunchTemplate(
      "system-nodes",
      {
        name: physicalName(naming, "eks-system"),
        description: `${args.name} system node group`,
        updateDefaultVersion: true,
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: SYSTEM_NODE_IMDS_HOP_LIMIT,
          instanceMetadataTags: "disabled",
        },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              volumeSize: ng.volumeSizeGi,
              volumeType: "gp3",
              encrypted: "true",
              deleteOnTermination: "true",
            },
          },
        ],
        tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
          resourceType,
          tags: nameTag(naming, "eks-system"),
        })),
        tags: nameTag(naming, "eks-system"),
      },
      parent,
    );

    // Add-ons whose DaemonSets make a node Ready come first; the others need a node to run on.
    const addonRole = (addon: ManagedAddon) => {
      const sa = ADDON_SERVICE_ACCOUNTS[addon];
      if (!sa) return undefined;
      const role = iamRole(this, `${addon}`, {
        name: boundedName(naming, 64, "eks", addon),
        trust: podIdentityTrust(this.ref),
        managedPolicyArns: sa.policies,
        tags: nameTag(naming, "eks", addon),
      });
      return [{ roleArn: role.arn, serviceAccount: sa.serviceAccount }];
    };
    const addon = (name: ManagedAddon, dependsOn: pulumi.Resource[]) => {
      const configuration = addonConfiguration(name);
      const podIdentity = addonRole(name);
      return new aws.eks.Addon(
        name,
        {
          clusterName: args.name,
          addonName: name,
          addonVersion: VERSIONS.eksAddons[name],
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
          ...(configuration ? { configurationValues: JSON.stringify(configuration) } : {}),
          ...(podIdentity ? { podIdentityAssociations: podIdentity } : {}),
          tags: nameTag(naming, "eks", name),
        },
        { parent: this, dependsOn },
      );
    };
    const early = Object.fromEntries(
      MANAGED_ADDONS.filter((a) => !ADDONS_NEEDING_NODES.includes(a)).map((a) => [a, addon(a, [this.eks])]),
    ) as Record<ManagedAddon, aws.eks.Addon>;

    this.systemNodeGroup = new aws.eks.NodeGroup(
      "system-nodes",
      {
        clusterName: args.name,
        nodeGroupName: physicalName(naming, "eks-system"),
        nodeRoleArn: nodeRole.arn,
        subnetIds: args.privateSubnetIds,
        version: cfg.kubernetesVersion,
        amiType: amiTypeFor(ng.instanceTypes),
        capacityType: "ON_DEMAND",
        instanceTypes: [...ng.instanceTypes],
        scalingConfig: { minSize: ng.minSize, desiredSize: ng.desiredSize, maxSize: ng.maxSize },
        updateConfig: { maxUnavailable: 1 },
        launchTemplate: {
          id: launchTemplate.id,
          version: pulumi.interpolate`${launchTemplate.latestVersion}`,
        },
        labels: { ...SYSTEM_NODE_SELECTOR },
        taints: [
          { key: CRITICAL_ADDONS_TAINT.key, value: CRITICAL_ADDONS_TAINT.value, effect: "NO_SCHEDULE" },
        ],
        tags: nameTag(naming, "eks-system"),
      },
      { parent: this, protect: args.protect, dependsOn: [this.eks, ...Object.values(early)] },
    );
    this.addons = {
      ...early,
      ...Object.fromEntries(ADDONS_NEEDING_NODES.map((a) => [a, addon(a, [this.systemNodeGroup])])),
    } as Record<ManagedAddon, aws.eks.Addon>;

    this.provider = new k8s.Provider(
      "k8s",
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      { parent: this, dependsOn: [this.eks] },
    );

    this.registerOutputs(this.outputs());
  }

  /** A role the given service account assumes through EKS Pod Identity (this cluster only). */
  podIdentityRole(
    logical: string,
    args: {
      readonly naming: NameContext;
      readonly namespace: string;
      readonly serviceAccount: string;
      readonly policy?: pulumi.Input<string>;
      readonly managedPolicyArns?: readonly string[];
    },
    parent: pulumi.Resource = this,
  ): PodIdentityRole {
    const role = iamRole(parent, logical, {
      name: boundedName(args.naming, 64, logical),
      trust: podIdentityTrust(this.ref),
      managedPolicyArns: args.managedPolicyArns ?? [],
      ...(args.policy ? { policy: args.policy } : {}),
      tags: nameTag(args.naming, logical),
    });
    const association = this.bindPodIdentity(
      `${logical}-pod-identity`,
      { naming: args.naming, namespace: args.namespace, serviceAccount: args.serviceAccount, role },
      parent,
    );
    return { role, association };
  }

  /** Binds one more service account of this cluster to an existing role through EKS Pod Identity. */
  bindPodIdentity(
    logical: string,
    args: {
      readonly naming: NameContext;
      readonly namespace: string;
      readonly serviceAccount: string;
      readonly role: aws.iam.Role;
    },
    parent: pulumi.Resource = this,
  ): aws.eks.PodIdentityAssociation {
    return new aws.eks.PodIdentityAssociation(
      logical,
      {
        clusterName: this.name,
        namespace: args.namespace,
        serviceAccount: args.serviceAccount,
        roleArn: args.role.arn,
        tags: nameTag(args.naming, logical.replace(/-pod-identity$/, "")),
      },
      { parent, dependsOn: [this.eks] },
    );
  }

  /** The values other stacks, CI and operators read (stack outputs). */
  outputs() {
    return {
      clusterName: this.name,
      clusterArn: this.arn,
      clusterSecurityGroupId: this.securityGroupId,
      oidcProviderArn: this.oidcProviderArn,
      kubernetesVersion: this.systemNodeGroup.version,
    };
  }
}

/**
 * An IAM role with its trust, AWS-managed policies (one attachment each, so the plan shows them)
 * and an optional inline policy.
 */
export function iamRole(
  parent: pulumi.Resource,
  logical: string,
  args: {
    readonly name: string;
    readonly trust: PolicyDocument;
    readonly managedPolicyArns: readonly string[];
    readonly policy?: pulumi.Input<string>;
    readonly tags: Record<string, string>;
  },
): aws.iam.Role {
  const role = new aws.iam.Role(
    `${logical}-role`,
    { name: args.name, assumeRolePolicy: toJson(args.trust), tags: args.tags },
    { parent },
  );
  for (const arn of args.managedPolicyArns) {
    new aws.iam.RolePolicyAttachment(
      `${logical}-${arn.slice(arn.lastIndexOf("/") + 1)}`,
      { role: role.name, policyArn: arn },
      { parent },
    );
  }
  if (args.policy !== undefined) {
    new aws.iam.RolePolicy(`${logical}-policy`, { role: role.id, policy: args.policy }, { parent });
  }
  return role;
}
