import { beforeAll, describe, expect, it } from "vitest";
import { overlaps, parseCidr } from "../../src/core/cidr";
import { type AclRule, DATA_TIER_PORTS } from "../../src/network/data-acl";
import { REQUIRED_INTERFACE_ENDPOINTS } from "../../src/network/network-config";
import {
  ofType,
  type PlannedResource,
  type PlanResult,
  planStack,
  planVariant,
  stackValue,
  within,
} from "../support/harness";

const VPC = "aws:ec2/vpc:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const NAT = "aws:ec2/natGateway:NatGateway";
const EIP = "aws:ec2/eip:Eip";
const ROUTE = "aws:ec2/route:Route";
const RTA = "aws:ec2/routeTableAssociation:RouteTableAssociation";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

/** Mock ids are `<logical name>-<hash>`: map an id back to the resource that produced it. */
function byId(net: PlannedResource[], id: unknown): PlannedResource | undefined {
  return net.find((r) => typeof id === "string" && id.startsWith(`${r.name}-`));
}

function network(plan: PlanResult): PlannedResource[] {
  return within(plan, "network");
}

/**
 * Does an ACL's rule list admit TCP traffic from (or to) `cidr` on `port`? Rules are evaluated in
 * rule-number order and the first match decides; the list holds only allows, so no match is a deny.
 */
function aclAdmits(rules: readonly AclRule[], cidr: string, port: number): boolean {
  const within = (inner: string, outer: string) => {
    const i = parseCidr(inner);
    const o = parseCidr(outer);
    return i.prefix >= o.prefix && overlaps(inner, outer);
  };
  const first = [...rules]
    .sort((a, b) => a.ruleNo - b.ruleNo)
    .find(
      (r) =>
        within(cidr, r.cidrBlock) &&
        (r.protocol === "-1" || (r.protocol === "tcp" && port >= r.fromPort && port <= r.toPort)),
    );
  return first?.action === "allow";
}

const tags = (r: PlannedResource) => (r.inputs.tags ?? {}) as Record<string, string>;

