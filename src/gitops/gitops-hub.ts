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
    // and, for its previews, reads it through the registrar's read-only counterpart.
    const registrarArns: Record<string, pulumi.Output<string>> = {};
    const readerArns: Record<string, pulumi.Output<string>> = {};
    const secretAccess = (a: {
      readonly id: string;
      readonly roleName: string;
      readonly description: string;
      readonly principal: pulumi.Input<string>;
      readonly group: string;
      readonly rbac: ReturnType<typeof registrarRbacManifests>;
      readonly tag: readonly string[];
    }) => {
      const role = new aws.iam.Role(
        `${a.id}-role`,
        {
          name: a.roleName,
          description: a.description,
          maxSessionDuration: 3600,
          assumeRolePolicy: pulumi
            .output(a.principal)
            .apply((arn) => toJson(assumedOnlyBy([arn], args.operators))),
          tags: nameTag(naming, ...a.tag),
        },
        { parent: this },
      );
      // No access policy: the entry only names the Kubernetes group the Role below is bound to.
      new aws.eks.AccessEntry(
        `${a.id}-access`,
        {
          clusterName: cluster.name,
          principalArn: role.arn,
          type: "STANDARD",
          kubernetesGroups: [a.group],
          tags: nameTag(naming, ...a.tag),
        },
        { parent: this, dependsOn: [cluster.eks] },
      );
      const k8sRole = new k8s.rbac.v1.Role(
        a.id,
        { metadata: a.rbac.role.metadata, rules: a.rbac.role.rules },
        inCluster,
      );
      new k8s.rbac.v1.RoleBinding(
        a.id,
        {
          metadata: a.rbac.binding.metadata,
          roleRef: a.rbac.binding.roleRef,
          subjects: a.rbac.binding.subjects,
        },
        { ...inCluster, dependsOn: [k8sRole] },
      );
      return role.arn;
    };
    for (const env of args.environments) {
      const e = env.environment;
      const principal = args.registrarPrincipalArns[e];
      if (principal === undefined) throw new Error(`GitOpsHub: no deploy role registers ${e}`);
      const readerPrincipal = args.readerPrincipalArns[e];
      if (readerPrincipal === undefined) throw new Error(`GitOpsHub: no preview role reads ${e}`);
      const own = { environment: e, clusterSecretName: clusterSecretName(env.clusterName) };
      registrarArns[e] = secretAccess({
        id: `argocd-registrar-${e}`,
        roleName: registrarRoleName(e),
        description: `The ${e} stack registers its EKS cluster with ArgoCD: its own cluster secret in the argocd namespace of the management cluster, nothing else.`,
        principal,
        group: registrarGroup(e),
        rbac: registrarRbacManifests(own),
        tag: ["argocd-registrar", e],
      });
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
      readerArns[e] = secretAccess({
        id: `argocd-reader-${e}`,
        roleName: argocdReaderRoleName(e),
        description: `The ${e} stack's previews read its own cluster secret in the argocd namespace of the management cluster, nothing else.`,
        principal: readerPrincipal,
        group: readerGroup(e),
        rbac: readerRbacManifests(own),
        tag: ["argocd-reader", e],
      });
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
