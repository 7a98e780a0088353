import { describe, expect, it } from "vitest";
import { VERSIONS } from "../../src/core/versions";
import { expectConfigError, stackValue } from "../support/harness";

type Org = {
  accounts: Record<"test" | "preprod" | "prod", { name: string; email: string; ou: string }>;
  allowedRegions: string[];
};
type Ic = {
  assignments: { group: string; permissionSet: string; accounts: string[] }[];
  secretsEditorPermissionSets: string[];
};

const org = () => stackValue<Org>("management", "platform:organization");
const ic = () => stackValue<Ic>("management", "platform:identityCenter");

describe("management config rules", () => {
  it("rejects two member accounts sharing a root email", async () => {
    const o = org();
    o.accounts.prod.email = o.accounts.test.email.toUpperCase();
    await expectConfigError(
      "management",
      { "platform:organization": o },
      /platform:organization\.accounts\.prod\.email/,
      /already the email of the test account/,
      /Pulumi\.management\.yaml/,
    );
  });

  it("rejects an assignment naming an unknown permission set", async () => {
    const i = ic();
    i.assignments.push({ group: "developers", permissionSet: "Admin", accounts: ["test"] });
    await expectConfigError(
      "management",
      { "platform:identityCenter": i },
      /platform:identityCenter\.assignments\[4\]\.permissionSet: unknown permission set "Admin"; expected one of PlatformAdmin, Developer, ReadOnly, SupportTeam/,
    );
  });

  it("rejects an assignment naming an unknown account", async () => {
    const i = ic();
    i.assignments[1]!.accounts.push("staging");
    await expectConfigError(
      "management",
      { "platform:identityCenter": i },
      /platform:identityCenter\.assignments\[1\]\.accounts\[2\]: unknown account "staging"; expected one of management, test, preprod, prod/,
    );
  });

  it("rejects giving developers a writable permission set in prod", async () => {
    const i = ic();
    i.assignments[1]!.accounts.push("prod");
    await expectConfigError(
      "management",
      { "platform:identityCenter": i },
      /platform:identityCenter\.assignments\[1\]\.accounts\[2\]: permission set "Developer" has prodAccess: false/,
    );
  });

  it("rejects a secrets-editor permission set that does not exist", async () => {
    const i = ic();
    i.secretsEditorPermissionSets = ["Developers"];
    await expectConfigError(
      "management",
      { "platform:identityCenter": i },
      /platform:identityCenter\.secretsEditorPermissionSets\[0\]: unknown permission set "Developers"/,
    );
  });

  it("rejects a region allow-list without the stack's own region", async () => {
    const o = org();
    o.allowedRegions = ["eu-west-1"];
    await expectConfigError(
      "management",
      { "platform:organization": o },
      /platform:organization\.allowedRegions: must include eu-west-2, the region of this stack/,
    );
  });

  it("rejects moving the prod account out of the prod OU", async () => {
    const o = org();
    o.accounts.prod.ou = "preprod";
    await expectConfigError(
      "management",
      { "platform:organization": o },
      /platform:organization\.accounts\.prod\.ou: the prod account must sit in the prod OU/,
    );
  });

  it("rejects a VPN client range that overlaps an environment VPC", async () => {
    await expectConfigError(
      "management",
      { "platform:transit": { amazonSideAsn: 64512, vpnClientCidr: "10.30.128.0/20" } },
      /platform:transit\.vpnClientCidr: 10\.30\.128\.0\/20 overlaps the VPC of the prod stack \(10\.30\.0\.0\/16\)/,
    );
  });

  it("rejects a public ASN and a malformed email through the schema", async () => {
    const o = org();
    o.accounts.test.email = "not-an-email";
    await expectConfigError(
      "management",
      { "platform:organization": o, "platform:transit": { amazonSideAsn: 7224 } },
      /platform:organization\.accounts\.test\.email: expected an email address/,
      /platform:transit\.amazonSideAsn: expected a private ASN/,
    );
  });

  it("keeps the management keys out of the environment stacks", async () => {
    await expectConfigError(
      "dev",
      { "platform:transit": { amazonSideAsn: 64512 } },
      /platform:transit: unknown key/,
    );
  });

  it("rejects a Lambda image repository the stack does not create", async () => {
    const registries = stackValue<Record<string, unknown>>("management", "platform:registries");
    await expectConfigError(
      "management",
      { "platform:registries": { ...registries, lambdaImages: ["payments-worker", "worker"] } },
      /platform:registries\.lambdaImages\[1\]: "worker" is not one of platform:registries\.images/,
    );
  });

  it("creates a repository for every image the environment clusters run from the mirror", () => {
    const images = stackValue<{ images: string[] }>("management", "platform:registries").images;
    for (const mirrored of Object.values(VERSIONS.images.mirrored))
      expect(images).toContain(mirrored.repository);
  });
});
