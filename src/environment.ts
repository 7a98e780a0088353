import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clusterStack } from "./cluster";
import { readManagementOutputs } from "./core/management-outputs";
import { VERSIONS } from "./core/versions";
import { dataNames, dataServices } from "./data";
import { albAccessLogsStack, albLogBucketName, edgeStack } from "./edge";
import { gitopsSpokeStack, paymentsChartValues } from "./gitops";
import { DEPLOY_ROLE_NAME, roleArn } from "./governance";
import { stackNetwork, subnetsOf } from "./network";
import { analysisChartValues, datadogApiUrl, observabilityStack } from "./observability";
import { recoveryStack } from "./recovery";
import { sopsSecretsStack } from "./secrets";
import { securityEnvironmentStack } from "./security";
import type { EnvironmentConfig } from "./stack-config";
import { transitSpokeStack } from "./transit";

/**
 * An application environment (dev, preprod, prod): network, cluster, data services, pipeline, edge,
 * observability, backups, and its registration with ArgoCD.
 */
export async function environmentStack(cfg: EnvironmentConfig, provider: aws.Provider) {
  // What the management stack provides (Transit Gateway, ArgoCD), validated before anything else.
  const management = await readManagementOutputs(cfg.project);
  const naming = { project: cfg.project, stack: cfg.stack };

  const network = stackNetwork(cfg, provider);

  // ── account baseline (S3 Block Public Access, AWS Config recorder, budget) ──
  securityEnvironmentStack(cfg, management, provider);

  // ── transit (Transit Gateway attachment and routes) ──
  const transit = transitSpokeStack(cfg, network, management, provider);

  // ── the ALBs' access-log bucket, which the cluster's ingress classes name ──
  const albLogs = albAccessLogsStack(cfg, provider);

  // ── cluster (EKS, Karpenter, add-ons: external-dns, Reloader, the Datadog agent, metrics-server) ──
  // Created once the Transit Gateway path from the management VPC (CI, ArgoCD, the VPN) exists.
  const cluster = clusterStack(
    cfg,
    network,
    {
      externalDns: { domain: cfg.edge.domain, hostedZoneId: cfg.edge.hostedZoneId },
      datadog: { site: cfg.observability.datadogSite },
      reloadNamespaces: [...new Set(Object.values(cfg.payments.workloads).map((w) => w.namespace))],
      albAccessLogs: { bucket: albLogBucketName(naming, cfg.accountId), ready: albLogs.ready },
    },
    provider,
    [transit.spoke],
  );

  // ── data and payments pipeline ──
  // RDS and OpenSearch admit the cluster security group (every node, hence every pod) and the worker.
  // The grants inside the data stores are applied by a Job in the cluster, from images mirrored in
  // the management ECR.
  const registry = `${management.accountId}.dkr.ecr.${management.region}.amazonaws.com`;
  const mirrored = (i: { repository: string; tag: string }) => `${registry}/${i.repository}:${i.tag}`;
  const data = dataServices(
    cfg,
    {
      network,
      clusterClientSecurityGroupIds: [cluster.cluster.securityGroupId],
      cluster: cluster.cluster,
      // The search domain's master role: the deploy role and the platform admins (and the data area
      // adds its data-grants Job, which applies the role mappings), nobody else.
      searchAdministratorArns: [roleArn(cfg.accountId, DEPLOY_ROLE_NAME), ...cfg.cluster.access.admin],
      grants: {
        provider: cluster.cluster.provider,
        awsCliImage: mirrored(VERSIONS.images.mirrored.awsCli),
        postgresImage: mirrored(VERSIONS.images.mirrored.postgres),
        after: [cluster.addons],
      },
    },
    { provider },
  );

  // ── secrets from SOPS files (secrets/<stack>/*.yaml), decrypted at deploy, into Secrets Manager ──
  const sops = sopsSecretsStack(cfg, data.forSecrets, provider);

  // ── backups (AWS Backup of the payment stores, copies in a second region) ──
  const recovery = recoveryStack(cfg, data.forRecovery, provider);

  // ── edge (CloudFront, WAF and certificate in us-east-1, the public ALB's web ACL, logs, DNS) ──
  const edge = edgeStack(cfg, data.forEdge, provider);

  // ── observability (Datadog keys entry, AWS integration, the payments monitors and SLO) ──
  const names = dataNames(naming, cfg.accountId, cfg.database.readReplicas);
  const observability = observabilityStack(
    cfg,
    { keyArn: data.forEdge.keyArn, dlqName: names.dlq, workerFunctionName: names.workerFunction },
    provider,
  );

  // ── GitOps spoke (ArgoCD's deployer role, registration in the hub with the chart's values) ──
  const cidrs = (tier: "private" | "data") => subnetsOf(network.plan, tier).map((s) => s.cidr);
  const chartValues = pulumi
    .all([network.gatewayEndpointCidrs, edge.edgeOriginWebAclArn, edge.cloudfrontOriginPrefixListId])
    .apply(([gatewayEndpointCidrs, originWebAclArn, cloudfrontPrefixListId]) =>
      paymentsChartValues({
        privateSubnetCidrs: cidrs("private"),
        dataSubnetCidrs: cidrs("data"),
        gatewayEndpointCidrs,
        paymentProviderCidrs: cfg.payments.providerEgressCidrs,
        originWebAclArn,
        cloudfrontPrefixListId,
        datadogAddress: datadogApiUrl(cfg.observability.datadogSite).replace(/\/$/, ""),
        slo: analysisChartValues(),
      }),
    );
  const gitops = gitopsSpokeStack(cfg, cluster, management, chartValues, provider);

  return {
    accountId: cfg.accountId,
    region: cfg.region,
    ...network.outputs(),
    ...transit.outputs,
    ...cluster.outputs,
    // What the PR environments built on this one read (src/core/base-environment-outputs.ts).
    clusterEndpoint: cluster.cluster.endpoint,
    clusterCertificateAuthority: cluster.cluster.certificateAuthorityData,
    ...gitops,
    ...data.outputs,
    ...recovery,
    ...sops,
    ...edge,
    ...observability,
  };
}
