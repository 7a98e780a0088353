import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../cluster";
import { type NameContext, nameTag } from "../core/naming";
import { iamRoleArn } from "../core/policy-document";
import { PR_ENVIRONMENTS_ROLE_NAME } from "../core/pr-names";
import { PR_ENVIRONMENTS_GROUP, prEnvironmentsClusterManifests } from "./delivery-manifests";

export interface PrEnvironmentsAccessArgs {
  readonly naming: NameContext;
  /** The base environment's cluster, where PR environments get their namespaces. */
  readonly cluster: Cluster;
  readonly accountId: string;
}

/**
 * The base cluster's side of PR environments: an EKS access entry for `platform-pr-environments`
 * (no access policy: only its Kubernetes group), the RBAC that group gets (namespaces, the
 * deployer's binding and a SecretStore in them, a look at what runs there), held by an admission
 * policy to `payments-pr-<number>` namespaces, and the deployer's custom-resource rights as a
 * ClusterRole each PR namespace binds for ArgoCD.
 */
export class PrEnvironmentsAccess extends pulumi.ComponentResource {
  constructor(name: string, args: PrEnvironmentsAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:gitops:PrEnvironmentsAccess", name, {}, opts);
    const { cluster, naming } = args;
    const inCluster = { parent: this, provider: cluster.provider, dependsOn: [cluster.eks] };
    const m = prEnvironmentsClusterManifests();

    new aws.eks.AccessEntry(
      "pr-environments-access",
      {
        clusterName: cluster.name,
        principalArn: iamRoleArn(args.accountId, PR_ENVIRONMENTS_ROLE_NAME),
        type: "STANDARD",
        kubernetesGroups: [PR_ENVIRONMENTS_GROUP],
        tags: nameTag(naming, "pr-environments"),
      },
      { parent: this, dependsOn: [cluster.eks] },
    );
    new k8s.rbac.v1.ClusterRole(
      "argocd-deployer-custom-resources",
      { metadata: m.deployerCustomResources.metadata, rules: m.deployerCustomResources.rules },
      inCluster,
    );
    // The admission policy first: the group's rights never exist without their limit.
    const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
      "pr-environments",
      { metadata: m.admissionPolicy.metadata, spec: m.admissionPolicy.spec },
      inCluster,
    );
    const binding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
      "pr-environments",
      { metadata: m.admissionPolicyBinding.metadata, spec: m.admissionPolicyBinding.spec },
      { ...inCluster, dependsOn: [policy] },
    );
    const role = new k8s.rbac.v1.ClusterRole(
      "pr-environments",
      { metadata: m.clusterRole.metadata, rules: m.clusterRole.rules },
      { ...inCluster, dependsOn: [binding] },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      "pr-environments",
      {
        metadata: m.clusterRoleBinding.metadata,
        roleRef: m.clusterRoleBinding.roleRef,
        subjects: m.clusterRoleBinding.subjects,
      },
      { ...inCluster, dependsOn: [role, binding] },
    );
    this.registerOutputs({});
  }
}
