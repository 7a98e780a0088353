import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { clusterStack } from "../cluster/cluster-stack";
import { roleKubeconfig } from "../cluster/kubeconfig";
import type { EnvironmentConfig, ManagementConfig } from "../core";
import { clusterName } from "../core/naming";
import { toJson } from "../core/policy-document";
import type { StackName } from "../core/stacks";
import { VERSIONS } from "../core/versions";
import { CHART_PREFIX } from "../governance/registry";
import { identityCenterRoleArnPattern } from "../governance/scp";
import { GitOpsHub } from "./gitops-hub";
import { argoCdHubPermissions, deployerRoleArn } from "./gitops-iam";
import { ARGOCD_NAMESPACE, chartRegistry } from "./gitops-manifests";
import { GitOpsSpoke } from "./gitops-spoke";

/** The environments the hub serves, with their accounts (from the stack files) and cluster names. */
export function servedEnvironments(cfg: ManagementConfig) {
  return cfg.gitops.environments.map((environment) => {
    const accountId = cfg.peers[environment as StackName]?.accountId;
    if (!accountId) throw new Error(`gitops: Pulumi.${environment}.yaml declares no platform:accountId`);
    return { environment, accountId, clusterName: clusterName({ project: cfg.project, stack: environment }) };
  });
}

/** The permissions of ArgoCD's role: assume the served environments' deployer roles. */
export function argoCdPolicy(cfg: ManagementConfig): string {
  return toJson(argoCdHubPermissions(servedEnvironments(cfg).map((e) => deployerRoleArn(e.accountId))));
}

/**
 * Management side: the registrar, the payments project and ApplicationSet, and the chart
 * registry's credentials, after the cluster's add-ons (ArgoCD). Returns the outputs the
 * environment stacks read.
 */
export function gitopsHubStack(
  cfg: ManagementConfig,
  cluster: ReturnType<typeof clusterStack>,
  environmentDeployRoleArns: Readonly<Record<StackName, pulumi.Input<string>>>,
  provider: aws.Provider,
) {
  const naming = { project: cfg.project, stack: cfg.stack };
  const argoCd = cluster.addons.releases["argo-cd"];
  const argoCdRole = cluster.addons.argoCdRole;
  if (!argoCd || !argoCdRole) throw new Error("gitops: the management cluster's add-ons install no ArgoCD");
  const environments = servedEnvironments(cfg);
  const registry = chartRegistry(cfg.accountId, cfg.region, CHART_PREFIX);
  const hub = new GitOpsHub(
    "gitops",
    {
      naming,
      cluster: cluster.cluster,
      argoCd,
      accountId: cfg.accountId,
      region: cfg.region,
      environments,
      registry,
      repositoryPrefix: CHART_PREFIX,
      chart: cfg.gitops.chartRepository,
      registrarPrincipalArns: environments.map((e) => environmentDeployRoleArns[e.environment as StackName]),
      operators: {
        accountId: cfg.accountId,
        principalArnPattern: identityCenterRoleArnPattern(
          cfg.identityCenter.adminPermissionSet,
          cfg.accountId,
        ),
      },
      refresherImage: `${VERSIONS.images.awsCli.repository}:${VERSIONS.images.awsCli.tag}`,
    },
    { provider },
  );
  return {
    argocdNamespace: ARGOCD_NAMESPACE,
    argocdClusterName: cluster.cluster.name,
    argocdClusterEndpoint: cluster.cluster.endpoint,
    argocdClusterCertificateAuthority: cluster.cluster.certificateAuthorityData,
    argocdRoleArn: argoCdRole.arn,
    argocdRegistrarRoleArn: hub.registrarRoleArn,
    chartRegistry: registry,
  };
}

/**
 * Environment side: the deployer role and its namespace-scoped access, and the cluster's
 * registration in the hub, written through a Kubernetes provider for the management cluster that
 * acts as the registrar (read from the management stack's outputs).
 */
export function gitopsSpokeStack(
  cfg: EnvironmentConfig,
  cluster: ReturnType<typeof clusterStack>,
  management: pulumi.StackReference,
  provider: aws.Provider,
) {
  const naming = { project: cfg.project, stack: cfg.stack };
  const out = (key: string) => management.requireOutput(key) as pulumi.Output<string>;
  const kubeconfig = pulumi
    .all([
      out("argocdClusterName"),
      out("argocdClusterEndpoint"),
      out("argocdClusterCertificateAuthority"),
      out("region"),
      out("argocdRegistrarRoleArn"),
    ])
    .apply(([name, server, caData, region, registrar]) =>
      JSON.stringify(
        roleKubeconfig({
          clusterName: name,
          api: { server, caData },
          region,
          roleArn: registrar,
          ...(cfg.deployRoleArn ? { viaRoleArn: cfg.deployRoleArn } : {}),
          sessionName: `pulumi-${cfg.project}-${cfg.stack}-registrar`,
        }),
      ),
    );
  const hubProvider = new k8s.Provider("k8s-argocd-hub", { kubeconfig, enableServerSideApply: true });
  const spoke = new GitOpsSpoke(
    "gitops",
    {
      naming,
      environment: cfg.stack,
      cluster: cluster.cluster,
      argoCdRoleArn: out("argocdRoleArn"),
      chartVersion: cfg.gitops.chartVersion,
      autoSync: cfg.gitops.autoSync,
      hubProvider,
      protect: cfg.info.productionGrade,
      // Argo Rollouts, External Secrets and the ingress classes first: what the chart needs.
      registerAfter: [cluster.addons],
    },
    { provider },
  );
  return { argocdDeployerRoleArn: spoke.deployerRoleArn };
}
