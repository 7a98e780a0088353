import { describe, expect, it } from "vitest";
import {
  MANAGEMENT_OUTPUT_NAMES,
  ManagementOutputsError,
  parseManagementOutputs,
} from "../../src/core/management-outputs";
import { planStack } from "../support/harness";

const REF = "organization/platform/management";

describe("the contract between the management stack and the environments", () => {
  it("is met by what the management stack exports", async () => {
    const { outputs } = await planStack("management");
    const parsed = parseManagementOutputs(outputs, REF);
    expect(Object.keys(parsed).sort()).toEqual([...MANAGEMENT_OUTPUT_NAMES].sort());
    for (const name of MANAGEMENT_OUTPUT_NAMES) expect(parsed[name]).toEqual(outputs[name]);
  });

  it("names a missing output and the management stack", async () => {
    const { outputs } = await planStack("management");
    const { transitGatewayId: _, ...rest } = outputs;
    expect(() => parseManagementOutputs(rest, REF)).toThrow(ManagementOutputsError);
    expect(() => parseManagementOutputs(rest, REF)).toThrow(
      /The management stack \(organization\/platform\/management\) does not provide what this stack reads:\n {2}- output transitGatewayId: missing\nApply the management stack first/,
    );
  });

  it("names a malformed output and what was expected", async () => {
    const { outputs } = await planStack("management");
    expect(() =>
      parseManagementOutputs(
        { ...outputs, networkHubRoleArn: "platform-network-hub", vpcCidr: "10.0.0.0/8" },
        REF,
      ),
    ).toThrow(
      /output vpcCidr: expected an IPv4 block between \/16 and \/20[\s\S]*output networkHubRoleArn: expected an IAM role ARN/,
    );
  });
});
