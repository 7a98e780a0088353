import { describe, expect, it } from "vitest";
import { contains } from "../../src/core/cidr";
import { CI_TAG, ciDestinations, STAFF, tailnetPolicy } from "../../src/delivery/tailnet-policy";
import { privateSubnetRange } from "../../src/network";

const VPCS = {
  management: "10.0.0.0/16",
  dev: "10.10.0.0/16",
  preprod: "10.20.0.0/16",
  prod: "10.30.0.0/16",
};
const ROUTER = "tag:platform-subnet-router";
const API = Object.fromEntries(Object.entries(VPCS).map(([s, v]) => [s, privateSubnetRange(v)]));
const args = { routerTag: ROUTER, advertisedRoutes: Object.values(VPCS), kubernetesApi: API, argoCdApi: [] };

/** Whether the policy's grants let `src` open tcp/`port` to `ip` (Tailscale grants are allow-only). */
function reaches(p: ReturnType<typeof tailnetPolicy>, src: string, ip: string, port: number): boolean {
  return p.grants.some(
    (g) =>
      g.src.includes(src) &&
      g.ip.includes(`tcp:${port}`) &&
      g.dst.some((d) => contains(d.includes("/") ? d : `${d}/32`, `${ip}/32`)),
  );
}

describe("tailnet policy", () => {
  const p = tailnetPolicy(args);

  it("lets CI reach every cluster's private API endpoint blocks on 443, and nothing else", () => {
    for (const stack of Object.keys(VPCS)) {
      for (const block of API[stack]!) {
        const host = block.replace(/\.0\/18$/, ".25");
        expect(reaches(p, CI_TAG, host, 443), `${stack} ${host}:443`).toBe(true);
        expect(reaches(p, CI_TAG, host, 22)).toBe(false);
      }
    }
    // The data subnets (RDS, OpenSearch) and the public subnets sit in the last quarter: out of reach.
    expect(reaches(p, CI_TAG, "10.30.192.10", 443)).toBe(false);
    expect(reaches(p, CI_TAG, "10.30.204.10", 5432)).toBe(false);
    expect(p.grants.filter((g) => g.src.includes(CI_TAG)).flatMap((g) => g.ip)).toEqual(["tcp:443"]);
  });

  it("the private subnet range is where the network area puts each AZ's private subnet", () => {
    expect(API.prod).toEqual(["10.30.0.0/18", "10.30.64.0/18", "10.30.128.0/18"]);
  });

  it("adds ArgoCD's API as a named destination on 443 when it has an address", () => {
    const withArgo = tailnetPolicy({ ...args, argoCdApi: ["10.0.2.40"] });
    expect(ciDestinations({ kubernetesApi: API, argoCdApi: ["10.0.2.40"] })).toContain("10.0.2.40");
    expect(reaches(withArgo, CI_TAG, "10.0.2.40", 443)).toBe(true);
    expect(() => tailnetPolicy({ ...args, argoCdApi: ["192.168.1.10"] })).toThrow(
      /outside every advertised route/,
    );
  });

  it("lets staff reach the advertised VPCs on 443 only", () => {
    expect(reaches(p, STAFF, "10.20.5.5", 443)).toBe(true);
    expect(reaches(p, STAFF, "10.20.5.5", 5432)).toBe(false);
  });

  it("auto-approves exactly the advertised routes for the routers, and lets the automation credential own the tags", () => {
    expect(p.autoApprovers.routes).toEqual(Object.fromEntries(Object.values(VPCS).map((r) => [r, [ROUTER]])));
    expect(p.tagOwners[CI_TAG]).toContain("tag:platform-automation");
    expect(p.tagOwners[ROUTER]).toContain("tag:platform-automation");
  });

  it("carries policy tests Tailscale runs on save: CI accepted on 443 to an API block, denied elsewhere", () => {
    const accept = p.tests.flatMap((t) => t.accept ?? []);
    const deny = p.tests.flatMap((t) => t.deny ?? []);
    expect(accept).toContain("10.30.0.10:443");
    expect(deny).toEqual(expect.arrayContaining(["10.30.0.10:22", "10.30.255.10:443", "10.30.255.10:5432"]));
    for (const t of accept) expect(reaches(p, CI_TAG, t.split(":")[0]!, 443)).toBe(true);
    for (const t of deny) {
      const [ip, port] = t.split(":");
      expect(reaches(p, CI_TAG, ip!, Number(port))).toBe(false);
    }
  });
});
