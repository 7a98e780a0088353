import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../cluster";
import { boundedName, type NameContext, nameTag } from "../core/naming";
import { iamRoleArn, policy, toJson } from "../core/policy-document";
import { gitRepositoryUrl } from "../delivery";
import { assumedOnlyBy } from "../governance";
import {
  ARGOCD_API_SERVICE,
  argoCdApiServiceManifest,
  chartRegistryCredentialsManifests,
  GIT_DEPLOY_KEY_SECRET,
  gitRepositoryCredentialsManifest,
  previewsProjectManifest,
} from "./delivery-manifests";
import { chartPullPermissions } from "./gitops-iam";

export interface DeliveryHubArgs {
  readonly naming: NameContext;
  /** The management cluster, where ArgoCD and External Secrets run. */
  readonly cluster: Cluster;
  /** The ArgoCD and External Secrets releases: their CRDs and namespaces come first. */
  readonly argoCd: pulumi.Resource;
  readonly externalSecrets: pulumi.Resource;
  /** The management cluster's External Secrets role (its Pod Identity role), by name. */
  readonly externalSecretsRoleName: string;
  /** The ClusterSecretStore of the management cluster (Secrets Manager, `management/*`). */
  readonly secretStore: string;
  readonly accountId: string;
  readonly region: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/charts`. */
  readonly registry: string;
  /** ECR repository path prefix of the charts (`charts/`). */
  readonly repositoryPrefix: string;
  /** ArgoCD's API: its DNS name, the zone it is published in, and who may reach it. */
  readonly api: {
    readonly hostname: string;
    readonly hostedZoneId: string;
    readonly sourceRanges: readonly string[];
  };
  /** This repository (`owner/name`): PR environments' chart source. */
  readonly repository: string;
  /** The base environment's cluster name: PR environments' only destination. */
  readonly previewsClusterName: string;
}

/**
 * What application delivery needs of ArgoCD in the management cluster:
 *
 * - the chart registry's credentials, from External Secrets' ECR token generator (a token every 6
 *   hours, asked for as a role that may pull charts and nothing else);
 * - ArgoCD's API at `api.hostname`, on an internal network load balancer with an ACM certificate
 *   for that name, open to the management VPC and the VPN range only: the private path CI runners
 *   take over the tailnet;
 * - the PR environments' project, and this repository's read-only deploy key (a Secrets Manager
 *   entry set once by hand) for ArgoCD to read their charts.
 */
export class DeliveryHub extends pulumi.ComponentResource {
  readonly apiUrl: string;
  readonly apiLoadBalancer: pulumi.Output<string>;
  readonly chartPullRoleArn: pulumi.Output<string>;

  constructor(name: string, args: DeliveryHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:gitops:DeliveryHub", name, {}, opts);
    const { naming, cluster } = args;
    const parent = { parent: this };
    const inCluster = (dependsOn: pulumi.Resource[]) => ({
      parent: this,
      provider: cluster.provider,
      dependsOn,
    });

    // ── the chart registry's credentials ──
    const esoRoleArn = iamRoleArn(args.accountId, args.externalSecretsRoleName);
    const pull = new aws.iam.Role(
      "argocd-chart-pull-role",
      {
        name: boundedName(naming, 64, "argocd-chart-pull"),
        description: "External Secrets gets ArgoCD an ECR token as this role: pull charts, nothing else.",
        maxSessionDuration: 3600,
        assumeRolePolicy: toJson(assumedOnlyBy([esoRoleArn])),
        tags: nameTag(naming, "argocd-chart-pull"),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      "argocd-chart-pull-policy",
      {
        role: pull.name,
        policy: toJson(
          chartPullPermissions({
            region: args.region,
            accountId: args.accountId,
            repositoryPrefix: args.repositoryPrefix,
          }),
        ),
      },
      parent,
    );
    const assume = new aws.iam.RolePolicy(
      "external-secrets-assume-chart-pull",
      {
        role: args.externalSecretsRoleName,
        policy: pull.arn.apply((arn) =>
          toJson(
            policy({
              Sid: "AssumeChartPull",
              Effect: "Allow",
              Action: ["sts:AssumeRole", "sts:TagSession"],
              Resource: arn,
            }),
          ),
        ),
      },
      { parent: this, dependsOn: [args.externalSecrets] },
    );
    this.chartPullRoleArn = pull.arn;
    const credentials = pull.arn.apply((roleArn) =>
      chartRegistryCredentialsManifests({ registry: args.registry, region: args.region, roleArn }),
    );
    const generator = new k8s.apiextensions.CustomResource(
      "chart-registry-token",
      {
        apiVersion: "generators.external-secrets.io/v1alpha1",
        kind: "ECRAuthorizationToken",
        metadata: credentials.generator.metadata,
        spec: credentials.generator.spec,
      },
      inCluster([args.argoCd, args.externalSecrets, assume]),
    );
    new k8s.apiextensions.CustomResource(
      "chart-registry-credentials",
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: credentials.externalSecret.metadata,
        spec: credentials.externalSecret.spec,
      },
      inCluster([generator]),
    );

    // ── ArgoCD's API on the private network ──
    const certificate = new aws.acm.Certificate(
      "argocd-api-certificate",
      { domainName: args.api.hostname, validationMethod: "DNS", tags: nameTag(naming, "argocd-api") },
      parent,
    );
    const validation = new aws.route53.Record(
      "argocd-api-certificate-validation",
      {
        zoneId: args.api.hostedZoneId,
        name: certificate.domainValidationOptions[0]!.resourceRecordName,
        type: certificate.domainValidationOptions[0]!.resourceRecordType,
        records: [certificate.domainValidationOptions[0]!.resourceRecordValue],
        ttl: 300,
        allowOverwrite: true,
      },
      parent,
    );
    const validated = new aws.acm.CertificateValidation(
      "argocd-api-certificate",
      { certificateArn: certificate.arn, validationRecordFqdns: [validation.fqdn] },
      parent,
    );
    const service = certificate.arn.apply((certificateArn) =>
      argoCdApiServiceManifest({ certificateArn, sourceRanges: args.api.sourceRanges }),
    );
    const api = new k8s.core.v1.Service(
      ARGOCD_API_SERVICE,
      { metadata: service.metadata, spec: service.spec },
      inCluster([args.argoCd, validated]),
    );
    this.apiLoadBalancer = api.status.loadBalancer.ingress[0]!.hostname;
    new aws.route53.Record(
      "argocd-api-record",
      {
        zoneId: args.api.hostedZoneId,
        name: args.api.hostname,
        type: "CNAME",
        ttl: 60,
        records: [this.apiLoadBalancer],
      },
      parent,
    );
    this.apiUrl = `https://${args.api.hostname}`;

    // ── PR environments: their project, and this repository's deploy key ──
    const repoURL = gitRepositoryUrl(args.repository);
    const project = previewsProjectManifest({ repoURL, clusterName: args.previewsClusterName });
    new k8s.apiextensions.CustomResource("payments-previews-project", project, inCluster([args.argoCd]));
    new aws.secretsmanager.Secret(
      "platform-repository-deploy-key",
      {
        name: GIT_DEPLOY_KEY_SECRET,
        description: `Read-only deploy key of ${args.repository} ({"sshPrivateKey": "…"}), set by hand; ArgoCD reads PR environments' charts with it.`,
        recoveryWindowInDays: 7,
        tags: nameTag(naming, "argocd-platform-repository"),
      },
      parent,
    );
    const repo = gitRepositoryCredentialsManifest({ repoURL, secretStore: args.secretStore });
    new k8s.apiextensions.CustomResource(
      "platform-repository-credentials",
      repo,
      inCluster([args.argoCd, args.externalSecrets]),
    );

    this.registerOutputs({ apiUrl: this.apiUrl, chartPullRoleArn: this.chartPullRoleArn });
  }
}
