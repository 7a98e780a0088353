import { describe, expect, it } from "vitest";
import { IMPORTED_ORGANIZATION_ID } from "../support/evaluations";
import { expectConfigError, named, planStack, planVariant } from "../support/harness";

/**
 * The organization exists before the management stack (Identity Center needs one, README
 * "Bootstrap", step 1), so the first management run adopts it. It must land exactly where the full
 * program registers it (same name, parent component and provider), or the next run would plan to
 * create a second organization, which AWS refuses.
 */
describe("the first management run with platform:organization.importExisting", () => {
  it("adopts the organization and registers nothing else", async () => {
    const plan = await planVariant("management:import");
    expect(plan.resources.map((r) => `${r.type}::${r.name}`).sort()).toEqual([
      "aws:organizations/organization:Organization::organization",
      "platform:organization:Organization::organization",
      "pulumi:providers:aws::aws",
    ]);
    const org = named(plan, "aws:organizations/organization:Organization", "organization");
    expect(org.importId).toBe(IMPORTED_ORGANIZATION_ID);
    expect(org.protect).toBe(true);
  });

  it("puts it where the full run registers it: same parent component, type and provider", async () => {
    const imported = named(
      await planVariant("management:import"),
      "aws:organizations/organization:Organization",
      "organization",
    );
    const full = named(
      await planStack("management"),
      "aws:organizations/organization:Organization",
      "organization",
    );
    expect([imported.components, imported.componentType, imported.provider]).toEqual([
      full.components,
      full.componentType,
      full.provider,
    ]);
    // The full run changes nothing about how it is adopted: no import left behind.
    expect(full.importId).toBeUndefined();
  });

  it("refuses what is not an organization id", async () => {
    await expectConfigError(
      "management",
      { "platform:organization": { importExisting: "123456789012" } },
      /platform:organization\.importExisting: expected an organization id \(o-…\)/,
    );
  });
});
