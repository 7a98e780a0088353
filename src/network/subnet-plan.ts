import { type Cidr, formatCidr, parseCidr, subnet } from "../core/cidr";

/**
 * The subnet plan for one VPC, a pure function of the VPC block and its AZs.
 *
 * The VPC is cut in quarters. Each AZ gets a whole quarter as its private subnet (nodes and
 * pods: with VPC CNI prefix delegation the pod density needs the room). The last quarter is
 * cut in sixteenths: the first three are the small public subnets (load balancers and NAT
 * gateways only), the next three the isolated data subnets (RDS, OpenSearch), and the
 * remaining ten stay reserved for tiers we have not needed yet (seed 001).
 *
 * For a /16: private /18 (16,379 usable addresses) per AZ, public and data /22 (1,019) per
 * AZ, ten /22s reserved. For a /20: private /22, public and data /26.
 */
export type SubnetTier = "public" | "private" | "data";

export interface PlannedSubnet {
  readonly tier: SubnetTier;
  readonly az: string;
  readonly cidr: string;
}

export interface SubnetPlan {
  readonly vpcCidr: string;
  readonly subnets: readonly PlannedSubnet[];
  /** Blocks of the VPC deliberately left free. */
  readonly reserved: readonly string[];
}

export const MAX_AZS = 3;
const SMALL_BLOCKS = 16;

export function planSubnets(vpcCidr: string, azs: readonly string[]): SubnetPlan {
  if (azs.length < 1 || azs.length > MAX_AZS) {
    throw new Error(`a VPC spans 1 to ${MAX_AZS} availability zones; got ${azs.length}`);
  }
  if (new Set(azs).size !== azs.length) throw new Error(`availability zones repeat: ${azs.join(", ")}`);
  const vpc = parseCidr(vpcCidr);
  const quarter = vpc.prefix + 2;
  const lastQuarter = subnet(vpc, quarter, 3);
  const small = quarter + Math.log2(SMALL_BLOCKS);
  const block = (i: number): Cidr => subnet(lastQuarter, small, i);

  const subnets: PlannedSubnet[] = [];
  azs.forEach((az, i) => {
    subnets.push({ tier: "public", az, cidr: formatCidr(block(i)) });
    subnets.push({ tier: "private", az, cidr: formatCidr(subnet(vpc, quarter, i)) });
    subnets.push({ tier: "data", az, cidr: formatCidr(block(MAX_AZS + i)) });
  });

  const reserved: string[] = [];
  for (let q = azs.length; q < 3; q++) reserved.push(formatCidr(subnet(vpc, quarter, q)));
  for (let i = 0; i < SMALL_BLOCKS; i++) {
    const used = i < azs.length || (i >= MAX_AZS && i < MAX_AZS + azs.length);
    if (!used) reserved.push(formatCidr(block(i)));
  }
  return { vpcCidr: formatCidr(vpc), subnets, reserved };
}

export function subnetsOf(plan: SubnetPlan, tier: SubnetTier): PlannedSubnet[] {
  return plan.subnets.filter((s) => s.tier === tier);
}

/**
 * The blocks of a VPC that can hold its private subnets, whatever its AZs: the first three
 * quarters. EKS places the cluster API endpoint's network interfaces in the private subnets, so
 * this is where a client outside the VPC must be allowed to reach on 443.
 */
export function privateSubnetRange(vpcCidr: string): string[] {
  return subnetsOf(planSubnets(vpcCidr, ["a", "b", "c"]), "private").map((s) => s.cidr);
}
