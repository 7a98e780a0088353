import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NameContext } from "../core/naming";
import { podSecurityLabels } from "../core/pod-security";
import { toJson } from "../core/policy-document";
import { VERSIONS } from "../core/versions";
import {
  ARGO_CD,
  ARGO_ROLLOUTS,
  type ArgoCdConfigs,
  argoCdValues,
  argoRolloutsValues,
  clusterSecretStoreManifest,
  DATADOG,
  datadogAgentValues,
  datadogKeysExternalSecretManifest,
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
  METRICS_SERVER,
  metricsServerValues,
  RELOADER,
  reloaderValues,
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
  /** The cluster's Kubernetes version: the add-on namespaces' Pod Security Admission labels are pinned to it. */
  readonly kubernetesVersion: string;
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
  /** Environment only (required there): the Datadog site the agent reports to. */
  readonly datadog?: { readonly site: string };
  /** Environment only: the namespaces Reloader watches (where the payments chart runs). */
  readonly reloadNamespaces?: readonly string[];
  /** Environment only: the ALB access-log bucket, and the IngressClassParams' attributes that point at it. */
  readonly albAccessLogs?: { readonly bucket: string; readonly ready: pulumi.Resource };
}

/**
 * The cluster's Helm-installed add-ons, pinned in `VERSIONS.charts`: metrics-server (the HPAs'
 * metrics), the AWS Load Balancer Controller and External Secrets (each with its own Pod Identity role;
 * External Secrets reads only `<stack>/*` secrets) with a ClusterSecretStore for AWS Secrets Manager,
 * then in the environment clusters Argo Rollouts, Reloader, the Datadog agent (keys from the
 * environment's `<env>/observability/datadog` input), external-dns (its own Pod Identity role,
 * changing records in the environment's hosted zone only) and the ALB ingress classes (their access
 * logs to the stack's bucket), and ArgoCD in the management cluster, whose application controller
 * and server share one Pod Identity role (`platform-management-argocd`, see `src/gitops/gitops-hub.ts`).
 */
export class Addons extends pulumi.ComponentResource {
  readonly releases: Record<string, k8s.helm.v3.Release> = {};
  /** ArgoCD's Pod Identity role (management cluster only). */
  readonly argoCdRole?: aws.iam.Role;

  constructor(name: string, args: AddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:cluster:Addons", name, {}, opts);
    const { naming, cluster } = args;
    const { region, accountId } = cluster.ref;
    // Namespaces labelled elsewhere: kube-system runs the node agents (privileged by design) and is
    // left alone; the Datadog agent's namespace is created here with its own labels.
    const labelled = new Set<string>(["kube-system", DATADOG.namespace]);
    const release = (
      logical: string,
      chart: PinnedChart,
      namespace: string,
      values: pulumi.Input<Record<string, unknown>>,
      dependsOn: pulumi.Resource[] = [],
      waitForPods = true,
    ) => {
      const r = new k8s.helm.v3.Release(
        logical,
        {
          name: logical,
          namespace,
          createNamespace: true,
          ...chartSource(chart),
          ...(waitForPods ? { atomic: true } : { atomic: false, skipAwait: true }),
          values,
        },
        { parent: this, provider: cluster.provider, dependsOn: [...args.dependsOn, ...dependsOn] },
      );
      this.releases[logical] = r;
      // Outside the application namespaces: warn and audit against the `baseline` Pod Security
      // Standard (kube-system runs the node agents, privileged by design, and is left alone).
      if (!labelled.has(namespace)) {
        labelled.add(namespace);
        new k8s.core.v1.NamespacePatch(
          `${namespace}-pod-security`,
          {
            metadata: {
              name: namespace,
              labels: podSecurityLabels({
                warn: "baseline",
                audit: "baseline",
                kubernetesVersion: args.kubernetesVersion,
              }),
            },
          },
          { parent: this, provider: cluster.provider, dependsOn: [r] },
        );
      }
      return r;
    };

    // The resource metrics the HPAs scale on, in every cluster.
    release("metrics-server", VERSIONS.charts.metricsServer, METRICS_SERVER.namespace, metricsServerValues());

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
      for (const { params, ingressClass } of ingressClassManifests({
        deletionProtection: args.protect,
        ...(args.albAccessLogs ? { accessLogs: { bucket: args.albAccessLogs.bucket } } : {}),
      })) {
        const p = new k8s.apiextensions.CustomResource(
          `ingress-class-params-${params.metadata.name}`,
          params,
          {
            parent: this,
            provider: cluster.provider,
            // The ALBs start logging as soon as they exist: the bucket and its policy come first.
            dependsOn: [lbcRelease, ...(args.albAccessLogs ? [args.albAccessLogs.ready] : [])],
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
    const store = new k8s.apiextensions.CustomResource(
      "cluster-secret-store",
      clusterSecretStoreManifest(region),
      {
        parent: this,
        provider: cluster.provider,
        dependsOn: [esoRelease],
      },
    );

    if (args.role === "environment") {
      release("argo-rollouts", VERSIONS.charts.argoRollouts, ARGO_ROLLOUTS.namespace, argoRolloutsValues());

      // Rotated secrets reach the payments pods: Reloader rolls the Rollouts whose Secrets changed.
      release(
        "reloader",
        VERSIONS.charts.reloader,
        RELOADER.namespace,
        reloaderValues({ namespaces: args.reloadNamespaces ?? [] }),
      );

      // The Datadog agent, its keys delivered by External Secrets from the environment's input entry.
      if (args.datadog === undefined)
        throw new Error("Addons: an environment cluster needs its Datadog site");
      // The node agent reads host paths and listens on a host port (APM): privileged by design, like
      // kube-system's agents, and said so explicitly rather than left unlabelled.
      const ddNamespace = new k8s.core.v1.Namespace(
        "datadog-namespace",
        {
          metadata: {
            name: DATADOG.namespace,
            labels: podSecurityLabels({ enforce: "privileged", kubernetesVersion: args.kubernetesVersion }),
          },
        },
        { parent: this, provider: cluster.provider, dependsOn: args.dependsOn },
      );
      const keys = new k8s.apiextensions.CustomResource(
        "datadog-keys",
        datadogKeysExternalSecretManifest(naming.stack),
        { parent: this, provider: cluster.provider, dependsOn: [store, ddNamespace] },
      );
      // The agent starts once its keys are synced; the deploy does not wait for them (an input an
      // operator sets, README "Observability"), so a missing key never blocks the environment.
      release(
        "datadog",
        VERSIONS.charts.datadog,
        DATADOG.namespace,
        datadogAgentValues({ site: args.datadog.site, clusterName: cluster.name, environment: naming.stack }),
        [keys],
        false,
      );

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
