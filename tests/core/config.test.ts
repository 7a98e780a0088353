import { describe, expect, it } from "vitest";
import { overlaps } from "../../src/core/cidr";
import { ConfigError } from "../../src/core/config-loader";
import { STACK_NAMES } from "../../src/core/environments";
import { toPulumiConfig } from "../../src/plan/stack-files";
import { parseStackConfig, withCiRole } from "../../src/stack-config";
import { configFor, networkWith, rawConfig, STACK_FILES } from "./config-fixtures";

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("the committed stack files", () => {
  it.each(STACK_NAMES)("%s validates into the model with the platform tags", (stack) => {
    const cfg = configFor(stack);
    expect(cfg.stack).toBe(stack);
    expect(cfg.tags).toMatchObject({ Project: "platform", Environment: stack, ManagedBy: "pulumi" });
    expect(cfg.tags.Owner).not.toBe("");
    expect(cfg.tags.CostCenter).not.toBe("");
  });

  it("plan four pairwise disjoint VPCs", () => {
    const cidrs = STACK_NAMES.map(
      (s) => (STACK_FILES[s]?.["platform:network"] as { vpcCidr?: string } | undefined)?.vpcCidr ?? "",
    );
    for (let i = 0; i < cidrs.length; i++) {
      for (let j = i + 1; j < cidrs.length; j++) expect(overlaps(cidrs[i]!, cidrs[j]!)).toBe(false);
    }
  });
});

describe("configuration errors name the stack, the file, the key and what was expected", () => {
  it("a missing key", () => {
    const err = errorOf(() => configFor("prod", { "platform:owner": undefined }));
    expect(err.message).toContain('Invalid configuration for stack "prod" (Pulumi.prod.yaml)');
    expect(err.message).toMatch(/platform:owner: required key is missing \(expected string\)/);
  });

  it("a misspelled top-level key", () => {
    const net = STACK_FILES.prod?.["platform:network"];
    const err = errorOf(() => configFor("prod", { "platform:network": undefined, "platform:netwrok": net }));
    expect(err.message).toMatch(/platform:netwrok: unknown key/);
    expect(err.message).toMatch(/platform:network: required key is missing/);
  });

  it("a misspelled nested key", () => {
    const err = errorOf(() =>
      configFor("dev", { "platform:network": networkWith("dev", { natGateway: "single" }) }),
    );
    expect(err.message).toMatch(/platform:network\.natGateway: unknown key/);
  });

  it("a mistyped value", () => {
    const err = errorOf(() =>
      configFor("dev", { "platform:network": networkWith("dev", { flowLogRetentionDays: "90" }) }),
    );
    expect(err.message).toMatch(
      /platform:network\.flowLogRetentionDays: expected one of the CloudWatch Logs retention periods/,
    );
  });

  it("an account id that is not 12 digits", () => {
    const err = errorOf(() => configFor("dev", { "platform:accountId": "12345" }));
    expect(err.message).toMatch(/platform:accountId: expected a 12-digit AWS account id/);
  });

  it.each([
    ["10.30.0.0/24", /between \/16 and \/20; "10\.30\.0\.0\/24" is a \/24/],
    ["10.32.0.0/12", /between \/16 and \/20; "10\.32\.0\.0\/12" is a \/12/],
    ["10.30.0.1/16", /host bits are set/],
    ["10.300.0.0/16", /octet above 255/],
    ["ten/16", /expected an IPv4 CIDR block/],
  ])("a VPC CIDR %s", (vpcCidr, message) => {
    const err = errorOf(() => configFor("prod", { "platform:network": networkWith("prod", { vpcCidr }) }));
    expect(err.message).toMatch(/platform:network\.vpcCidr: /);
    expect(err.message).toMatch(message);
  });

  it.each([
    ["prod", "10.20.0.0/16", "preprod"],
    ["dev", "10.0.0.0/20", "management"],
    ["management", "10.30.128.0/17", "prod"],
  ])("a %s VPC CIDR %s overlapping the %s stack", (stack, vpcCidr, other) => {
    const err = errorOf(() => configFor(stack, { "platform:network": networkWith(stack, { vpcCidr }) }));
    expect(err.message).toMatch(
      new RegExp(
        `platform:network\\.vpcCidr: ${vpcCidr.replace(/\./g, "\\.")} overlaps the ${other} stack's VPC .* \\(Pulumi\\.${other}\\.yaml\\)`,
      ),
    );
  });

  it.each(["preprod", "prod"])("fewer than 3 AZs in %s", (stack) => {
    const err = errorOf(() =>
      configFor(stack, {
        "platform:network": networkWith(stack, { availabilityZones: ["eu-west-2a", "eu-west-2b"] }),
      }),
    );
    expect(err.message).toMatch(
      new RegExp(
        `platform:network\\.availabilityZones: ${stack} is production-grade and needs 3 availability zones; got 2`,
      ),
    );
  });

  it("2 AZs are allowed in dev", () => {
    const cfg = configFor("dev", {
      "platform:network": networkWith("dev", { availabilityZones: ["eu-west-2a", "eu-west-2b"] }),
    });
    expect(cfg.network.availabilityZones).toHaveLength(2);
  });

  it.each(["preprod", "prod"])("a single shared NAT gateway in %s", (stack) => {
    const err = errorOf(() =>
      configFor(stack, { "platform:network": networkWith(stack, { natGateways: "single" }) }),
    );
    expect(err.message).toMatch(
      /platform:network\.natGateways: .* must run one NAT gateway per AZ \("perAz"\)/,
    );
  });

  it("a single NAT gateway is allowed in dev", () => {
    expect(
      configFor("dev", { "platform:network": networkWith("dev", { natGateways: "single" }) }).network
        .natGateways,
    ).toBe("single");
  });

  it("an AZ outside the stack's region", () => {
    const err = errorOf(() =>
      configFor("prod", {
        "platform:network": networkWith("prod", {
          availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        }),
      }),
    );
    expect(err.message).toMatch(
      /platform:network\.availabilityZones: every AZ must be in the stack's region eu-west-2/,
    );
  });

  it("a missing required interface endpoint", () => {
    const err = errorOf(() =>
      configFor("prod", { "platform:network": networkWith("prod", { interfaceEndpoints: ["sts"] }) }),
    );
    expect(err.message).toMatch(/platform:network\.interfaceEndpoints: must include ecr\.api, ecr\.dkr/);
  });

  it("an unknown stack name", () => {
    const err = errorOf(() => configFor("staging"));
    expect(err.message).toMatch(/unknown stack "staging"; expected one of management, dev, preprod, prod/);
  });

  it("lists every problem at once", () => {
    const err = errorOf(() =>
      configFor("prod", {
        "platform:owner": "",
        "platform:accountId": "1",
        "platform:costCenter": undefined,
      }),
    );
    expect(err.issues.map((i) => i.key)).toEqual(
      expect.arrayContaining(["platform:owner", "platform:accountId", "platform:costCenter"]),
    );
  });
});

