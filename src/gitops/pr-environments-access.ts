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
 * policy to `payments-pr-<number>` namespaces; the deployer's rights on the chart's kinds as a
 * ClusterRole each PR namespace binds for ArgoCD; and the deployer's cluster-wide read of what
 * ArgoCD watches (the chart's kinds, no Pods or Secrets), since ArgoCD watches every namespace of
 * this cluster (it cannot be told the PR namespaces ahead of time).
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
      "argocd-deployer-pr-namespace",
      { metadata: m.deployerPrNamespace.metadata, rules: m.deployerPrNamespace.rules },
      inCluster,
    );
    const read = new k8s.rbac.v1.ClusterRole(
      "argocd-deployer-read",
      { metadata: m.deployerRead.metadata, rules: m.deployerRead.rules },
      inCluster,
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      "argocd-deployer-read",
      {
        metadata: m.deployerReadBinding.metadata,
        roleRef: m.deployerReadBinding.roleRef,
        subjects: m.deployerReadBinding.subjects,
      },
      { ...inCluster, dependsOn: [read] },
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
