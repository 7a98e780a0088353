import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { azSuffix, type NameContext, nameTag, physicalName } from "../core/naming";
import { toJson } from "../core/policy-document";
import { serviceRole } from "../core/service-role";
import { dataAclRules } from "./data-acl";
import { flowLogKeyPolicy, flowLogWritePolicy } from "./flow-log-policies";
import type { NetworkConfig } from "./network-config";
import { planSubnets, type SubnetPlan, subnetsOf } from "./subnet-plan";

export interface NetworkArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  readonly network: NetworkConfig;
  /** EKS cluster whose load balancer controller and Karpenter discover these subnets. */
  readonly clusterName: string;
  /** Protect the VPC and the flow-log key against deletion (production-grade stacks). */
  readonly protect: boolean;
}

/**
 * A VPC over up to three AZs: per AZ a small public subnet with its own NAT gateway and Elastic
 * IP, a large private subnet (nodes and pods) whose default route goes to the NAT gateway in the
 * same AZ, and an isolated data subnet with no route to the internet, fenced by a network ACL that
 * admits only the private tier on the data ports (`dataAclRules`). S3 and DynamoDB gateway
 * endpoints, interface endpoints for the AWS APIs the cluster and workloads call, and flow logs
 * to a KMS-encrypted log group.
 */
export class Network extends pulumi.ComponentResource {
  readonly plan: SubnetPlan;
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr: string;
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly dataSubnetIds: pulumi.Output<string>[];
  readonly privateRouteTableIds: pulumi.Output<string>[];
  readonly dataRouteTableId: pulumi.Output<string>;
  readonly natGatewayIds: pulumi.Output<string>[];
  readonly natPublicIps: pulumi.Output<string>[];
  readonly endpointSecurityGroupId: pulumi.Output<string>;
  /**
   * The public CIDRs the S3 and DynamoDB gateway endpoints route to (their managed prefix lists'
   * entries, sorted): what a NetworkPolicy must admit for pods to reach those services.
   */
  readonly gatewayEndpointCidrs: pulumi.Output<string[]>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:network:Network", name, {}, opts);
    const { naming, network } = args;
    const parent = { parent: this };
    const azs = network.availabilityZones;
    this.plan = planSubnets(network.vpcCidr, azs);
    this.vpcCidr = this.plan.vpcCidr;

    const vpc = new aws.ec2.Vpc(
      "vpc",
      {
        cidrBlock: this.plan.vpcCidr,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: nameTag(naming, "vpc"),
      },
      { ...parent, protect: args.protect },
    );
    this.vpcId = vpc.id;

    // Nothing may use the default security group: it is emptied so a forgotten
    // `vpcSecurityGroupIds` fails closed.
    new aws.ec2.DefaultSecurityGroup(
      "default-sg",
      { vpcId: vpc.id, tags: nameTag(naming, "default-sg-unused") },
      parent,
    );

