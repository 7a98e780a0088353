import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clusterStack } from "./cluster";
import { readManagementOutputs } from "./core/management-outputs";
import { VERSIONS } from "./core/versions";
import { dataNames, dataServices } from "./data";
import { albAccessLogsStack, albLogBucketName, edgeStack } from "./edge";
import { gitopsSpokeStack, paymentsChartValues } from "./gitops";
import { stackNetwork, subnetsOf } from "./network";
import { analysisChartValues, datadogApiUrl, observabilityStack } from "./observability";
import type { EnvironmentConfig } from "./stack-config";
import { transitSpokeStack } from "./transit";

/**
 * An application environment (dev, preprod, prod): network, cluster, data services, pipeline, edge,
 * observability, and its registration with ArgoCD.
 */
export async function environmentStack(cfg: EnvironmentConfig, provider: aws.Provider) {
  // What the management stack provides (Transit Gateway, ArgoCD), validated before anything else.
  const management = await readManagementOutputs(cfg.project);
  const naming = { project: cfg.project, stack: cfg.stack };

  const network = stackNetwork(cfg, provider);

  // ── transit (Transit Gateway attachment and routes) ──
  const transit = transitSpokeStack(cfg, network, management, provider);

  // ── the ALBs' access-log bucket, which the cluster's ingress classes name ──
  const albLogs = albAccessLogsStack(cfg, provider);

  // ── cluster (EKS, Karpenter, add-ons: external-dns, Reloader, the Datadog agent, metrics-server) ──
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
      grants: {
        provider: cluster.cluster.provider,
        awsCliImage: mirrored(VERSIONS.images.mirrored.awsCli),
        postgresImage: mirrored(VERSIONS.images.mirrored.postgres),
        after: [cluster.addons],
      },
    },
    { provider },
  );

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
    ...transit,
    ...cluster.outputs,
    ...gitops,
    ...data.outputs,
    ...edge,
    ...observability,
  };
}
