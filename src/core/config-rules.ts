import { CLUSTER_RULES } from "../cluster/cluster-config";
import { DATA_RULES } from "../data/data-config";
import { EDGE_RULES } from "../edge/edge-config";
import { GITOPS_RULES } from "../gitops/gitops-config";
import { MANAGEMENT_RULES } from "../governance/governance-config";
import { overlaps } from "./cidr";
import type { EnvironmentSettings, ManagementSettings } from "./config-schema";
import { type StackInfo, type StackName, stackFileName } from "./stacks";

/** A config problem found by a rule: the full key (`platform:…`) and what was expected. */
export interface RuleIssue {
  readonly key: string;
  readonly message: string;
}

/** What a rule knows besides the schema-valid settings. */
export interface RuleContext {
  readonly stack: StackName;
  readonly info: StackInfo;
  readonly region: string | undefined;
  /** The other stacks' files as parsed from the repository (undefined when absent). */
  readonly peers: Readonly<
    Record<StackName, { vpcCidr: string | undefined; accountId?: string | undefined } | undefined>
  >;
  /** The version in charts/payments/Chart.yaml: the newest chart a stack can run (unknown: undefined). */
  readonly latestChartVersion?: string | undefined;
}

export type Rule = (settings: ManagementSettings | EnvironmentSettings, ctx: RuleContext) => RuleIssue[];

/** Rules that need more than one key, or the stack's identity. Each returns its issues. */
export const RULES: Rule[] = [
  ...MANAGEMENT_RULES,
  ...DATA_RULES,
  ...EDGE_RULES,
  ...CLUSTER_RULES,
  ...GITOPS_RULES,
  function productionGradeNetwork(s, { stack, info }) {
    const out: RuleIssue[] = [];
    if (info.productionGrade && info.role === "environment" && s.network.availabilityZones.length < 3) {
      out.push({
        key: "platform:network.availabilityZones",
        message: `${stack} is production-grade and needs 3 availability zones; got ${s.network.availabilityZones.length}`,
      });
    }
    if (info.productionGrade && s.network.natGateways !== "perAz") {
      out.push({
        key: "platform:network.natGateways",
        message: `${stack} must run one NAT gateway per AZ ("perAz"); a single shared NAT gateway is a single point of failure`,
      });
    }
    return out;
  },

  function zonesInRegion(s, { region }) {
    if (!region || s.network.availabilityZones.every((az) => az.startsWith(region))) return [];
    return [
      {
        key: "platform:network.availabilityZones",
        message: `every AZ must be in the stack's region ${region}; got ${s.network.availabilityZones.join(", ")}`,
      },
    ];
  },

  function uniqueVpcCidrs(s, { peers }) {
    const out: RuleIssue[] = [];
    const others = Object.entries(peers).filter((e): e is [string, { vpcCidr: string }] => !!e[1]?.vpcCidr);
    // Two other stacks clashing break this stack too (the Transit Gateway routes of the hub).
    for (let i = 0; i < others.length; i++) {
      for (let j = i + 1; j < others.length; j++) {
        const [a, pa] = others[i]!;
        const [b, pb] = others[j]!;
        let clash = false;
        try {
          clash = overlaps(pa.vpcCidr, pb.vpcCidr);
        } catch {
          continue;
        }
        if (clash) {
          out.push({
            key: "platform:network.vpcCidr",
            message: `the ${a} and ${b} stacks' VPCs overlap (${pa.vpcCidr} in ${stackFileName(a)}, ${pb.vpcCidr} in ${stackFileName(b)}); VPC CIDRs must be unique across the four stacks`,
          });
        }
      }
    }
    for (const [stack, peer] of Object.entries(peers)) {
      if (!peer?.vpcCidr) continue;
      let clash = false;
      try {
        clash = overlaps(s.network.vpcCidr, peer.vpcCidr);
      } catch {
        continue; // the peer's own validation reports its malformed CIDR
      }
      if (clash) {
        out.push({
          key: "platform:network.vpcCidr",
          message: `${s.network.vpcCidr} overlaps the ${stack} stack's VPC ${peer.vpcCidr} (${stackFileName(stack)}); VPC CIDRs must be unique across the four stacks so the Transit Gateway can route between them`,
        });
      }
    }
    return out;
  },
];
