import type { PolicyResource } from "@pulumi/policy";
import { overlaps } from "../src/core/cidr";
import type { PolicyGroup } from "./policy-types";
import { forTypes, isSet, list, read, referenced, T } from "./props";

const OPEN = ["0.0.0.0/0", "::/0"];
/** The only ports the internet may reach, and only on a public load balancer. */
const PUBLIC_PORTS = [80, 443];

/** True when `a` and `b` name the same resource in `prop`: by dependency (known at preview) or by value. */
function sameTarget(
  a: PolicyResource,
  b: PolicyResource,
  prop: string,
  resources: readonly PolicyResource[],
): boolean {
  const targets = referenced(b, prop, resources);
  if (referenced(a, prop, resources).some((x) => targets.includes(x))) return true;
  const value = read(a.props, prop);
  return value !== undefined && value === read(b.props, prop);
}

function availabilityZoneOf(subnet: PolicyResource | undefined): string | undefined {
  const az = read(subnet?.props, "availabilityZone");
  return typeof az === "string" ? az : undefined;
}

/** Ingress rules in the three shapes AWS resources carry them, normalised. */
function openIngress(
  type: string,
  props: Record<string, unknown>,
): { from: number; to: number; proto: string }[] {
  const rules: Record<string, unknown>[] = [];
  if (type === T.securityGroup) rules.push(...(list(props.ingress) as Record<string, unknown>[]));
  if (type === T.securityGroupRule && props.type === "ingress") rules.push(props);
  if (type === T.ingressRule) {
    // Field by field: the rule's security group id is not known during a first preview.
    rules.push({
      cidrBlocks: list(read(props, "cidrIpv4")),
      ipv6CidrBlocks: list(read(props, "cidrIpv6")),
      fromPort: read(props, "fromPort"),
      toPort: read(props, "toPort"),
      ipProtocol: read(props, "ipProtocol"),
    });
  }
  return rules
    .filter((r) => [...list(r.cidrBlocks), ...list(r.ipv6CidrBlocks)].some((c) => OPEN.includes(String(c))))
    .map((r) => ({
      from: Number(r.fromPort ?? 0),
      to: Number(r.toPort ?? 65535),
      proto: String(r.protocol ?? r.ipProtocol ?? "-1"),
    }));
}

