import { describe, expect, it } from "vitest";
import { contains, formatCidr, overlaps, parseCidr, subnet } from "../../src/core/cidr";

describe("CIDR arithmetic", () => {
  it("round-trips a network block", () => {
    expect(formatCidr(parseCidr("10.30.192.0/22"))).toBe("10.30.192.0/22");
  });

  it.each([
    ["10.0.0.1/16", /host bits are set.*10\.0\.0\.0\/16/],
    ["10.0.0.0", /not an IPv4 CIDR/],
    ["256.0.0.0/8", /above 255/],
    ["10.0.0.0/33", /above 32/],
  ])("rejects %s", (text, message) => {
    expect(() => parseCidr(text)).toThrow(message);
  });

  it("detects overlap in either direction and adjacency as no overlap", () => {
    expect(overlaps("10.0.0.0/16", "10.0.128.0/20")).toBe(true);
    expect(overlaps("10.0.128.0/20", "10.0.0.0/16")).toBe(true);
    expect(overlaps("10.0.0.0/16", "10.1.0.0/16")).toBe(false);
  });

  it("carves indexed blocks and refuses out-of-range indexes", () => {
    const vpc = parseCidr("10.20.0.0/16");
    expect(formatCidr(subnet(vpc, 18, 3))).toBe("10.20.192.0/18");
    expect(() => subnet(vpc, 18, 4)).toThrow(/holds 4 \/18 blocks/);
    expect(contains("10.20.0.0/16", "10.20.255.0/24")).toBe(true);
    expect(contains("10.20.0.0/16", "10.21.0.0/24")).toBe(false);
  });
});
