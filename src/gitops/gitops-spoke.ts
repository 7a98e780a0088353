import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../cluster";
import { type NameContext, nameTag } from "../core/naming";
import { toJson } from "../core/policy-document";
import { assumedOnlyBy } from "../governance";
import { ARGOCD_DEPLOYER_ROLE_NAME } from "./gitops-iam";
import {
  clusterSecretManifest,
  DEPLOYER_GROUP,
  deployerRbacManifests,
  PAYMENTS_NAMESPACE,
  paymentsNamespaceManifest,
} from "./gitops-manifests";

/** `AmazonEKSAdminPolicy`: the built-in kinds of the namespaces it is scoped to, never cluster-wide. */
export const DEPLOYER_ACCESS_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy";

export interface GitOpsSpokeArgs {
  readonly naming: NameContext;
  /** The environment (`dev`, `preprod`, `prod`): the cluster secret's environment label. */
  readonly environment: string;
  /** This environment's cluster, which ArgoCD deploys to. */
  readonly cluster: Cluster;
  /** ArgoCD's role in the management account (a management stack output): the deployer's only trustee. */
  readonly argoCdRoleArn: pulumi.Input<string>;
  /** The chart version the environment runs, and whether ArgoCD may sync it automatically. */
  readonly chartVersion: string;
  readonly autoSync: boolean;
  /** A Kubernetes provider for the management cluster that acts as the ArgoCD registrar. */
  readonly hubProvider: k8s.Provider;
  /** The cluster's Kubernetes version: the Pod Security Admission labels are pinned to it. */
  readonly kubernetesVersion: string;
  /** Production-grade: the namespace the workloads live in outlives the stack's resources. */
  readonly protect: boolean;
  /** The environment's chart values (`paymentsChartValues`): the cluster secret's chart-values annotation. */
  readonly chartValues: pulumi.Input<Record<string, unknown>>;
  /** What must be in the cluster before ArgoCD is told about it (the add-ons the chart relies on). */
  readonly registerAfter?: pulumi.Resource[];
  /**
   * The base environment of the PR environments: ArgoCD watches every namespace of this cluster
   * (read-only, the chart's kinds; each PR environment grants it its own namespace).
   */
  readonly hostsPrEnvironments?: boolean;
}

/**
 * An environment as a spoke of ArgoCD in the management cluster:
 *
 * - `platform-argocd-deployer`, trusting only ArgoCD's role in the management account, with an EKS
 *   access entry scoped to `payments` (`AmazonEKSAdminPolicy` for the built-in kinds, and a Role
 *   there for the chart's custom resources): no cluster-scoped access at all;
 * - the `payments` namespace, created here because the deployer may not create namespaces, with
 *   Pod Security Admission enforcing the `restricted` standard;
 * - the environment's cluster secret in the hub's `argocd` namespace, written through the hub
 *   provider: the environment label the ApplicationSet selects on, the chart version to run, and
 *   how ArgoCD reaches the cluster (endpoint, CA, the deployer role).
 */
export class GitOpsSpoke extends pulumi.ComponentResource {
  readonly deployerRoleArn: pulumi.Output<string>;

  constructor(name: string, args: GitOpsSpokeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:gitops:GitOpsSpoke", name, {}, opts);
    const { naming, cluster } = args;
    const inCluster = { parent: this, provider: cluster.provider };

    const deployer = new aws.iam.Role(
      "argocd-deployer-role",
      {
        name: ARGOCD_DEPLOYER_ROLE_NAME,
        description: `ArgoCD in the management cluster deploys the payments chart into ${args.environment}: the payments namespace of this cluster only.`,
        maxSessionDuration: 3600,
        assumeRolePolicy: pulumi.output(args.argoCdRoleArn).apply((arn) => toJson(assumedOnlyBy([arn]))),
        tags: nameTag(naming, "argocd-deployer"),
      },
      { parent: this },
    );
    this.deployerRoleArn = deployer.arn;
    const entry = new aws.eks.AccessEntry(
      "argocd-deployer-access",
      {
        clusterName: cluster.name,
        principalArn: deployer.arn,
        type: "STANDARD",
        kubernetesGroups: [DEPLOYER_GROUP],
        tags: nameTag(naming, "argocd-deployer"),
      },
      { parent: this, dependsOn: [cluster.eks] },
    );
    const access = new aws.eks.AccessPolicyAssociation(
      "argocd-deployer-access",
      {
        clusterName: cluster.name,
        principalArn: deployer.arn,
        policyArn: DEPLOYER_ACCESS_POLICY,
        accessScope: { type: "namespace", namespaces: [PAYMENTS_NAMESPACE] },
      },
      { parent: this, dependsOn: [entry] },
    );

    const ns = paymentsNamespaceManifest({ kubernetesVersion: args.kubernetesVersion });
    const namespace = new k8s.core.v1.Namespace(
      "payments-namespace",
      { metadata: ns.metadata },
      // Dropping the stack's resource never deletes the workloads ArgoCD put there.
      { ...inCluster, retainOnDelete: true, protect: args.protect },
    );
    const rbac = deployerRbacManifests();
    const role = new k8s.rbac.v1.Role(
      "argocd-deployer",
      { metadata: rbac.role.metadata, rules: rbac.role.rules },
      { ...inCluster, dependsOn: [namespace] },
    );
    const binding = new k8s.rbac.v1.RoleBinding(
      "argocd-deployer",
      { metadata: rbac.binding.metadata, roleRef: rbac.binding.roleRef, subjects: rbac.binding.subjects },
      { ...inCluster, dependsOn: [role] },
    );

    // Registered last: ArgoCD acts on the cluster as soon as the secret exists.
    const secret = pulumi
      .all([
        cluster.endpoint,
        cluster.certificateAuthorityData,
        deployer.arn,
        pulumi.output(args.chartValues),
      ])
      .apply(([server, caData, deployerRoleArn, chartValues]) =>
        clusterSecretManifest({
          environment: args.environment,
          clusterName: cluster.name,
          server,
          caData,
          deployerRoleArn,
          chartVersion: args.chartVersion,
          autoSync: args.autoSync,
          chartValues: chartValues as Record<string, unknown>,
          allNamespaces: args.hostsPrEnvironments === true,
        }),
      );
    new k8s.core.v1.Secret(
      "argocd-cluster-secret",
      {
        metadata: secret.metadata,
        type: secret.type,
        stringData: secret.stringData,
      },
      {
        parent: this,
        provider: args.hubProvider,
        dependsOn: [access, binding, ...(args.registerAfter ?? [])],
      },
    );

    this.registerOutputs({ deployerRoleArn: this.deployerRoleArn });
  }
}