describe("prod network", () => {
  let net: PlannedResource[];
  beforeAll(async () => {
    net = network(await planStack("prod"));
  });
  const of = (type: string) => net.filter((r) => r.type === type);

  it("has 9 subnets: one public, private and data subnet per AZ, none overlapping", () => {
    const subnets = of(SUBNET);
    expect(subnets).toHaveLength(9);
    const byTier = (tier: string) =>
      subnets.filter((s) => tags(s).Tier === tier).map((s) => s.inputs.availabilityZone);
    for (const tier of ["public", "private", "data"])
      expect(byTier(tier)).toEqual(["eu-west-2a", "eu-west-2b", "eu-west-2c"]);
    const cidrs = subnets.map((s) => String(s.inputs.cidrBlock));
    for (let i = 0; i < cidrs.length; i++) {
      for (let j = i + 1; j < cidrs.length; j++) expect(overlaps(cidrs[i]!, cidrs[j]!)).toBe(false);
    }
    for (const s of subnets) expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
  });

  it("runs 3 NAT gateways, each in its AZ's public subnet with its own separately created Elastic IP", () => {
    const nats = of(NAT);
    const eips = of(EIP);
    expect(nats).toHaveLength(3);
    expect(eips).toHaveLength(3);
    const allocations = new Set(nats.map((n) => n.inputs.allocationId));
    expect(allocations.size).toBe(3);
    for (const nat of nats) {
      const subnet = byId(net, nat.inputs.subnetId);
      expect(subnet && tags(subnet).Tier).toBe("public");
      expect(nat.name.slice(-1)).toBe(String(subnet?.inputs.availabilityZone).slice(-1));
    }
    // The addresses partners allow-list survive a NAT replacement and a stack mistake.
    for (const eip of eips) expect(eip.protect).toBe(true);
  });

  it("routes each private subnet's default route to the NAT gateway in its own AZ", () => {
    const privateSubnets = of(SUBNET).filter((s) => tags(s).Tier === "private");
    for (const subnet of privateSubnets) {
      const assoc = of(RTA).find((a) => byId(net, a.inputs.subnetId) === subnet);
      expect(assoc, `association for ${subnet.name}`).toBeDefined();
      const defaults = of(ROUTE).filter(
        (r) =>
          r.inputs.destinationCidrBlock === "0.0.0.0/0" &&
          r.inputs.routeTableId === assoc?.inputs.routeTableId,
      );
      expect(defaults).toHaveLength(1);
      const nat = byId(net, defaults[0]?.inputs.natGatewayId);
      expect(nat?.type).toBe(NAT);
      const natSubnet = byId(net, nat?.inputs.subnetId);
      expect(natSubnet?.inputs.availabilityZone).toBe(subnet.inputs.availabilityZone);
    }
  });

  it("gives data subnets no route to the internet", () => {
    const dataSubnets = of(SUBNET).filter((s) => tags(s).Tier === "data");
    const tables = new Set(
      of(RTA)
        .filter((a) => dataSubnets.includes(byId(net, a.inputs.subnetId)!))
        .map((a) => a.inputs.routeTableId),
    );
    expect(tables.size).toBe(1);
    const routes = of(ROUTE).filter((r) => tables.has(r.inputs.routeTableId as string));
    expect(routes).toEqual([]);
  });

  it("fences the data subnets with an ACL: the private tier on the data ports only", () => {
    const acls = of("aws:ec2/networkAcl:NetworkAcl");
    expect(acls).toHaveLength(1);
    const acl = acls[0]!;
    const dataSubnets = of(SUBNET).filter((s) => tags(s).Tier === "data");
    expect((acl.inputs.subnetIds as string[]).map((id) => byId(net, id))).toEqual(dataSubnets);
    const rules = acl.inputs as { ingress: AclRule[]; egress: AclRule[] };
    const cidr = (tier: string) =>
      of(SUBNET)
        .filter((s) => tags(s).Tier === tier)
        .map((s) => String(s.inputs.cidrBlock));
    const vpn = stackValue<{ vpnClientCidr: string }>("management", "platform:transit").vpnClientCidr;
    const admits = (list: AclRule[], source: string, port: number) => aclAdmits(list, source, port);
    for (const source of cidr("private")) {
      expect(admits(rules.ingress, source, 5432), `${source} → 5432`).toBe(true);
      expect(admits(rules.ingress, source, 443), `${source} → 443`).toBe(true);
      expect(admits(rules.ingress, source, 22), `${source} → 22`).toBe(false);
      expect(admits(rules.ingress, source, 6379), `${source} → 6379`).toBe(false);
      // Replies go back to the client's ephemeral port.
      expect(admits(rules.egress, source, 40000), `reply to ${source}`).toBe(true);
    }
    // The public subnets (the ALBs, the NAT gateways), the management VPC (where the subnet routers
    // source-NAT the VPN's traffic), the VPN range and the internet: nothing.
    for (const source of [...cidr("public"), "10.0.0.1/32", vpn, "8.8.8.8/32"]) {
      expect(admits(rules.ingress, source, 5432), source).toBe(false);
      expect(admits(rules.ingress, source, 443), source).toBe(false);
    }
    // Multi-AZ, read replicas and OpenSearch nodes talk to each other across the data subnets.
    for (const a of cidr("data")) expect(admits(rules.ingress, a, 9300), a).toBe(true);
  });

  it("the data ports the ACL admits are exactly the ports RDS and OpenSearch listen on", async () => {
    const plan = await planStack("prod");
    const ports = ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((r) => /^(db|search)-from-client-/.test(r.name))
      .map((r) => Number(r.inputs.fromPort));
    expect(new Set(ports)).toEqual(new Set(Object.values(DATA_TIER_PORTS)));
  });

  it("tags subnets for the load balancer controller and Karpenter discovery", () => {
    for (const s of of(SUBNET)) {
      const t = tags(s);
      expect(t["kubernetes.io/role/elb"] === "1").toBe(t.Tier === "public");
      expect(t["kubernetes.io/role/internal-elb"] === "1").toBe(t.Tier === "private");
      expect(t["karpenter.sh/discovery"] === "platform-prod-eks").toBe(t.Tier === "private");
    }
  });

  it("has S3 and DynamoDB gateway endpoints on every private and data route table", () => {
    const gateways = of(ENDPOINT).filter((e) => e.inputs.vpcEndpointType === "Gateway");
    expect(gateways.map((g) => g.inputs.serviceName).sort()).toEqual([
      "com.amazonaws.eu-west-2.dynamodb",
      "com.amazonaws.eu-west-2.s3",
    ]);
    for (const g of gateways) expect(g.inputs.routeTableIds).toHaveLength(4);
  });

  it("has private interface endpoints in the private subnets behind a 443-from-the-VPC-only security group", () => {
    const interfaces = of(ENDPOINT).filter((e) => e.inputs.vpcEndpointType === "Interface");
    const services = interfaces.map((e) =>
      String(e.inputs.serviceName).replace("com.amazonaws.eu-west-2.", ""),
    );
    expect(services).toEqual(expect.arrayContaining([...REQUIRED_INTERFACE_ENDPOINTS]));
    const sg = net.find((r) => r.name === "endpoints-sg");
    expect(sg?.inputs.ingress).toEqual([
      expect.objectContaining({ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["10.30.0.0/16"] }),
    ]);
    for (const e of interfaces) {
      expect(e.inputs.privateDnsEnabled).toBe(true);
      expect(e.inputs.securityGroupIds).toEqual([
        sg && `${sg.name}-${String(e.inputs.securityGroupIds).split("-").pop()}`,
      ]);
      const subnets = (e.inputs.subnetIds as string[]).map((id) => tags(byId(net, id)!).Tier);
      expect(subnets).toEqual(["private", "private", "private"]);
    }
  });

  it("sends all flow logs to a KMS-encrypted log group", () => {
    const flow = net.find((r) => r.type === "aws:ec2/flowLog:FlowLog");
    expect(flow?.inputs).toMatchObject({ trafficType: "ALL", logDestinationType: "cloud-watch-logs" });
    const group = net.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup");
    expect(String(group?.inputs.kmsKeyId)).toMatch(/^arn:aws:kms:eu-west-2:751029384756:key\//);
    expect(group?.inputs.retentionInDays).toBe(365);
    const key = net.find((r) => r.type === "aws:kms/key:Key");
    expect(key?.inputs.enableKeyRotation).toBe(true);
    expect(key?.protect).toBe(true);
  });

  it("lets the flow-log role write to its one log group before the flow log delivers", () => {
    const flow = net.find((r) => r.type === "aws:ec2/flowLog:FlowLog");
    expect(flow?.dependsOn).toContain("flow-logs-write");
    const write = net.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "flow-logs-write");
    const statements = JSON.parse(String(write?.inputs.policy)).Statement as { Action: string | string[] }[];
    expect(statements.flatMap((st) => [st.Action].flat()).sort()).toEqual([
      "logs:CreateLogStream",
      "logs:DescribeLogGroups",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
    ]);
  });

  it("protects the VPC in prod", () => {
    expect(of(VPC)[0]?.protect).toBe(true);
  });
});

describe("dev network variants", () => {
  it("with a single NAT gateway, every private route table points at it", async () => {
    const net = network(await planVariant("dev:single-nat"));
    const nats = net.filter((r) => r.type === NAT);
    expect(nats).toHaveLength(1);
    const defaults = net.filter((r) => r.type === ROUTE && r.inputs.natGatewayId !== undefined);
    expect(defaults).toHaveLength(3);
    for (const r of defaults) expect(byId(net, r.inputs.natGatewayId)).toBe(nats[0]);
  });

  it("over two AZs, plans six subnets and leaves the third AZ's space free", async () => {
    const net = network(await planVariant("dev:two-azs"));
    expect(net.filter((r) => r.type === SUBNET)).toHaveLength(6);
    expect(net.filter((r) => r.type === NAT)).toHaveLength(2);
  });

  it("is not protected in dev", async () => {
    const net = network(await planStack("dev"));
    expect(net.find((r) => r.type === VPC)?.protect).toBe(false);
  });
});
