import { contains, hostAddress, parseCidr, subnet } from "../core/cidr";

/**
 * The tailnet policy file, as data. The management stack owns it whole (`tailscale.Acl`), so what
 * is not granted here is denied: the tailnet is default-deny.
 *
 * Who reaches what:
 *  - staff (`autogroup:member`, people signed in through the identity provider) reach every
 *    advertised VPC on HTTPS only: the internal load balancers and the clusters' API endpoints;
 *  - CI runners (`tag:platform-ci`, ephemeral nodes that GitHub Actions jobs register for the job's
 *    lifetime) reach the clusters' API endpoints and ArgoCD's API on 443, nothing else;
 *  - the subnet routers (`tag:platform-subnet-router`) advertise the VPC routes, auto-approved.
 *
 * The routers SNAT what they forward, so the clusters see the router's address in the management
 * VPC: the cluster security groups admit the management VPC on 443 (`apiClientCidrs`).
 */

/** The tag CI runners register with (the CI OAuth client may only mint keys for it). */
export const CI_TAG = "tag:platform-ci";
/**
 * The tag of the credential the management stack manages the tailnet with (an OAuth client made
 * by hand once, see README "Bootstrap"); it owns the router and CI tags, so keys and clients it
 * creates may carry them.
 */
export const AUTOMATION_TAG = "tag:platform-automation";
/** Staff: every user of the tailnet (tagged devices are never members). */
export const STAFF = "autogroup:member";
/** Who owns the tags besides the automation credential: the tailnet's admins. */
export const TAG_ADMINS = "autogroup:admin";

export interface TailnetPolicyArgs {
  /** The subnet routers' tag (`ROUTER_TAG` of the transit area). */
  readonly routerTag: string;
  /** The VPC CIDRs the routers advertise: auto-approved for `routerTag`, reachable by staff on 443. */
  readonly advertisedRoutes: readonly string[];
  /**
   * Where the clusters' private API endpoints live, by stack: the blocks of each VPC that hold its
   * private subnets (EKS puts the endpoint's interfaces there). CI may reach them on 443.
   */
  readonly kubernetesApi: Readonly<Record<string, readonly string[]>>;
  /**
   * ArgoCD's API: addresses or blocks inside the management VPC (its internal load balancer). CI may
   * reach them on 443. Empty until ArgoCD's API is exposed there.
   */
  readonly argoCdApi: readonly string[];
}

export interface Grant {
  readonly src: readonly string[];
  readonly dst: readonly string[];
  readonly ip: readonly string[];
}

export interface PolicyTest {
  readonly src: string;
  readonly accept?: readonly string[];
  readonly deny?: readonly string[];
}

export interface TailnetPolicy {
  readonly tagOwners: Readonly<Record<string, readonly string[]>>;
  readonly autoApprovers: { readonly routes: Readonly<Record<string, readonly string[]>> };
  readonly grants: readonly Grant[];
  /** Checked by Tailscale when the policy is saved: a policy that breaks them is refused. */
  readonly tests: readonly PolicyTest[];
}

const HTTPS = "tcp:443";

/** Every destination CI may reach: the API endpoints' blocks and ArgoCD, each on 443 only. */
export function ciDestinations(args: Pick<TailnetPolicyArgs, "kubernetesApi" | "argoCdApi">): string[] {
  return [...Object.values(args.kubernetesApi).flat(), ...args.argoCdApi];
}

/** The tailnet policy (see the module comment). Throws on a destination outside the advertised routes. */
export function tailnetPolicy(args: TailnetPolicyArgs): TailnetPolicy {
  if (args.advertisedRoutes.length === 0) throw new Error("tailnetPolicy: at least one advertised route");
  for (const tag of [args.routerTag, CI_TAG, AUTOMATION_TAG]) {
    if (!/^tag:[a-z0-9-]+$/.test(tag)) throw new Error(`tailnetPolicy: "${tag}" is not a tag`);
  }
  const ci = ciDestinations(args);
  if (Object.keys(args.kubernetesApi).length === 0)
    throw new Error("tailnetPolicy: no Kubernetes API to reach");
  for (const dst of ci) {
    const block = dst.includes("/") ? dst : `${dst}/32`;
    if (!args.advertisedRoutes.some((r) => contains(r, block))) {
      throw new Error(`tailnetPolicy: CI destination ${dst} is outside every advertised route`);
    }
  }

  // Policy tests: a host in each API block, and a host in each VPC's last /24 (data subnets).
  const apiHosts = Object.values(args.kubernetesApi).map((blocks) => hostAddress(parseCidr(blocks[0]!), 10));
  const otherHosts = args.advertisedRoutes.map((r) => {
    const vpc = parseCidr(r);
    return hostAddress(subnet(vpc, 24, 2 ** (24 - vpc.prefix) - 1), 10);
  });
  return {
    tagOwners: {
      [AUTOMATION_TAG]: [TAG_ADMINS],
      [args.routerTag]: [TAG_ADMINS, AUTOMATION_TAG],
      [CI_TAG]: [TAG_ADMINS, AUTOMATION_TAG],
    },
    autoApprovers: { routes: Object.fromEntries(args.advertisedRoutes.map((r) => [r, [args.routerTag]])) },
    grants: [
      { src: [STAFF], dst: [...args.advertisedRoutes], ip: [HTTPS] },
      { src: [CI_TAG], dst: ci, ip: [HTTPS] },
    ],
    tests: [
      { src: CI_TAG, accept: apiHosts.map((h) => `${h}:443`), deny: apiHosts.map((h) => `${h}:22`) },
      {
        src: CI_TAG,
        deny: otherHosts
          .filter((h) => !ci.some((d) => contains(d.includes("/") ? d : `${d}/32`, `${h}/32`)))
          .flatMap((h) => [`${h}:443`, `${h}:5432`]),
      },
    ],
  };
}

/** The policy file as Tailscale stores it (JSON is valid HuJSON). */
export function tailnetPolicyJson(p: TailnetPolicy): string {
  return `${JSON.stringify(p, null, 2)}\n`;
}
