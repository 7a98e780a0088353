import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../cluster";
import { type NameContext, nameTag } from "../core/naming";
import { toJson } from "../core/policy-document";
import { assumedOnlyBy, type Operators } from "../governance";
import { ARGOCD_REGISTRAR_ROLE_NAME } from "./gitops-iam";
import {
  applicationSetManifest,
  appProjectManifest,
  clusterSecretName,
  REGISTRAR_GROUP,
  registrarRbacManifests,
} from "./gitops-manifests";

/** An environment the hub deploys to. */
export interface ServedEnvironment {
  readonly environment: string;
  readonly accountId: string;
  /** The environment's EKS cluster name: the cluster secret's `name`, the project's destination. */
  readonly clusterName: string;
}

export interface GitOpsHubArgs {
  readonly naming: NameContext;
  /** The management cluster, where ArgoCD runs. */
  readonly cluster: Cluster;
  /** The ArgoCD release: its CRDs and namespace come first. */
  readonly argoCd: pulumi.Resource;
  readonly accountId: string;
  readonly region: string;
  readonly environments: readonly ServedEnvironment[];
  /** The OCI registry path ArgoCD pulls from (`<account>.dkr.ecr.<region>.amazonaws.com/charts`). */
  readonly registry: string;
  /** The chart's name in the registry. */
  readonly chart: string;
  /** The environments' `platform-deploy` roles: the only stacks that may register a cluster. */
  readonly registrarPrincipalArns: pulumi.Input<string>[];
  /** Platform engineers who may also act as the registrar (local runs). */
  readonly operators?: Operators;
}

/**
 * ArgoCD as the hub of the payments deployments, in the management cluster. ArgoCD itself and its
 * role are installed with the cluster's add-ons (`platform-management-argocd`, the Pod Identity role
 * of its application controller and server, allowed only to assume the environments'
 * `platform-argocd-deployer` roles: see `argoCdHubPermissions`), so its pods start with
 * credentials. This component adds:
 *
 * - `platform-argocd-registrar`, assumable only by the environments' deploy roles (and the platform
 *   admins), whose access entry maps it to a Kubernetes group that may write the environments'
 *   cluster secrets in `argocd` and nothing else;
 * - the `payments` AppProject and ApplicationSet.
 *
 * The chart registry's credentials, ArgoCD's API endpoint and the PR environments' project are
 * `DeliveryHub`'s (src/gitops/delivery-hub.ts).
 */
export class GitOpsHub extends pulumi.ComponentResource {
  readonly registrarRoleArn: pulumi.Output<string>;

  constructor(name: string, args: GitOpsHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:gitops:GitOpsHub", name, {}, opts);
    const { naming, cluster } = args;
    if (args.environments.length === 0) throw new Error("GitOpsHub: at least one environment");
    const inCluster = { parent: this, provider: cluster.provider, dependsOn: [args.argoCd] };

    // ── the registrar: environment stacks write their cluster secret through it ──
    const registrar = new aws.iam.Role(
      "argocd-registrar-role",
      {
        name: ARGOCD_REGISTRAR_ROLE_NAME,
        description:
          "Environment stacks register their EKS cluster with ArgoCD: cluster secrets in the argocd namespace of the management cluster, nothing else.",
        maxSessionDuration: 3600,
        assumeRolePolicy: pulumi
          .all(args.registrarPrincipalArns)
          .apply((arns) => toJson(assumedOnlyBy(arns, args.operators))),
        tags: nameTag(naming, "argocd-registrar"),
      },
      { parent: this },
    );
    this.registrarRoleArn = registrar.arn;
    // No access policy: the entry only names the Kubernetes group the Role below is bound to.
    new aws.eks.AccessEntry(
      "argocd-registrar-access",
      {
        clusterName: cluster.name,
        principalArn: registrar.arn,
        type: "STANDARD",
        kubernetesGroups: [REGISTRAR_GROUP],
        tags: nameTag(naming, "argocd-registrar"),
      },
      { parent: this, dependsOn: [cluster.eks] },
    );
    const registrarRbac = registrarRbacManifests(
      args.environments.map((e) => clusterSecretName(e.clusterName)),
    );
    const registrarRole = new k8s.rbac.v1.Role(
      "argocd-registrar",
      { metadata: registrarRbac.role.metadata, rules: registrarRbac.role.rules },
      inCluster,
    );
    new k8s.rbac.v1.RoleBinding(
      "argocd-registrar",
      {
        metadata: registrarRbac.binding.metadata,
        roleRef: registrarRbac.binding.roleRef,
        subjects: registrarRbac.binding.subjects,
      },
      { ...inCluster, dependsOn: [registrarRole] },
    );

    // ── the payments project and ApplicationSet ──
    const project = new k8s.apiextensions.CustomResource(
      "payments-project",
      appProjectManifest({
        registry: args.registry,
        clusterNames: args.environments.map((e) => e.clusterName),
      }),
      inCluster,
    );
    new k8s.apiextensions.CustomResource(
      "payments-applicationset",
      applicationSetManifest({
        registry: args.registry,
        chart: args.chart,
        environments: args.environments.map((e) => e.environment),
      }),
      { ...inCluster, dependsOn: [args.argoCd, project] },
    );

    this.registerOutputs({ registrarRoleArn: this.registrarRoleArn });
  }
}
