/**
 * The payments chart's values that only the environment stack knows (gitops-bridge style): CIDRs of
 * what the workloads may reach, the public ALB's origin restriction, and the SLO the prod canary
 * analysis enforces. The spoke writes them as JSON into its cluster secret's `CHART_VALUES_ANNOTATION`;
 * the ApplicationSet passes that annotation to Helm as the Application's values, over the chart's
 * `values-<env>.yaml`. Nothing here is copied by hand into the chart.
 */

/** The cluster secret annotation carrying the environment's chart values (JSON). */
export const CHART_VALUES_ANNOTATION = "platform.payments/chart-values";

export interface ChartPlatformInputs {
  /** The private subnets: the interface endpoints, and the nodes (the Datadog agent's hostPort). */
  readonly privateSubnetCidrs: readonly string[];
  /** The data subnets: PostgreSQL and OpenSearch. */
  readonly dataSubnetCidrs: readonly string[];
  /** The S3 and DynamoDB gateway endpoints' prefix-list CIDRs. */
  readonly gatewayEndpointCidrs: readonly string[];
  /** The payment provider's API ranges (payments-api only). */
  readonly paymentProviderCidrs: readonly string[];
  /** The public ALB's web ACL (REGIONAL), which requires the origin-verify header. */
  readonly originWebAclArn: string;
  /** CloudFront's origin-facing managed prefix list: the only source the public ALB admits. */
  readonly cloudfrontPrefixListId: string;
  /** The Datadog API the canary analysis queries, and the SLO it enforces (`analysisChartValues`). */
  readonly datadogAddress: string;
  readonly slo: Readonly<Record<string, unknown>>;
}

/** The values fragment (merged over `values-<env>.yaml`). */
export function paymentsChartValues(i: ChartPlatformInputs) {
  const nonEmpty = (what: string, list: readonly string[]) => {
    if (list.length === 0) throw new Error(`paymentsChartValues: no ${what}`);
    return [...list];
  };
  return {
    ingressClasses: {
      public: {
        originRestriction: {
          wafAclArn: i.originWebAclArn,
          prefixListIds: [i.cloudfrontPrefixListId],
        },
      },
    },
    networkPolicy: {
      destinations: {
        awsInterfaceEndpoints: { cidrs: nonEmpty("private subnets", i.privateSubnetCidrs) },
        awsGatewayEndpoints: { cidrs: nonEmpty("gateway endpoint CIDRs", i.gatewayEndpointCidrs) },
        postgres: { cidrs: nonEmpty("data subnets", i.dataSubnetCidrs) },
        search: { cidrs: nonEmpty("data subnets", i.dataSubnetCidrs) },
        paymentProvider: { cidrs: nonEmpty("payment provider ranges", i.paymentProviderCidrs) },
        datadogAgent: { cidrs: nonEmpty("node subnets", i.privateSubnetCidrs) },
      },
    },
    analysis: { datadog: { address: i.datadogAddress, ...i.slo } },
  };
}
