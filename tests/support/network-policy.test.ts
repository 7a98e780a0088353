import { describe, expect, it } from "vitest";
import {
  addressIn,
  egressAllowed,
  ingressAllowed,
  type NetworkPolicyLike,
  type Pod,
  podToPodAllowed,
  selectorMatches,
} from "./network-policy";

/** The NetworkPolicy evaluator the chart's reachability tests stand on. */

const ns = "app";
const nsLabels = { "kubernetes.io/metadata.name": ns };
const web: Pod = { namespace: ns, labels: { app: "web" }, ip: "10.0.1.10", namedPorts: { http: 8080 } };
const api: Pod = { namespace: ns, labels: { app: "api" }, ip: "10.0.1.11", namedPorts: { http: 8080 } };
const dns: Pod = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, ip: "10.0.2.2" };
const pol = (name: string, spec: NetworkPolicyLike["spec"]): NetworkPolicyLike => ({
  metadata: { name, namespace: ns },
  spec,
});
const denyAll = pol("deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

describe("NetworkPolicy evaluation", () => {
  it("allows everything for a pod no policy selects, and nothing once a default deny does", () => {
    expect(egressAllowed([], web, { ip: "1.1.1.1" }, 443)).toBe(true);
    expect(egressAllowed([denyAll], web, { ip: "1.1.1.1" }, 443)).toBe(false);
    expect(ingressAllowed([denyAll], web, { ip: "1.1.1.1" }, 8080)).toBe(false);
    // An egress-only policy leaves ingress open.
    const egressOnly = pol("e", { podSelector: {}, policyTypes: ["Egress"] });
    expect(ingressAllowed([egressOnly], web, { ip: "1.1.1.1" }, 8080)).toBe(true);
    // Without policyTypes, a policy with egress rules is of both types; one without, Ingress only.
    expect(egressAllowed([pol("i", { podSelector: {} })], web, { ip: "1.1.1.1" }, 1)).toBe(true);
    expect(egressAllowed([pol("x", { podSelector: {}, egress: [] })], web, { ip: "1.1.1.1" }, 1)).toBe(false);
  });

  it("matches ipBlocks with their exceptions, ports with protocol (TCP by default), ranges and names", () => {
    const p = pol("p", {
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.0.9.0/24"] } }],
          ports: [{ port: 5432 }, { port: 53, protocol: "UDP" }, { port: 8000, endPort: 8010 }],
        },
      ],
    });
    expect(egressAllowed([p], web, { ip: "10.0.3.4" }, 5432)).toBe(true);
    expect(egressAllowed([p], web, { ip: "10.0.9.4" }, 5432)).toBe(false);
    expect(egressAllowed([p], web, { ip: "10.1.0.1" }, 5432)).toBe(false);
    expect(egressAllowed([p], web, { ip: "10.0.3.4" }, 443)).toBe(false);
    expect(egressAllowed([p], web, { ip: "10.0.3.4" }, 5432, "UDP")).toBe(false);
    expect(egressAllowed([p], web, { ip: "10.0.3.4" }, 53, "UDP")).toBe(true);
    expect(egressAllowed([p], web, { ip: "10.0.3.4" }, 8005)).toBe(true);
    expect(egressAllowed([p], web, { ip: "10.0.3.4" }, 8011)).toBe(false);
    // Another pod is not selected by it.
    expect(egressAllowed([p], api, { ip: "1.1.1.1" }, 443)).toBe(true);
    const named = pol("n", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ port: "http" }] }],
    });
    expect(ingressAllowed([named], web, { ip: "9.9.9.9" }, 8080)).toBe(true);
    expect(ingressAllowed([named], web, { ip: "9.9.9.9" }, 8081)).toBe(false);
  });

  it("unions the rules of every selecting policy, and treats absent peers or ports as all", () => {
    const a = pol("a", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 443 }] }] });
    const b = pol("b", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "192.0.2.0/24" } }] }],
    });
    expect(egressAllowed([a, b], web, { ip: "8.8.8.8" }, 443)).toBe(true);
    expect(egressAllowed([a, b], web, { ip: "192.0.2.7" }, 22)).toBe(true);
    expect(egressAllowed([a, b], web, { ip: "8.8.8.8" }, 22)).toBe(false);
  });

  it("resolves pod and namespace selectors: a podSelector alone stays in the policy's namespace", () => {
    const toDns = pol("dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [{ port: 53, protocol: "UDP" }],
        },
      ],
    });
    const kubeSystem = { "kubernetes.io/metadata.name": "kube-system" };
    expect(egressAllowed([toDns], web, { pod: dns, namespaceLabels: kubeSystem }, 53, "UDP")).toBe(true);
    expect(egressAllowed([toDns], web, { pod: dns, namespaceLabels: nsLabels }, 53, "UDP")).toBe(false);
    // An ipBlock never matches a pod without an IP, a pod selector never matches a bare address.
    const toApi = pol("api", {
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: { matchLabels: { app: "api" } } }], ports: [{ port: 8080 }] }],
    });
    expect(egressAllowed([toApi], web, { ip: api.ip! }, 8080)).toBe(false);
    const otherNs: Pod = { ...api, namespace: "other" };
    expect(egressAllowed([toApi], web, { pod: otherNs, namespaceLabels: {} }, 8080)).toBe(false);
    expect(egressAllowed([toApi], web, { pod: api, namespaceLabels: nsLabels }, 8080)).toBe(true);
  });

  it("needs both the source's egress and the destination's ingress between pods", () => {
    const egress = pol("e", {
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: { matchLabels: { app: "api" } } }] }],
    });
    const ingress = pol("i", {
      podSelector: { matchLabels: { app: "api" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ port: 8080 }] }],
    });
    const w = { pod: web, namespaceLabels: nsLabels };
    const a = { pod: api, namespaceLabels: nsLabels };
    expect(podToPodAllowed([denyAll, egress, ingress], w, a, 8080)).toBe(true);
    expect(podToPodAllowed([denyAll, egress], w, a, 8080)).toBe(false);
    expect(podToPodAllowed([denyAll, ingress], w, a, 8080)).toBe(false);
    expect(podToPodAllowed([denyAll, egress, ingress], a, w, 8080)).toBe(false);
  });

  it("evaluates selector expressions and refuses unknown operators", () => {
    const labels = { tier: "web", env: "prod" };
    expect(
      selectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }] }, labels),
    ).toBe(true);
    expect(
      selectorMatches({ matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] }, labels),
    ).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "x", operator: "DoesNotExist" }] }, labels)).toBe(
      true,
    );
    expect(() => selectorMatches({ matchExpressions: [{ key: "x", operator: "Near" }] }, labels)).toThrow();
    expect(addressIn("10.30.208.0/22")).toBe("10.30.208.1");
  });
});
