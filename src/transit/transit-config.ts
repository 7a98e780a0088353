import { z } from "zod";
import { overlaps } from "../core/cidr";
import { ipv4Block } from "../core/config-primitives";
import type { Rule, RuleIssue } from "../core/config-rules";

/**
 * Keys of the management stack's shared network: `platform:transit` (the Transit Gateway hub and
 * the VPN's client range) and `platform:vpn` (the Tailscale subnet routers).
 */

export const transitSchema = z
  .object({
    /** Private ASN of the Transit Gateway's Amazon side. */
    amazonSideAsn: z
      .number()
      .int()
      .refine((n) => (n >= 64512 && n <= 65534) || (n >= 4200000000 && n <= 4294967294), {
        message: "expected a private ASN (64512-65534 or 4200000000-4294967294)",
      }),
    /** The VPN's client address range; environments route it back to the hub. Tailscale: 100.64.0.0/10. */
    vpnClientCidr: ipv4Block(8, 24).default("100.64.0.0/10"),
  })
  .strict();

export const vpnSchema = z
  .object({
    /** Instance type of the Tailscale subnet router (arm64 Graviton types: t4g.*, c7g.*). */
    instanceType: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]*g[a-z0-9-]*\.[a-z0-9]+$/,
        "expected a Graviton instance type such as t4g.small",
      ),
    /** Routers running at once (Tailscale fails over between routers advertising the same routes). */
    desiredCapacity: z.number().int().min(1, "at least 1 router").max(3, "at most 3 routers"),
  })
  .strict();

/** The transit keys of the management stack, spread into its schema. */
export const transitShape = { transit: transitSchema, vpn: vpnSchema };

export type TransitConfig = z.infer<typeof transitSchema>;
export type VpnConfig = z.infer<typeof vpnSchema>;

/** Transit rules: each names the full key and what was expected. */
export const TRANSIT_RULES: Rule<{ network: { vpcCidr: string } }>[] = [
  function vpnRangeApart(s, { peers }) {
    if (!("transit" in s) || !("network" in s)) return [];
    const vpn = (s as { transit: TransitConfig }).transit.vpnClientCidr;
    const vpcs: [string, string][] = [["this stack", s.network.vpcCidr]];
    for (const [stack, peer] of Object.entries(peers))
      if (peer?.vpcCidr) vpcs.push([`the ${stack} stack`, peer.vpcCidr]);
    const out: RuleIssue[] = [];
    for (const [who, cidr] of vpcs) {
      let clash = false;
      try {
        clash = overlaps(vpn, cidr);
      } catch {
        continue; // malformed blocks are reported by the schema
      }
      if (clash) {
        out.push({
          key: "platform:transit.vpnClientCidr",
          message: `${vpn} overlaps the VPC of ${who} (${cidr}); the VPN client range must be routable apart from every VPC`,
        });
      }
    }
    return out;
  },
];
