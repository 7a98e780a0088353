import { contains, overlaps } from "../core/cidr";

/**
 * The Transit Gateway's routing design, as data, so the isolation between environments can be
 * proved without AWS:
 *
 *  - `hub` route table: associated with the management VPC's attachment only; every environment
 *    attachment propagates into it, so the management VPC (and the VPN router in it) reaches
 *    every environment.
 *  - `spokes` route table: associated with every environment attachment; only the management
 *    attachment propagates into it, plus a static route for the VPN client range to the
 *    management attachment and a blackhole route per environment CIDR, so that even a wrong
 *    propagation could never make one environment reachable from another.
 *
 * Environment VPCs, in turn, route only the management VPC CIDR and the VPN range to the
 * Transit Gateway.
 */

export interface TransitDesign {
  readonly managementCidr: string;
  readonly vpnClientCidr: string;
  /** VPC CIDR of each environment stack, by stack name. */
  readonly environments: Readonly<Record<string, string>>;
}

/** Where a Transit Gateway route sends traffic: an attachment (by stack) or nowhere. */
export type TgwTarget = { readonly attachment: string } | { readonly blackhole: true };

export interface TgwRoute {
  readonly destination: string;
  readonly target: TgwTarget;
  readonly origin: "static" | "propagated";
}

export interface TgwRouteTable {
  /** Attachments (by stack) whose traffic this table routes. */
  readonly associations: readonly string[];
  /** Attachments (by stack) that propagate their VPC CIDR into this table. */
  readonly propagations: readonly string[];
  /** Static routes (propagated ones follow from `propagations`). */
  readonly staticRoutes: readonly TgwRoute[];
}

export interface TransitRouteTables {
  readonly hub: TgwRouteTable;
  readonly spokes: TgwRouteTable;
}

export const MANAGEMENT_ATTACHMENT = "management";

/** The two route tables of the design. Throws when CIDRs overlap (routes would be ambiguous). */
export function transitRouteTables(d: TransitDesign): TransitRouteTables {
  const named: [string, string][] = [
    ["management VPC", d.managementCidr],
    ["VPN client range", d.vpnClientCidr],
    ...Object.entries(d.environments).map(([s, c]): [string, string] => [`${s} VPC`, c]),
  ];
  for (let i = 0; i < named.length; i++) {
    for (let j = i + 1; j < named.length; j++) {
      if (overlaps(named[i]![1], named[j]![1])) {
        throw new Error(
          `transit: the ${named[i]![0]} (${named[i]![1]}) overlaps the ${named[j]![0]} (${named[j]![1]})`,
        );
      }
    }
  }
  const envs = Object.keys(d.environments).sort();
  return {
    hub: { associations: [MANAGEMENT_ATTACHMENT], propagations: envs, staticRoutes: [] },
    spokes: {
      associations: envs,
      propagations: [MANAGEMENT_ATTACHMENT],
      staticRoutes: [
        { destination: d.vpnClientCidr, target: { attachment: MANAGEMENT_ATTACHMENT }, origin: "static" },
        ...envs.map(
          (s): TgwRoute => ({
            destination: d.environments[s]!,
            target: { blackhole: true },
            origin: "static",
          }),
        ),
      ],
    },
  };
}

/** The destinations an environment VPC sends to the Transit Gateway. */
export function spokeVpcDestinations(d: Pick<TransitDesign, "managementCidr" | "vpnClientCidr">): string[] {
  return [d.managementCidr, d.vpnClientCidr];
}

/** Every route of a table: its static routes plus the CIDRs its propagating attachments bring. */
export function effectiveRoutes(table: TgwRouteTable, cidrOf: (attachment: string) => string): TgwRoute[] {
  const statics = table.staticRoutes;
  const propagated = table.propagations
    .map((a): TgwRoute => ({ destination: cidrOf(a), target: { attachment: a }, origin: "propagated" }))
    // A static route wins over a propagated route for the same prefix.
    .filter((p) => !statics.some((s) => s.destination === p.destination));
  return [...statics, ...propagated];
}

/** Longest-prefix match of `destination` (a CIDR or a /32) in `routes`; undefined when no route matches. */
export function lookup(routes: readonly TgwRoute[], destination: string): TgwRoute | undefined {
  const matches = routes.filter((r) => contains(r.destination, destination));
  return matches.sort((a, b) => Number(b.destination.split("/")[1]) - Number(a.destination.split("/")[1]))[0];
}

/**
 * Whether traffic from attachment `from` to the block `destination` is delivered to an attachment,
 * and which one, following the table `from` is associated with.
 */
export function deliveredTo(
  tables: TransitRouteTables,
  d: TransitDesign,
  from: string,
  destination: string,
): string | undefined {
  const table = [tables.hub, tables.spokes].find((t) => t.associations.includes(from));
  if (!table) return undefined;
  const cidrOf = (a: string) => (a === MANAGEMENT_ATTACHMENT ? d.managementCidr : d.environments[a]!);
  const route = lookup(effectiveRoutes(table, cidrOf), destination);
  return route && "attachment" in route.target ? route.target.attachment : undefined;
}
