import { parseCidr } from "../core/cidr";

/**
 * The network ACL of the data subnets (RDS, OpenSearch): a stateless second fence behind their
 * security groups. Security groups stay the precise control (they name the cluster and worker
 * groups); the ACL bounds what any future security-group mistake could open.
 *
 * Inbound: everything between the data subnets themselves (Multi-AZ standby and read-replica
 * streaming, OpenSearch nodes talking to each other across zones), and from the private tier (EKS
 * nodes and pods, the Lambda worker) only on the data ports. Outbound: everything to the data
 * subnets, and the ephemeral return ports to the private tier. Nothing else: the data tier has no
 * route out anyway, and the ACL's implicit last rule denies the rest. Staff on the VPN never reach
 * it directly: the subnet routers source-NAT their traffic into the management VPC, the data route
 * table has no route back, and the data stores' security groups name only the cluster and worker
 * groups; people reach the data through the admin tool and the data-grants Job. Traffic to the VPC's DNS resolver, instance metadata and time sync is never
 * filtered by ACLs.
 */

/** The ports the data tier serves: PostgreSQL and OpenSearch's HTTPS endpoint. */
export const DATA_TIER_PORTS = { postgres: 5432, search: 443 } as const;
/** Ports clients pick for their side of a connection (Linux uses 32768–60999, Lambda and NAT 1024–65535). */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;

export interface AclRule {
  readonly ruleNo: number;
  readonly protocol: "tcp" | "-1";
  readonly action: "allow";
  readonly cidrBlock: string;
  readonly fromPort: number;
  readonly toPort: number;
}

export interface DataAclArgs {
  /** The data subnets' blocks (one per AZ). */
  readonly dataCidrs: readonly string[];
  /** The private subnets' blocks: nodes, pods and the worker. */
  readonly privateCidrs: readonly string[];
}

/** Inbound and outbound rules of the data subnets' ACL (see the module comment). */
export function dataAclRules(args: DataAclArgs): { ingress: AclRule[]; egress: AclRule[] } {
  for (const c of [...args.dataCidrs, ...args.privateCidrs]) parseCidr(c);
  if (args.dataCidrs.length === 0 || args.privateCidrs.length === 0) {
    throw new Error("dataAclRules: at least one data and one private subnet");
  }
  const ports = Object.values(DATA_TIER_PORTS);
  const all = (ruleNo: number, cidrBlock: string): AclRule => ({
    ruleNo,
    protocol: "-1",
    action: "allow",
    cidrBlock,
    fromPort: 0,
    toPort: 0,
  });
  const tcp = (ruleNo: number, cidrBlock: string, fromPort: number, toPort = fromPort): AclRule => ({
    ruleNo,
    protocol: "tcp",
    action: "allow",
    cidrBlock,
    fromPort,
    toPort,
  });
  const ingress = [
    ...args.dataCidrs.map((c, i) => all(100 + i, c)),
    ...args.privateCidrs.flatMap((c, i) => ports.map((p, j) => tcp(200 + 10 * i + j, c, p))),
  ];
  const egress = [
    ...args.dataCidrs.map((c, i) => all(100 + i, c)),
    ...args.privateCidrs.map((c, i) => tcp(200 + i, c, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to)),
  ];
  // AWS allows 20 rules per direction by default.
  if (ingress.length > 20 || egress.length > 20) {
    throw new Error(`dataAclRules: ${ingress.length} inbound rules; network ACLs allow 20 by default`);
  }
  return { ingress, egress };
}