describe("VPC uniqueness across the repository's stack files", () => {
  it("rejects two other stacks whose VPCs overlap, naming both files", () => {
    const stackFiles = structuredClone(STACK_FILES);
    (stackFiles.prod!["platform:network"] as { vpcCidr: string }).vpcCidr = "10.10.0.0/16";
    const err = errorOf(() =>
      parseStackConfig({
        stack: "management",
        config: toPulumiConfig(rawConfig("management")).values,
        stackFiles,
      }),
    );
    expect(err.message).toMatch(
      /platform:network\.vpcCidr: the dev and prod stacks' VPCs overlap \(10\.10\.0\.0\/16 in Pulumi\.dev\.yaml, 10\.10\.0\.0\/16 in Pulumi\.prod\.yaml\)/,
    );
  });
});

describe("the deploy role", () => {
  it.each(STACK_NAMES)("of %s is in the stack's own account", (stack) => {
    const cfg = configFor(stack);
    expect(cfg.deployRoleArn?.split(":")[4]).toBe(cfg.accountId);
  });

  it("is refused when it lives in another account, naming the key, both accounts and the file", () => {
    const err = errorOf(() =>
      configFor("prod", { "platform:deployRoleArn": "arn:aws:iam::529381746102:role/platform-deploy" }),
    );
    expect(err.message).toContain("Pulumi.prod.yaml");
    expect(err.message).toMatch(
      /platform:deployRoleArn: arn:aws:iam::529381746102:role\/platform-deploy is a role in account 529381746102, but this stack deploys into 751029384756 \(platform:accountId\)/,
    );
  });
});

describe("the role CI previews act through", () => {
  it("is the stack's read-only platform-preview when PLATFORM_CI_ROLE=preview, the deploy role otherwise", () => {
    const prod = configFor("prod");
    expect(withCiRole(prod, undefined).deployRoleArn).toBe("arn:aws:iam::751029384756:role/platform-deploy");
    expect(withCiRole(prod, "deploy").deployRoleArn).toBe("arn:aws:iam::751029384756:role/platform-deploy");
    expect(withCiRole(prod, "preview").deployRoleArn).toBe("arn:aws:iam::751029384756:role/platform-preview");
    // … and the areas that reach other accounts assume the read-only counterparts there.
    expect(withCiRole(prod, "preview").readOnly).toBe(true);
    expect(withCiRole(prod, "deploy").readOnly).toBeUndefined();
    expect(() => withCiRole(prod, "admin")).toThrow(
      /PLATFORM_CI_ROLE must be "deploy" or "preview"; got "admin"/,
    );
  });
});
