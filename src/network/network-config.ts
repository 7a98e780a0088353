import { z } from "zod";
import { overlaps } from "../core/cidr";
import { ipv4Block, logRetentionDays } from "../core/config-primitives";
import type { Rule, RuleIssue } from "../core/config-rules";
import { stackFileName } from "../core/environments";

/**
 * `platform:network` (every stack): the VPC's block, its AZs, the NAT gateways, the interface
 * endpoints and the flow log retention. Rules that need the stack's identity or the other stack
 * files are in `NETWORK_RULES`.
 */

/** Interface endpoints every VPC gets unless the stack lists its own (service names after com.amazonaws.<region>.). */
export const DEFAULT_INTERFACE_ENDPOINTS = [
  "ecr.api",
  "ecr.dkr",
  "sts",
  "sqs",
  "secretsmanager",
  "ssm",
  "ssmmessages",
  "ec2messages",
  "logs",
  "kms",
  "ec2",
  "elasticloadbalancing",
] as const;

/** The interface endpoints the platform cannot run without (private EKS nodes pull images, assume roles, read secrets). */
export const REQUIRED_INTERFACE_ENDPOINTS = [
  "ecr.api",
  "ecr.dkr",
  "sts",
  "sqs",
  "secretsmanager",
  "ssm",
  "logs",
  "kms",
  "ec2",
  "elasticloadbalancing",
] as const;

export const networkSchema = z
  .object({
    /** The VPC's IPv4 block: /16 to /20, unique across the four stacks. */
    vpcCidr: ipv4Block(16, 20),
    /** The AZs the VPC spans, in order; subnets are planned per AZ. */
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, "expected an AZ name such as eu-west-2a"))
      .min(2, "at least 2 availability zones")
      .max(3, "at most 3 availability zones"),
    /** `perAz`: one NAT gateway (and Elastic IP) per AZ. `single`: one shared NAT (dev only). */
    natGateways: z.enum(["perAz", "single"]),
    /** Interface endpoints (service suffixes). */
    interfaceEndpoints: z
      .array(z.string().regex(/^[a-z0-9.-]+$/, "expected an endpoint service suffix such as ecr.api"))
      .default([...DEFAULT_INTERFACE_ENDPOINTS]),
    /** Retention of the VPC flow log group, in days. */
    flowLogRetentionDays: logRetentionDays,
  })
  .strict()
  .superRefine((net, ctx) => {
    const missing = REQUIRED_INTERFACE_ENDPOINTS.filter((e) => !net.interfaceEndpoints.includes(e));
    if (missing.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["interfaceEndpoints"],
        message: `must include ${missing.join(", ")}`,
      });
    }
    const region = net.availabilityZones[0]?.slice(0, -1);
    if (net.availabilityZones.some((az) => az.slice(0, -1) !== region)) {
      ctx.addIssue({
        code: "custom",
        path: ["availabilityZones"],
        message: "all availability zones must be in one region",
      });
    }
  });

/** The network key every stack carries, spread into the stack schemas. */
export const networkShape = { network: networkSchema };

export type NetworkConfig = z.infer<typeof networkSchema>;

/** Network rules: each names the full key and what was expected. */
export const NETWORK_RULES: Rule<{ network: NetworkConfig }>[] = [
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
    const others = Object.entries(peers).flatMap(([stack, peer]): [string, { vpcCidr: string }][] =>
      peer?.vpcCidr ? [[stack, { vpcCidr: peer.vpcCidr }]] : [],
    );
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
