import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NameContext } from "../core/naming";
import { toJson } from "../core/policy-document";
import { VERSIONS } from "../core/versions";
import {
  ARGO_CD,
  ARGO_ROLLOUTS,
  type ArgoCdConfigs,
  argoCdValues,
  argoRolloutsValues,
  clusterSecretStoreManifest,
  EXTERNAL_DNS,
  EXTERNAL_SECRETS,
  EXTERNAL_SECRETS_ROLE,
  type ExternalDnsScope,
  externalDnsPolicy,
  externalDnsValues,
  externalSecretsPolicy,
  externalSecretsValues,
  ingressClassManifests,
  LOAD_BALANCER_CONTROLLER,
  loadBalancerControllerPolicy,
  loadBalancerControllerValues,
} from "./addon-values";
import type { Cluster } from "./cluster";
import { chartSource, type PinnedChart } from "./helm-charts";

export interface AddonsArgs {
  readonly naming: NameContext;
  readonly cluster: Cluster;
  readonly vpcId: pulumi.Input<string>;
  /** Environment clusters run Argo Rollouts; the management cluster runs ArgoCD. */
  readonly role: "environment" | "management";
  /** Workload nodes must exist first: these add-ons run on Karpenter's nodes. */
  readonly dependsOn: pulumi.Resource[];
  /** Production-grade: the ALBs the ingress classes create carry deletion protection. */
  readonly protect: boolean;
  /**
   * Management only: the permissions of ArgoCD's role (assuming the environments' deployer roles),
   * bound by Pod Identity to its application controller and server before ArgoCD starts.
   */
  readonly argoCdPolicy?: pulumi.Input<string>;
  /** Management only: additions to ArgoCD's `argocd-cm` and `argocd-rbac-cm` (API accounts, RBAC). */
  readonly argoCdConfigs?: ArgoCdConfigs;
  /**
   * Environment only (required there): the domain and hosted zone external-dns publishes the ALBs'
   * names in (`platform:edge.domain`, `platform:edge.hostedZoneId`).
   */
  readonly externalDns?: ExternalDnsScope;
}

/**
 * The cluster's Helm-installed add-ons, pinned in `VERSIONS.charts`: the AWS Load Balancer
 * Controller and External Secrets (each with its own Pod Identity role; External Secrets reads only
 * `<stack>/*` secrets) with a ClusterSecretStore for AWS Secrets Manager, then Argo Rollouts and
 * external-dns (its own Pod Identity role, changing records in the environment's hosted zone only) in
 * the environment clusters and ArgoCD in the management cluster, whose application controller and
 * server share one Pod Identity role (`platform-management-argocd`, see `src/components/gitops-hub.ts`).
 */
export class Addons extends pulumi.ComponentResource {
  readonly releases: Record<string, k8s.helm.v3.Release> = {};
  /** ArgoCD's Pod Identity role (management cluster only). */
  readonly argoCdRole?: aws.iam.Role;

  constructor(name: string, args: AddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:cluster:Addons", name, {}, opts);
    const { naming, cluster } = args;
    const { region, accountId } = cluster.ref;
    const release = (
      logical: string,
      chart: PinnedChart,
      namespace: string,
      values: pulumi.Input<Record<string, unknown>>,
      dependsOn: pulumi.Resource[] = [],
    ) => {
      this.releases[logical] = new k8s.helm.v3.Release(
        logical,
        { name: logical, namespace, createNamespace: true, ...chartSource(chart), atomic: true, values },
        { parent: this, provider: cluster.provider, dependsOn: [...args.dependsOn, ...dependsOn] },
      );
      return this.releases[logical]!;
    };

    const lbc = cluster.podIdentityRole(
      "aws-load-balancer-controller",
      { naming, ...LOAD_BALANCER_CONTROLLER, policy: toJson(loadBalancerControllerPolicy()) },
      this,
    );
    const lbcRelease = release(
      "aws-load-balancer-controller",
      VERSIONS.charts.awsLoadBalancerController,
      LOAD_BALANCER_CONTROLLER.namespace,
      pulumi
        .output(args.vpcId)
        .apply((vpcId) => loadBalancerControllerValues({ clusterName: cluster.name, region, vpcId })),
      [lbc.association],
    );

    // The public and internal ALB classes the application chart's Ingresses use.
    if (args.role === "environment") {
      for (const { params, ingressClass } of ingressClassManifests({ deletionProtection: args.protect })) {
        const p = new k8s.apiextensions.CustomResource(
          `ingress-class-params-${params.metadata.name}`,
          params,
          {
            parent: this,
            provider: cluster.provider,
            dependsOn: [lbcRelease],
          },
        );
        new k8s.networking.v1.IngressClass(
          `ingress-class-${ingressClass.metadata.name}`,
          { metadata: ingressClass.metadata, spec: ingressClass.spec },
          {
            parent: this,
            provider: cluster.provider,
            dependsOn: [p],
          },
        );
      }
    }

    const eso = cluster.podIdentityRole(
      EXTERNAL_SECRETS_ROLE,
      {
        naming,
        ...EXTERNAL_SECRETS,
        policy: toJson(externalSecretsPolicy({ region, accountId, environment: naming.stack })),
      },
      this,
    );
    const esoRelease = release(
      "external-secrets",
      VERSIONS.charts.externalSecrets,
      EXTERNAL_SECRETS.namespace,
      externalSecretsValues(),
      [eso.association],
    );
    new k8s.apiextensions.CustomResource("cluster-secret-store", clusterSecretStoreManifest(region), {
      parent: this,
      provider: cluster.provider,
      dependsOn: [esoRelease],
    });

    if (args.role === "environment") {
      release("argo-rollouts", VERSIONS.charts.argoRollouts, ARGO_ROLLOUTS.namespace, argoRolloutsValues());

      // The ALBs' DNS names (origin and internal hostnames), from the Ingresses' hostname annotations.
      const scope = args.externalDns;
      if (scope === undefined)
        throw new Error("Addons: an environment cluster needs externalDns (domain and hosted zone)");
      const dns = cluster.podIdentityRole(
        "external-dns",
        { naming, ...EXTERNAL_DNS, policy: toJson(externalDnsPolicy(scope)) },
        this,
      );
      release(
        "external-dns",
        VERSIONS.charts.externalDns,
        EXTERNAL_DNS.namespace,
        externalDnsValues({ ...scope, clusterName: cluster.name }),
        [dns.association],
      );
    } else {
      // One role for the two components that talk to the environment clusters. Pods get Pod
      // Identity credentials only if created after the association: ArgoCD starts after both.
      const argocd = cluster.podIdentityRole(
        "argocd",
        {
          naming,
          namespace: ARGO_CD.namespace,
          serviceAccount: ARGO_CD.controllerServiceAccount,
          ...(args.argoCdPolicy !== undefined ? { policy: args.argoCdPolicy } : {}),
        },
        this,
      );
      const server = cluster.bindPodIdentity(
        "argocd-server-pod-identity",
        {
          naming,
          namespace: ARGO_CD.namespace,
          serviceAccount: ARGO_CD.serverServiceAccount,
          role: argocd.role,
        },
        this,
      );
      this.argoCdRole = argocd.role;
      release("argo-cd", VERSIONS.charts.argoCd, ARGO_CD.namespace, argoCdValues(args.argoCdConfigs), [
        argocd.association,
        server,
      ]);
    }

    this.registerOutputs({});
  }
}
