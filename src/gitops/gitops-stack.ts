import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { type ClusterStack, EXTERNAL_SECRETS_ROLE, roleKubeconfig, SECRET_STORE_NAME } from "../cluster";
import type { StackBasics } from "../core/config-loader";
import { PR_BASE_ENVIRONMENT, type StackName } from "../core/environments";
import type { ManagementOutputs } from "../core/management-outputs";
import { boundedName, clusterName } from "../core/naming";
import { toJson } from "../core/policy-document";
import { CHART_PREFIX, identityCenterRoleArnPattern } from "../governance";
import { DeliveryHub } from "./delivery-hub";
import type { GitOpsEnvironmentConfig, GitOpsHubConfig } from "./gitops-config";
import { GitOpsHub } from "./gitops-hub";
import { argoCdHubPermissions, deployerRoleArn } from "./gitops-iam";
import { ARGOCD_NAMESPACE, chartRegistry } from "./gitops-manifests";
import { GitOpsSpoke } from "./gitops-spoke";
import { PrEnvironmentsAccess } from "./pr-environments-access";

/** What the hub reads of the management stack's model. */
export type GitOpsHubStackConfig = StackBasics & {
  readonly gitops: GitOpsHubConfig;
  readonly identityCenter: { readonly adminPermissionSet: string };
  readonly ci: { readonly repository: string };
  readonly network: { readonly vpcCidr: string };
  readonly transit: { readonly vpnClientCidr: string };
};

/** What a spoke reads of an environment stack's model. */
export type GitOpsSpokeStackConfig = StackBasics & {
  readonly gitops: GitOpsEnvironmentConfig;
  readonly cluster: { readonly kubernetesVersion: string };
};

/** The environments the hub serves, with their accounts (from the stack files) and cluster names. */
export function servedEnvironments(cfg: GitOpsHubStackConfig) {
  return cfg.gitops.environments.map((environment) => {
    const accountId = cfg.peers[environment as StackName]?.accountId;
    if (!accountId) throw new Error(`gitops: Pulumi.${environment}.yaml declares no platform:accountId`);
    return { environment, accountId, clusterName: clusterName({ project: cfg.project, stack: environment }) };
  });
}

/** The permissions of ArgoCD's role: assume the served environments' deployer roles. */
export function argoCdPolicy(cfg: GitOpsHubStackConfig): string {
  return toJson(argoCdHubPermissions(servedEnvironments(cfg).map((e) => deployerRoleArn(e.accountId))));
}

/**
 * Management side: the registrar, the payments project and ApplicationSet, and the chart
 * registry's credentials, after the cluster's add-ons (ArgoCD). Returns the outputs the
 * environment stacks read.
 */
export function gitopsHubStack(
  cfg: GitOpsHubStackConfig,
  cluster: ClusterStack,
  environmentRoleArns: {
    /** Each environment's platform-deploy: it writes its cluster secret through its registrar. */
    readonly deploy: Readonly<Record<StackName, pulumi.Input<string>>>;
    /** Each environment's platform-preview: it reads that secret through its reader. */
    readonly preview: Readonly<Record<StackName, pulumi.Input<string>>>;
  },
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
      chart: cfg.gitops.chartRepository,
      registrarPrincipalArns: Object.fromEntries(
        environments.map((e) => [e.environment, environmentRoleArns.deploy[e.environment as StackName]]),
      ),
      readerPrincipalArns: Object.fromEntries(
        environments.map((e) => [e.environment, environmentRoleArns.preview[e.environment as StackName]]),
      ),
      operators: {
        accountId: cfg.accountId,
        principalArnPattern: identityCenterRoleArnPattern(
          cfg.identityCenter.adminPermissionSet,
          cfg.accountId,
        ),
      },
    },
    { provider },
  );
  const externalSecrets = cluster.addons.releases["external-secrets"];
  if (!externalSecrets)
    throw new Error("gitops: the management cluster's add-ons install no External Secrets");
  const delivery = new DeliveryHub(
    "gitops-delivery",
    {
      naming,
      cluster: cluster.cluster,
      argoCd,
      externalSecrets,
      externalSecretsRoleName: boundedName(naming, 64, EXTERNAL_SECRETS_ROLE),
      secretStore: SECRET_STORE_NAME,
      accountId: cfg.accountId,
      region: cfg.region,
      registry,
      repositoryPrefix: CHART_PREFIX,
      api: {
        hostname: cfg.gitops.api.hostname,
        hostedZoneId: cfg.gitops.api.hostedZoneId,
        // The management VPC (the tailnet's subnet routers forward CI runners and staff from there) and the VPN range.
        sourceRanges: [cfg.network.vpcCidr, cfg.transit.vpnClientCidr],
      },
      repository: cfg.ci.repository,
      previewsClusterName: clusterName({ project: cfg.project, stack: PR_BASE_ENVIRONMENT }),
    },
    { provider, dependsOn: [hub] },
  );
  return {
    argocdNamespace: ARGOCD_NAMESPACE,
    argocdClusterName: cluster.cluster.name,
    argocdClusterEndpoint: cluster.cluster.endpoint,
    argocdClusterCertificateAuthority: cluster.cluster.certificateAuthorityData,
    argocdRoleArn: argoCdRole.arn,
    argocdRegistrarRoleArns: hub.registrarRoleArns,
    argocdReaderRoleArns: hub.readerRoleArns,
    chartRegistry: registry,
    argocdApiUrl: delivery.apiUrl,
    argocdApiLoadBalancer: delivery.apiLoadBalancer,
    argocdChartPullRoleArn: delivery.chartPullRoleArn,
  };
}

