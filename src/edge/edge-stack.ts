import * as aws from "@pulumi/aws";
import type { StackBasics } from "../core/config-loader";
import { regionalProvider } from "../core/provider";
import type { DataForEdge } from "../data";
import { AlbAccessLogs } from "./alb-access-logs";
import { Edge } from "./edge";
import type { EdgeConfig } from "./edge-config";

/** What the edge reads of the stack's model. */
export type EdgeStackConfig = StackBasics & {
  readonly edge: EdgeConfig;
  readonly payments: { readonly secretRecoveryWindowDays: number };
};

/** CloudFront's certificates and CLOUDFRONT-scoped web ACLs exist only in this region. */
export const CLOUDFRONT_REGION = "us-east-1";

/**
 * The environment's edge: CloudFront in front of the public ALB (payments-web, payments-api) and
 * the static-assets bucket, with its WAF and certificate in us-east-1 and its names in the
 * environment's hosted zone. The internal ALB (admin-web) is never behind it.
 */
export function edgeStack(cfg: EdgeStackConfig, data: DataForEdge, provider: aws.Provider) {
  const { edge } = cfg;
  const globalProvider = regionalProvider(cfg, `aws-${CLOUDFRONT_REGION}`, CLOUDFRONT_REGION);
  const component = new Edge(
    "edge",
    {
      naming: { project: cfg.project, stack: cfg.stack },
      globalProvider,
      hostedZoneId: edge.hostedZoneId,
      hostnames: edge.hostnames,
      internalHostnames: edge.internalHostnames,
      originHostname: edge.originHostname,
      staticPathPattern: edge.staticPathPattern,
      priceClass: edge.priceClass,
      rateLimitPer5Minutes: edge.rateLimitPer5Minutes,
      geoRestriction: edge.geoRestriction,
      assetsBucket: data.assetsBucket,
      keyArn: data.keyArn,
      secretRecoveryWindowDays: cfg.payments.secretRecoveryWindowDays,
      accountId: cfg.accountId,
      region: cfg.region,
      logRetentionDays: edge.logRetentionDays,
      originVerifyGeneration: edge.originVerifyGeneration,
      protect: cfg.info.productionGrade,
    },
    { provider },
  );
  // The public ALB's security group admits CloudFront's origin-facing addresses only: the chart
  // names this prefix list on its public Ingresses (the stack's chart values, `src/gitops/`).
  const cloudfrontOrigins = aws.ec2.getManagedPrefixListOutput(
    { name: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST },
    { provider },
  );
  return {
    edgeDistributionId: component.distributionId,
    edgeDistributionArn: component.distributionArn,
    edgeDomainName: component.domainName,
    edgeWebAclArn: component.webAclArn,
    edgeOriginVerifySecretArn: component.originVerifySecretArn,
    edgeOriginWebAclArn: component.originWebAclArn,
    cloudfrontOriginPrefixListId: cloudfrontOrigins.id,
    albCertificateArn: component.albCertificateArn,
  };
}

/** AWS's managed prefix list of CloudFront's origin-facing addresses (every region has it). */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing";

/**
 * The bucket the environment's ALBs write their access logs to, created before the cluster so its
 * ingress classes can point at it. Its name is fixed (`albLogBucketName`).
 */
export function albAccessLogsStack(cfg: EdgeStackConfig, provider: aws.Provider) {
  const logs = new AlbAccessLogs(
    "alb-access-logs",
    {
      naming: { project: cfg.project, stack: cfg.stack },
      accountId: cfg.accountId,
      region: cfg.region,
      retentionDays: cfg.edge.logRetentionDays,
      protect: cfg.info.productionGrade,
    },
    { provider },
  );
  return { bucketName: logs.bucketName, ready: logs.ready };
}
