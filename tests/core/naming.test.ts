import { describe, expect, it } from "vitest";
import { azSuffix, boundedName, clusterName, physicalName } from "../../src/core/naming";

const ctx = { project: "platform", stack: "prod" };

describe("naming", () => {
  it("prefixes physical names with project and stack and normalises parts", () => {
    expect(physicalName(ctx, "VPC Flow_Logs")).toBe("platform-prod-vpc-flow-logs");
    expect(clusterName(ctx)).toBe("platform-prod-eks");
  });

  it("bounds names without leaving a trailing dash", () => {
    const name = boundedName(ctx, 20, "payments", "worker", "execution");
    expect(name.length).toBeLessThanOrEqual(20);
    expect(name.endsWith("-")).toBe(false);
  });

  it("derives the AZ suffix and rejects non-AZ names", () => {
    expect(azSuffix("eu-west-2c")).toBe("c");
    expect(() => azSuffix("eu-west-2")).toThrow(/not an availability zone/);
  });
});