export const networkPolicies: PolicyGroup = (ctx) => [
  {
    name: "nat-gateway-per-az",
    cls: "gated",
    description: "Production-grade stacks run a NAT gateway in every AZ that has subnets.",
    remediationSteps:
      "Set `platform:network.natGateways: perAz`: one NAT gateway (with its own Elastic IP) in the public subnet of each AZ. A single NAT gateway takes every AZ's egress down with its own.",
    validateStack: (args, report) => {
      if (!ctx.productionGrade)
        args.notApplicable("single NAT gateways are allowed outside production-grade stacks");
      const subnets = args.resources.filter((r) => r.type === T.subnet);
      const zones = new Set(subnets.map(availabilityZoneOf).filter((z): z is string => z !== undefined));
      const natZones = new Set<string>();
      for (const nat of args.resources.filter((r) => r.type === T.natGateway)) {
        const az = availabilityZoneOf(referenced(nat, "subnetId", args.resources, T.subnet)[0]);
        if (az) natZones.add(az);
      }
      for (const az of zones) {
        if (!natZones.has(az)) {
          report(
            `no NAT gateway in ${az}: its private subnet's egress depends on another AZ (set natGateways: perAz)`,
          );
        }
      }
    },
  },
  {
    name: "private-route-same-az-nat",
    cls: "gated",
    description: "A private subnet's default route goes to the NAT gateway in its own AZ.",
    remediationSteps:
      "Give each private subnet its own route table whose 0.0.0.0/0 route targets the NAT gateway of the same AZ (src/network/network.ts).",
    validateStack: (args, report) => {
      if (!ctx.productionGrade)
        args.notApplicable("a shared NAT gateway is allowed outside production-grade stacks");
      const { resources } = args;
      for (const route of resources.filter((r) => r.type === T.route && isSet(r.props, "natGatewayId"))) {
        const nat = referenced(route, "natGatewayId", resources, T.natGateway)[0];
        const natAz = availabilityZoneOf(referenced(nat ?? route, "subnetId", resources, T.subnet)[0]);
        const table = referenced(route, "routeTableId", resources, T.routeTable)[0];
        if (!nat || !natAz || !table) continue;
        const associations = resources.filter(
          (a) =>
            a.type === T.routeTableAssociation && referenced(a, "routeTableId", resources).includes(table),
        );
        for (const assoc of associations) {
          const subnet = referenced(assoc, "subnetId", resources, T.subnet)[0];
          const az = availabilityZoneOf(subnet);
          if (az && az !== natAz) {
            report(
              `route "${route.name}" sends subnet "${subnet?.name}" (${az}) to NAT gateway "${nat.name}" in ${natAz}: cross-AZ egress fails with that AZ`,
              route.urn,
            );
          }
        }
      }
    },
  },
  {
    name: "no-open-ingress",
    cls: "baseline",
    description: "Nothing admits the internet except HTTP/HTTPS (80, 443).",
    remediationSteps:
      "Admit a CIDR of the VPC, the VPN range or a security group instead of 0.0.0.0/0 or ::/0; only a public load balancer may take 80/443 from anywhere, and the load balancer controller creates those itself.",
    validateResource: forTypes(
      [T.securityGroup, T.securityGroupRule, T.ingressRule],
      (props, args, report) => {
        for (const r of openIngress(args.type, props)) {
          const onlyWeb = r.proto !== "-1" && r.from === r.to && PUBLIC_PORTS.includes(r.from);
          if (!onlyWeb) {
            report(
              `ingress from the internet on ${r.proto === "-1" ? "all protocols" : `${r.proto} ${r.from}-${r.to}`}`,
            );
          }
        }
      },
    ),
  },
  {
    name: "vpc-flow-logs",
    cls: "baseline",
    description: "Every VPC records all its traffic in flow logs.",
    remediationSteps:
      "Create an aws.ec2.FlowLog with trafficType ALL for the VPC (the Network component does).",
    validateStack: (args, report) => {
      const logs = args.resources.filter((r) => r.type === T.flowLog);
      for (const vpc of args.resources.filter((r) => r.type === T.vpc)) {
        const covered = logs.some(
          (l) => l.props.trafficType === "ALL" && referenced(l, "vpcId", args.resources).includes(vpc),
        );
        if (!covered) report(`VPC "${vpc.name}" has no flow log of ALL traffic`, vpc.urn);
      }
    },
  },
  {
    name: "no-route-between-environments",
    cls: "baseline",
    description:
      "Environments reach the management VPC and the VPN through the Transit Gateway, never each other.",
    remediationSteps:
      "Route only the management VPC and the VPN range to the Transit Gateway; associate an environment's attachment with the spokes' route table and propagate it into the hub's only (src/transit/).",
    validateStack: (args, report) => {
      const { resources } = args;
      const others = Object.entries(ctx.environmentCidrs).filter(([env]) => env !== ctx.stack);
      const hit = (cidr: unknown) =>
        typeof cidr === "string" ? others.find(([, c]) => overlaps(c, cidr))?.[0] : undefined;
      if (ctx.role === "environment") {
        for (const route of resources.filter(
          (r) => r.type === T.route && isSet(r.props, "transitGatewayId"),
        )) {
          const env = hit(read(route.props, "destinationCidrBlock"));
          if (env)
            report(
              `route "${route.name}" sends ${String(read(route.props, "destinationCidrBlock"))} (${env}) to the Transit Gateway`,
              route.urn,
            );
        }
        // The attachment's own (associated) table must never learn it: that table is shared by every spoke.
        for (const prop of resources.filter((r) => r.type === T.tgwPropagation)) {
          const table = read(prop.props, "transitGatewayRouteTableId");
          if (table === undefined) continue; // not known until the hub exists
          const assoc = resources.find(
            (a) =>
              a.type === T.tgwAssociation &&
              read(a.props, "transitGatewayRouteTableId") === table &&
              sameTarget(a, prop, "transitGatewayAttachmentId", resources),
          );
          if (assoc) {
            report(
              `"${prop.name}" propagates the attachment into the route table it is associated with: every spoke would reach it`,
              prop.urn,
            );
          }
        }
      } else {
        // The hub learns the environments' ranges by propagation; a static route to one is only
        // ever the spokes' table's blackhole.
        for (const route of resources.filter((r) => r.type === T.tgwRoute)) {
          const dest = read(route.props, "destinationCidrBlock");
          const env = Object.entries(ctx.environmentCidrs).find(
            ([, c]) => typeof dest === "string" && overlaps(c, dest),
          );
          if (env && read(route.props, "blackhole") !== true) {
            report(
              `Transit Gateway route "${route.name}" sends ${dest} (${env[0]}) to an attachment: only a blackhole may name an environment's range`,
              route.urn,
            );
          }
        }
      }
    },
  },
];
