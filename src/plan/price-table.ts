/**
 * On-demand list prices the offline cost estimate uses, for the stacks' region. USD, excluding
 * tax, Linux, no Savings Plans or Reserved Instances, no free tier. One number per line so a
 * refresh is a small, reviewable diff; `checked` is the date the table was last compared with its
 * sources, and the plan prints it with every total.
 *
 * Sources: the AWS pricing pages of each service for Europe (London), and the AWS Price List
 * offer files (`https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/eu-west-2/index.json`,
 * offers AmazonEC2, AmazonVPC, AmazonEKS, AmazonRDS, AmazonES, awskms, AWSSecretsManager, awswaf,
 * AmazonCloudWatch, AmazonRoute53). Global prices (EKS, KMS, Secrets Manager, WAF, public IPv4,
 * Route 53) are the same in every region.
 */
export interface PriceTable {
  readonly region: string;
  readonly currency: "USD";
  /** When the prices were last compared with the sources (ISO date). */
  readonly checked: string;
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
  checked: "2026-12-01",
  source:
    "AWS on-demand list prices, Europe (London): the services' pricing pages and the AWS Price List offer files for eu-west-2",
  hoursPerMonth: 730,
  hourly: {
    natGateway: 0.05,
    publicIpv4: 0.005,
    eksCluster: 0.1,
    interfaceEndpointPerAz: 0.011,
    transitGatewayAttachment: 0.05,
  },
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
  ebsGp3PerGbMonth: 0.0928,
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
    kmsKey: 1,
    secret: 0.4,
    wafWebAcl: 5,
    wafRule: 1,
    alarmPerMetric: 0.1,
    hostedZone: 0.5,
  },
};