    const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id, tags: nameTag(naming, "igw") }, parent);

    const publicRt = new aws.ec2.RouteTable(
      "rt-public",
      { vpcId: vpc.id, tags: nameTag(naming, "rt-public") },
      parent,
    );
    new aws.ec2.Route(
      "rt-public-default",
      { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
      parent,
    );

    const dataRt = new aws.ec2.RouteTable(
      "rt-data",
      { vpcId: vpc.id, tags: nameTag(naming, "rt-data") },
      parent,
    );
    this.dataRouteTableId = dataRt.id;

    const discovery = { "karpenter.sh/discovery": args.clusterName };
    const subnet = (
      tier: "public" | "private" | "data",
      az: string,
      cidr: string,
      extra: Record<string, string>,
    ) =>
      new aws.ec2.Subnet(
        `${tier}-${azSuffix(az)}`,
        {
          vpcId: vpc.id,
          availabilityZone: az,
          cidrBlock: cidr,
          mapPublicIpOnLaunch: false,
          tags: { ...nameTag(naming, tier, azSuffix(az)), Tier: tier, ...extra },
        },
        parent,
      );

    const publicSubnets = subnetsOf(this.plan, "public").map((s) =>
      subnet("public", s.az, s.cidr, { "kubernetes.io/role/elb": "1" }),
    );
    const privateSubnets = subnetsOf(this.plan, "private").map((s) =>
      subnet("private", s.az, s.cidr, { "kubernetes.io/role/internal-elb": "1", ...discovery }),
    );
    const dataSubnets = subnetsOf(this.plan, "data").map((s) => subnet("data", s.az, s.cidr, {}));

    publicSubnets.forEach((s, i) => {
      new aws.ec2.RouteTableAssociation(
        `public-${azSuffix(azs[i]!)}`,
        { subnetId: s.id, routeTableId: publicRt.id },
        parent,
      );
    });
    dataSubnets.forEach((s, i) => {
      new aws.ec2.RouteTableAssociation(
        `data-${azSuffix(azs[i]!)}`,
        { subnetId: s.id, routeTableId: dataRt.id },
        parent,
      );
    });

    // The data tier's network ACL: the private tier on the data ports only.
    const acl = dataAclRules({
      dataCidrs: subnetsOf(this.plan, "data").map((s) => s.cidr),
      privateCidrs: subnetsOf(this.plan, "private").map((s) => s.cidr),
    });
    new aws.ec2.NetworkAcl(
      "acl-data",
      {
        vpcId: vpc.id,
        subnetIds: dataSubnets.map((s) => s.id),
        ingress: acl.ingress.map((r) => ({ ...r })),
        egress: acl.egress.map((r) => ({ ...r })),
        tags: nameTag(naming, "acl-data"),
      },
      parent,
    );

    // One NAT gateway per AZ, each with its own Elastic IP as a separate resource, so the
    // egress addresses partners allow-list survive a NAT gateway replacement (seed 002).
    const natAzs = network.natGateways === "perAz" ? azs : azs.slice(0, 1);
    const nats = natAzs.map((az, i) => {
      const sfx = azSuffix(az);
      const eip = new aws.ec2.Eip(
        `nat-eip-${sfx}`,
        { domain: "vpc", tags: nameTag(naming, "nat-eip", sfx) },
        {
          ...parent,
          protect: args.protect,
        },
      );
      const nat = new aws.ec2.NatGateway(
        `nat-${sfx}`,
        {
          allocationId: eip.allocationId,
          subnetId: publicSubnets[i]!.id,
          connectivityType: "public",
          tags: nameTag(naming, "nat", sfx),
        },
        { ...parent, dependsOn: [igw] },
      );
      return { az, eip, nat };
    });
    this.natGatewayIds = nats.map((n) => n.nat.id);
    this.natPublicIps = nats.map((n) => n.eip.publicIp);

    const privateRts = azs.map((az, i) => {
      const sfx = azSuffix(az);
      const rt = new aws.ec2.RouteTable(
        `rt-private-${sfx}`,
        { vpcId: vpc.id, tags: nameTag(naming, "rt-private", sfx) },
        parent,
      );
      const nat = nats.find((n) => n.az === az) ?? nats[0]!;
      new aws.ec2.Route(
        `rt-private-${sfx}-default`,
        { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.nat.id },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `private-${sfx}`,
        { subnetId: privateSubnets[i]!.id, routeTableId: rt.id },
        parent,
      );
      return rt;
    });
    this.privateRouteTableIds = privateRts.map((rt) => rt.id);

    // Gateway endpoints: S3 and DynamoDB traffic stays on the AWS network and costs no NAT.
    const gateways = ["s3", "dynamodb"].map(
      (service) =>
        new aws.ec2.VpcEndpoint(
          `gw-${service}`,
          {
            vpcId: vpc.id,
            serviceName: `com.amazonaws.${args.region}.${service}`,
            vpcEndpointType: "Gateway",
            routeTableIds: [...privateRts.map((rt) => rt.id), dataRt.id],
            tags: nameTag(naming, "vpce", service),
          },
          parent,
        ),
    );
    this.gatewayEndpointCidrs = pulumi
      .all(gateways.map((g) => g.cidrBlocks))
      .apply((lists) => [...new Set(lists.flat())].sort());

    const endpointSg = new aws.ec2.SecurityGroup(
      "endpoints-sg",
      {
        vpcId: vpc.id,
        description: "Interface VPC endpoints: HTTPS from inside the VPC only",
        ingress: [
          {
            description: "HTTPS from the VPC",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: [this.plan.vpcCidr],
          },
        ],
        egress: [],
        tags: nameTag(naming, "endpoints-sg"),
      },
      parent,
    );
    this.endpointSecurityGroupId = endpointSg.id;

    for (const service of network.interfaceEndpoints) {
      new aws.ec2.VpcEndpoint(
        `vpce-${service.replace(/\./g, "-")}`,
        {
          vpcId: vpc.id,
          serviceName: `com.amazonaws.${args.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: privateSubnets.map((s) => s.id),
          securityGroupIds: [endpointSg.id],
          tags: nameTag(naming, "vpce", service),
        },
        parent,
      );
    }

    // Flow logs: every accepted and rejected flow, to a log group encrypted with its own key.
    const logGroupName = `/platform/${naming.stack}/vpc-flow-logs`;
    const flowKey = new aws.kms.Key(
      "flow-logs-key",
      {
        description: `${physicalName(naming, "vpc")} flow logs`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: toJson(flowLogKeyPolicy({ accountId: args.accountId, region: args.region, logGroupName })),
        tags: nameTag(naming, "flow-logs-key"),
      },
      { ...parent, protect: args.protect },
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      "flow-logs",
      {
        name: logGroupName,
        retentionInDays: network.flowLogRetentionDays,
        kmsKeyId: flowKey.arn,
        tags: nameTag(naming, "flow-logs"),
      },
      parent,
    );
    const flowRole = serviceRole(
      "flow-logs-role",
      { naming, roleName: "vpc-flow-logs", service: "vpc-flow-logs.amazonaws.com" },
      parent,
    );
    const writePolicy = new aws.iam.RolePolicy(
      "flow-logs-write",
      { role: flowRole.id, policy: logGroup.arn.apply((arn) => toJson(flowLogWritePolicy(arn))) },
      parent,
    );
    new aws.ec2.FlowLog(
      "flow-log",
      {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: flowRole.arn,
        maxAggregationInterval: 60,
        tags: nameTag(naming, "flow-log"),
      },
      // The role must be able to write before the first delivery.
      { ...parent, dependsOn: [writePolicy] },
    );

    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.dataSubnetIds = dataSubnets.map((s) => s.id);

    this.registerOutputs(this.outputs());
  }

  /** The values other stacks and CI read (stack outputs). */
  outputs() {
    return {
      vpcId: this.vpcId,
      vpcCidr: this.vpcCidr,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      dataSubnetIds: this.dataSubnetIds,
      privateRouteTableIds: this.privateRouteTableIds,
      dataRouteTableId: this.dataRouteTableId,
      natGatewayIds: this.natGatewayIds,
      natPublicIps: this.natPublicIps,
      endpointSecurityGroupId: this.endpointSecurityGroupId,
    };
  }
}
