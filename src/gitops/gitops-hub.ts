import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../cluster";
import { type NameContext, nameTag } from "../core/naming";
import { toJson } from "../core/policy-document";
import { argocdReaderRoleName, assumedOnlyBy, type Operators } from "../governance";
import { registrarRoleName } from "./gitops-iam";
import {
  applicationSetManifest,
  appProjectManifest,
  clusterSecretName,
  readerGroup,
  readerRbacManifests,
  registrarAdmissionPolicyManifests,
  registrarGroup,
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
  /**
   * Each environment's `platform-deploy` role, by environment: the only principal (with the
   * platform admins) that may assume that environment's registrar.
   */
  readonly registrarPrincipalArns: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Each environment's `platform-preview` role, by environment: the only principal (with the
   * platform admins) that may assume that environment's reader.
   */
  readonly readerPrincipalArns: Readonly<Record<string, pulumi.Input<string>>>;
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
 * - one registrar per environment, `platform-argocd-registrar-<env>`, assumable only by that
 *   environment's deploy role (and the platform admins), whose access entry maps it to a Kubernetes
 *   group that may write that environment's cluster secret in `argocd` and nothing else (RBAC for
 *   reads, changes and deletes; an admission policy for creates and the environment label);
 * - the `payments` AppProject and ApplicationSet.
 *
 * The chart registry's credentials, ArgoCD's API endpoint and the PR environments' project are
 * `DeliveryHub`'s (src/gitops/delivery-hub.ts).
 */
export class GitOpsHub extends pulumi.ComponentResource {
  /** Each environment's registrar role, by environment. */
  readonly registrarRoleArns: Record<string, pulumi.Output<string>>;
  /** Each environment's reader role (the registrar's read-only counterpart), by environment. */
  readonly readerRoleArns: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: GitOpsHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:gitops:GitOpsHub", name, {}, opts);
    const { naming, cluster } = args;
    if (args.environments.length === 0) throw new Error("GitOpsHub: at least one environment");
    const inCluster = { parent: this, provider: cluster.provider, dependsOn: [args.argoCd] };

    // ── the registrars: each environment stack writes its own cluster secret through its own ──
    const registrarArns: Record<string, pulumi.Output<string>> = {};
    const readerArns: Record<string, pulumi.Output<string>> = {};
    for (const env of args.environments) {
      const e = env.environment;
      const principal = args.registrarPrincipalArns[e];
      if (principal === undefined) throw new Error(`GitOpsHub: no deploy role registers ${e}`);
      const registrar = new aws.iam.Role(
        `argocd-registrar-${e}-role`,
        {
          name: registrarRoleName(e),
          description: `The ${e} stack registers its EKS cluster with ArgoCD: its own cluster secret in the argocd namespace of the management cluster, nothing else.`,
          maxSessionDuration: 3600,
          assumeRolePolicy: pulumi
            .output(principal)
            .apply((arn) => toJson(assumedOnlyBy([arn], args.operators))),
          tags: nameTag(naming, "argocd-registrar", e),
        },
        { parent: this },
      );
      registrarArns[e] = registrar.arn;
      // No access policy: the entry only names the Kubernetes group the Role below is bound to.
      new aws.eks.AccessEntry(
        `argocd-registrar-${e}-access`,
        {
          clusterName: cluster.name,
          principalArn: registrar.arn,
          type: "STANDARD",
          kubernetesGroups: [registrarGroup(e)],
          tags: nameTag(naming, "argocd-registrar", e),
        },
        { parent: this, dependsOn: [cluster.eks] },
      );
      const own = { environment: e, clusterSecretName: clusterSecretName(env.clusterName) };
      const rbac = registrarRbacManifests(own);
      const role = new k8s.rbac.v1.Role(
        `argocd-registrar-${e}`,
        { metadata: rbac.role.metadata, rules: rbac.role.rules },
        inCluster,
      );
      new k8s.rbac.v1.RoleBinding(
        `argocd-registrar-${e}`,
        { metadata: rbac.binding.metadata, roleRef: rbac.binding.roleRef, subjects: rbac.binding.subjects },
        { ...inCluster, dependsOn: [role] },
      );
      const admission = registrarAdmissionPolicyManifests(own);
      const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
        `argocd-registrar-${e}`,
        { metadata: admission.policy.metadata, spec: admission.policy.spec },
        inCluster,
      );
      new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
        `argocd-registrar-${e}`,
        { metadata: admission.binding.metadata, spec: admission.binding.spec },
        { ...inCluster, dependsOn: [policy] },
      );

      // Its read-only counterpart, for the environment's previews: reads the own secret, nothing else.
      const readerPrincipal = args.readerPrincipalArns[e];
      if (readerPrincipal === undefined) throw new Error(`GitOpsHub: no preview role reads ${e}`);
      const reader = new aws.iam.Role(
        `argocd-reader-${e}-role`,
        {
          name: argocdReaderRoleName(e),
          description: `The ${e} stack's previews read its own cluster secret in the argocd namespace of the management cluster, nothing else.`,
          maxSessionDuration: 3600,
          assumeRolePolicy: pulumi
            .output(readerPrincipal)
            .apply((arn) => toJson(assumedOnlyBy([arn], args.operators))),
          tags: nameTag(naming, "argocd-reader", e),
        },
        { parent: this },
      );
      readerArns[e] = reader.arn;
      new aws.eks.AccessEntry(
        `argocd-reader-${e}-access`,
        {
          clusterName: cluster.name,
          principalArn: reader.arn,
          type: "STANDARD",
          kubernetesGroups: [readerGroup(e)],
          tags: nameTag(naming, "argocd-reader", e),
        },
        { parent: this, dependsOn: [cluster.eks] },
      );
      const readerRbac = readerRbacManifests(own);
      const readerRole = new k8s.rbac.v1.Role(
        `argocd-reader-${e}`,
        { metadata: readerRbac.role.metadata, rules: readerRbac.role.rules },
        inCluster,
      );
      new k8s.rbac.v1.RoleBinding(
        `argocd-reader-${e}`,
        {
          metadata: readerRbac.binding.metadata,
          roleRef: readerRbac.binding.roleRef,
          subjects: readerRbac.binding.subjects,
        },
        { ...inCluster, dependsOn: [readerRole] },
      );
    }
    this.registrarRoleArns = registrarArns;
    this.readerRoleArns = readerArns;

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

    this.registerOutputs({ registrarRoleArns: this.registrarRoleArns });
  }
}
