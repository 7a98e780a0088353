/**
 * On-demand list prices the offline cost estimate uses, for the stacks' region. USD, excluding
 * tax, Linux, no Savings Plans or Reserved Instances, no free tier. One number per line so a
 * refresh is a small, reviewable diff; `date` is when the table was compiled, and the plan prints
 * it with every total so nobody mistakes an old table for today's prices.
 *
 * Sources: each group names the AWS pricing page it comes from (region Europe (London)). To
 * refresh, compare with the AWS Price List offer files
 * (`https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/eu-west-2/index.json`:
 * AmazonEC2, AmazonVPC, AmazonEKS, AmazonRDS, AmazonES, awskms, AWSSecretsManager, awswaf,
 * AmazonCloudWatch, AmazonRoute53) and move `date`. EKS, KMS, Secrets Manager, WAF, public IPv4 and
 * Route 53 prices are the same in every region.
 */
export interface PriceTable {
  readonly region: string;
  readonly currency: "USD";
  /** When the table was compiled from its sources (ISO date). */
  readonly date: string;
  readonly source: string;
  /** Hours in a billing month, as AWS's calculator counts them. */
  readonly hoursPerMonth: number;
  readonly hourly: {
    /** Per NAT gateway (data processing is usage-based). */
    readonly natGateway: number;
    /** Per public IPv4 address, in use or idle (Elastic IPs included). */
    readonly publicIpv4: number;
    /** Per EKS cluster on standard support. */
    readonly eksCluster: number;
    /** Per interface VPC endpoint per AZ (data processed is usage-based). */
    readonly interfaceEndpointPerAz: number;
    /** Per Transit Gateway attachment (data processed is usage-based). */
    readonly transitGatewayAttachment: number;
  };
  /** EC2 on-demand, per instance-hour. */
  readonly ec2: Readonly<Record<string, number>>;
  /** EBS gp3 storage, per GB-month (baseline IOPS and throughput are included). */
  readonly ebsGp3PerGbMonth: number;
  readonly rds: {
    /** PostgreSQL, Single-AZ, per instance-hour; Multi-AZ (one standby) is twice this. */
    readonly postgresHourly: Readonly<Record<string, number>>;
    /** gp3 storage per GB-month, Single-AZ; Multi-AZ is twice this. */
    readonly gp3PerGbMonth: number;
  };
  readonly openSearch: {
    readonly hourly: Readonly<Record<string, number>>;
    readonly gp3PerGbMonth: number;
  };
  readonly monthly: {
    readonly kmsKey: number;
    readonly secret: number;
    readonly wafWebAcl: number;
    readonly wafRule: number;
    /** Standard-resolution alarm, per metric it reads. */
    readonly alarmPerMetric: number;
    readonly hostedZone: number;
  };
}

export const PRICE_TABLE: PriceTable = {
  region: "eu-west-2",
  currency: "USD",
  date: "2026-12-01",
  source:
    "AWS on-demand list prices, Europe (London): the services' pricing pages and the AWS Price List offer files for eu-west-2",
  hoursPerMonth: 730,
  hourly: {
    // https://aws.amazon.com/vpc/pricing/ (NAT gateways; public IPv4 addresses)
    natGateway: 0.05,
    publicIpv4: 0.005,
    // https://aws.amazon.com/eks/pricing/ (standard support)
    eksCluster: 0.1,
    // https://aws.amazon.com/privatelink/pricing/ (interface endpoints)
    interfaceEndpointPerAz: 0.011,
    // https://aws.amazon.com/transit-gateway/pricing/
    transitGatewayAttachment: 0.05,
  },
  // https://aws.amazon.com/ec2/pricing/on-demand/ (Linux)
  ec2: {
    "t3.medium": 0.0472,
    "t3a.medium": 0.0426,
    "t4g.small": 0.0188,
    "t4g.medium": 0.0376,
    "m6i.large": 0.111,
    "m7i.large": 0.1166,
    "c6i.large": 0.101,
    "r6i.large": 0.148,
    "m6g.large": 0.0888,
    "m7g.large": 0.0944,
  },
  // https://aws.amazon.com/ebs/pricing/ (gp3)
  ebsGp3PerGbMonth: 0.0928,
  // https://aws.amazon.com/rds/postgresql/pricing/ (on-demand, Single-AZ; gp3 storage)
  rds: {
    postgresHourly: {
      "db.t4g.micro": 0.019,
      "db.t4g.small": 0.038,
      "db.t4g.medium": 0.076,
      "db.t4g.large": 0.152,
      "db.r6g.large": 0.263,
      "db.r6g.xlarge": 0.526,
      "db.r6g.2xlarge": 1.052,
      "db.m6g.large": 0.184,
      "db.m6g.xlarge": 0.368,
    },
    gp3PerGbMonth: 0.133,
  },
  // https://aws.amazon.com/opensearch-service/pricing/ (on-demand instances; gp3 storage)
  openSearch: {
    hourly: {
      "t3.small.search": 0.039,
      "t3.medium.search": 0.078,
      "m6g.large.search": 0.137,
      "r6g.large.search": 0.178,
      "r6g.xlarge.search": 0.356,
      "c6g.large.search": 0.121,
    },
    gp3PerGbMonth: 0.146,
  },
  monthly: {
    // https://aws.amazon.com/kms/pricing/, /secrets-manager/pricing/, /waf/pricing/,
    // /cloudwatch/pricing/ (standard-resolution alarms), /route53/pricing/ (hosted zones)
    kmsKey: 1,
    secret: 0.4,
    wafWebAcl: 5,
    wafRule: 1,
    alarmPerMetric: 0.1,
    hostedZone: 0.5,
  },
};
