/**
 * Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), for deciding what a set of policies lets
 * through: a pod is isolated for a direction once any policy of that type selects it, and then only
 * traffic some selecting policy's rule admits passes. Within a rule the peers are ORed, the ports are
 * ORed, and peers and ports are ANDed; an absent `to`/`from` matches every peer and absent `ports`
 * every port. A pod-to-pod connection needs the source's egress and the destination's ingress.
 */
import { contains, parseCidr } from "../../src/core/cidr";

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface PolicyPeer {
  ipBlock?: { cidr: string; except?: string[] };
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
}

export interface PolicyPort {
  port?: number | string;
  endPort?: number;
  protocol?: string;
}

export interface NetworkPolicyLike {
  metadata: { name: string; namespace?: string };
  spec?: {
    podSelector?: LabelSelector;
    policyTypes?: string[];
    ingress?: { from?: PolicyPeer[]; ports?: PolicyPort[] }[];
    egress?: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
  };
}

/** A pod: where it runs, its labels, its IP and its named container ports. */
export interface Pod {
  namespace: string;
  labels: Record<string, string>;
  ip?: string;
  namedPorts?: Record<string, number>;
}

/** The other end of a connection: a pod, or an address outside the cluster's pods. */
export type Endpoint = { pod: Pod; namespaceLabels: Record<string, string> } | { ip: string };

/** Label selector semantics; an empty selector selects everything. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (selector === undefined) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    const ok =
      e.operator === "In"
        ? inValues
        : e.operator === "NotIn"
          ? !inValues
          : e.operator === "Exists"
            ? has
            : e.operator === "DoesNotExist"
              ? !has
              : (() => {
                  throw new Error(`unknown selector operator ${e.operator}`);
                })();
    if (!ok) return false;
  }
  return true;
}

/** The policy types a policy has: explicit, or Ingress plus Egress when it has egress rules. */
function typesOf(p: NetworkPolicyLike): string[] {
  if (p.spec?.policyTypes) return p.spec.policyTypes;
  return p.spec?.egress ? ["Ingress", "Egress"] : ["Ingress"];
}

function selecting(policies: readonly NetworkPolicyLike[], pod: Pod, type: "Ingress" | "Egress") {
  return policies.filter(
    (p) =>
      (p.metadata.namespace ?? pod.namespace) === pod.namespace &&
      typesOf(p).includes(type) &&
      selectorMatches(p.spec?.podSelector ?? {}, pod.labels),
  );
}

function peerMatches(peer: PolicyPeer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) {
    const ip = "ip" in other ? other.ip : other.pod.ip;
    if (ip === undefined) return false;
    const host = `${ip}/32`;
    if (!contains(peer.ipBlock.cidr, host)) return false;
    return !(peer.ipBlock.except ?? []).some((e) => contains(e, host));
  }
  if (!("pod" in other)) return false;
  // A podSelector alone means pods of the policy's namespace; with a namespaceSelector, of those namespaces.
  const nsOk = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, other.namespaceLabels)
    : other.pod.namespace === policyNamespace;
  const podOk = peer.podSelector ? selectorMatches(peer.podSelector, other.pod.labels) : true;
  return nsOk && podOk;
}

function portMatches(ports: PolicyPort[] | undefined, port: number, protocol: string, pod: Pod): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined) return true;
    const from = typeof p.port === "string" ? pod.namedPorts?.[p.port] : p.port;
    if (from === undefined) return false;
    return p.endPort === undefined ? port === from : port >= from && port <= p.endPort;
  });
}

/** Whether the policies let `pod` send to `to` on port/protocol (egress side only). */
export function egressAllowed(
  policies: readonly NetworkPolicyLike[],
  pod: Pod,
  to: Endpoint,
  port: number,
  protocol = "TCP",
): boolean {
  const applicable = selecting(policies, pod, "Egress");
  if (applicable.length === 0) return true;
  const target = "pod" in to ? to.pod : undefined;
  return applicable.some((p) =>
    (p.spec?.egress ?? []).some(
      (rule) =>
        (rule.to === undefined ||
          rule.to.length === 0 ||
          rule.to.some((peer) => peerMatches(peer, p.metadata.namespace ?? pod.namespace, to))) &&
        portMatches(rule.ports, port, protocol, target ?? pod),
    ),
  );
}

/** Whether the policies let `pod` receive from `from` on port/protocol (ingress side only). */
export function ingressAllowed(
  policies: readonly NetworkPolicyLike[],
  pod: Pod,
  from: Endpoint,
  port: number,
  protocol = "TCP",
): boolean {
  const applicable = selecting(policies, pod, "Ingress");
  if (applicable.length === 0) return true;
  return applicable.some((p) =>
    (p.spec?.ingress ?? []).some(
      (rule) =>
        (rule.from === undefined ||
          rule.from.length === 0 ||
          rule.from.some((peer) => peerMatches(peer, p.metadata.namespace ?? pod.namespace, from))) &&
        portMatches(rule.ports, port, protocol, pod),
    ),
  );
}

/** A connection from one pod to another: the source's egress and the destination's ingress. */
export function podToPodAllowed(
  policies: readonly NetworkPolicyLike[],
  from: { pod: Pod; namespaceLabels: Record<string, string> },
  to: { pod: Pod; namespaceLabels: Record<string, string> },
  port: number,
  protocol = "TCP",
): boolean {
  return (
    egressAllowed(policies, from.pod, to, port, protocol) &&
    ingressAllowed(policies, to.pod, from, port, protocol)
  );
}

/** An address inside a CIDR (the first usable host), for probing destinations. */
export function addressIn(cidr: string, offset = 1): string {
  const c = parseCidr(cidr);
  const n = (c.base + offset) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}