/** The environment's own reader among the hub's (a management output, by environment). */
function readerOf(management: ManagementOutputs, environment: string): string {
  const arn = management.argocdReaderRoleArns[environment];
  if (arn === undefined) {
    throw new Error(
      `gitops: the management stack has no reader for ${environment} (no argocdReaderRoleArns.${environment}); apply the management stack first`,
    );
  }
  return arn;
}

/** The environment's own registrar among the hub's (a management output, by environment). */
function registrarOf(management: ManagementOutputs, environment: string): string {
  const arn = management.argocdRegistrarRoleArns[environment];
  if (arn === undefined) {
    throw new Error(
      `gitops: the management stack registers no ${environment} cluster (no argocdRegistrarRoleArns.${environment}); add ${environment} to platform:gitops.environments in Pulumi.management.yaml and apply it first`,
    );
  }
  return arn;
}

/**
 * Environment side: the deployer role and its namespace-scoped access, and the cluster's
 * registration in the hub, written through a Kubernetes provider for the management cluster that
 * acts as the registrar (read from the management stack's outputs).
 */
export function gitopsSpokeStack(
  cfg: GitOpsSpokeStackConfig,
  cluster: ClusterStack,
  management: ManagementOutputs,
  chartValues: pulumi.Input<Record<string, unknown>>,
  provider: aws.Provider,
) {
  const naming = { project: cfg.project, stack: cfg.stack };
  const kubeconfig = JSON.stringify(
    roleKubeconfig({
      clusterName: management.argocdClusterName,
      api: { server: management.argocdClusterEndpoint, caData: management.argocdClusterCertificateAuthority },
      region: management.region,
      // A read-only run (a CI preview) reads its cluster secret through the registrar's counterpart.
      roleArn: cfg.readOnly ? readerOf(management, cfg.stack) : registrarOf(management, cfg.stack),
      ...(cfg.deployRoleArn ? { viaRoleArn: cfg.deployRoleArn } : {}),
      sessionName: `pulumi-${cfg.project}-${cfg.stack}-registrar`,
    }),
  );
  const hubProvider = new k8s.Provider("k8s-argocd-hub", { kubeconfig, enableServerSideApply: true });
  const isBase = cfg.stack === PR_BASE_ENVIRONMENT;
  const spoke = new GitOpsSpoke(
    "gitops",
    {
      naming,
      environment: cfg.stack,
      cluster: cluster.cluster,
      argoCdRoleArn: management.argocdRoleArn,
      chartVersion: cfg.gitops.chartVersion,
      autoSync: cfg.gitops.autoSync,
      kubernetesVersion: cfg.cluster.kubernetesVersion,
      chartValues,
      hubProvider,
      protect: cfg.info.productionGrade,
      // Argo Rollouts, External Secrets and the ingress classes first: what the chart needs.
      registerAfter: [cluster.addons],
      hostsPrEnvironments: isBase,
    },
    { provider },
  );
  if (isBase) {
    new PrEnvironmentsAccess(
      "gitops-pr-environments",
      { naming, cluster: cluster.cluster, accountId: cfg.accountId },
      { provider },
    );
  }
  return { argocdDeployerRoleArn: spoke.deployerRoleArn };
}
