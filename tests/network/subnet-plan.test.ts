import { describe, expect, it } from "vitest";
import { cidrSize, contains, overlaps, parseCidr } from "../../src/core/cidr";
import { planSubnets, subnetsOf } from "../../src/network/subnet-plan";

const AZS = ["eu-west-2a", "eu-west-2b", "eu-west-2c"];

describe("subnet plan", () => {
  it.each(["10.30.0.0/16", "10.40.0.0/18", "172.16.16.0/20"])(
    "%s: one subnet per tier per AZ, disjoint, inside the VPC",
    (vpc) => {
      const plan = planSubnets(vpc, AZS);
      expect(plan.subnets).toHaveLength(9);
      for (const tier of ["public", "private", "data"] as const) {
        expect(subnetsOf(plan, tier).map((s) => s.az)).toEqual(AZS);
      }
      const all = [...plan.subnets.map((s) => s.cidr), ...plan.reserved];
      for (const c of all) expect(contains(vpc, c)).toBe(true);
      for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++)
          expect(overlaps(all[i]!, all[j]!), `${all[i]} vs ${all[j]}`).toBe(false);
      }
      // Used and reserved space together account for the whole VPC.
      const total = all.reduce((n, c) => n + cidrSize(parseCidr(c)), 0);
      expect(total).toBe(cidrSize(parseCidr(vpc)));
    },
  );

  it("gives the private tier most of the space and the public tier little", () => {
    const plan = planSubnets("10.30.0.0/16", AZS);
    const size = (tier: "public" | "private" | "data") =>
      subnetsOf(plan, tier).reduce((n, s) => n + cidrSize(parseCidr(s.cidr)), 0);
    expect(size("private") / 65536).toBe(0.75);
    expect(size("public")).toBeLessThanOrEqual(size("private") / 16);
    expect(plan.reserved.length).toBeGreaterThan(0);
  });

  it("keeps the space of missing AZs reserved so a third AZ can be added without renumbering", () => {
    const two = planSubnets("10.10.0.0/16", AZS.slice(0, 2));
    const three = planSubnets("10.10.0.0/16", AZS);
    for (const s of two.subnets) expect(three.subnets).toContainEqual(s);
  });

  it("refuses repeated or too many AZs", () => {
    expect(() => planSubnets("10.0.0.0/16", ["eu-west-2a", "eu-west-2a"])).toThrow(/repeat/);
    expect(() => planSubnets("10.0.0.0/16", [...AZS, "eu-west-2d"])).toThrow(/1 to 3/);
  });
});
