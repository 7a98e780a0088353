import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  BaseEnvironmentOutputsError,
  parseBaseEnvironmentOutputs,
} from "../../src/core/base-environment-outputs";
import { ConfigError, readChartVersion, readStackFiles } from "../../src/core/config-loader";
import {
  isMalformedPrStackName,
  isPrStackName,
  PR_BASE_ENVIRONMENT,
  prNumber,
  prStackName,
} from "../../src/core/environments";
import { parseAnyStackConfig, parseStackConfig } from "../../src/stack-config";
import { stackValue } from "../support/harness";

const ROOT = path.resolve(__dirname, "..", "..");
const parse = (stack: string, config: Record<string, string> = {}) =>
  parseAnyStackConfig({
    stack,
    config,
    stackFiles: readStackFiles(ROOT),
    latestChartVersion: readChartVersion(ROOT),
  });

function configError(stack: string, config: Record<string, string> = {}): ConfigError {
  try {
    parse(stack, config);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${stack} to be refused`);
}

describe("PR environment stack names", () => {
  it.each(["pr-1", "pr-123", "pr-999999"])("accepts %s", (name) => {
    expect(isPrStackName(name)).toBe(true);
    expect(prStackName(prNumber(name as `pr-${number}`))).toBe(name);
  });

  it.each(["pr-0", "pr-0123", "pr-abc", "pr-", "pr", "PR-12", "pr_12", "pr12", "pr-1234567", "pr-12-x"])(
    "refuses %s with a message naming the expected form",
    (name) => {
      expect(isPrStackName(name)).toBe(false);
      expect(isMalformedPrStackName(name)).toBe(true);
      const err = configError(name);
      expect(err.message).toContain(`Invalid configuration for stack "${name}"`);
      expect(err.message).toMatch(
        /expected pr-<number>, the pull request's number without leading zeros \(pr-123\)/,
      );
    },
  );

  it("names PR environments among the valid stacks when a stack is unknown", () => {
    expect(configError("staging").message).toMatch(/expected one of .*prod, or a PR environment pr-<number>/);
    expect(isMalformedPrStackName("prod")).toBe(false);
  });

  it("refuses a malformed PR name on the plain platform path too", () => {
    expect(() => parseStackConfig({ stack: "pr-x", config: {}, stackFiles: readStackFiles(ROOT) })).toThrow(
      /not a PR environment stack name/,
    );
  });
});

describe("a PR environment's model", () => {
  const cfg = parse("pr-123");

  it("derives from the base environment's stack file without a stack file of its own", () => {
    expect(PR_BASE_ENVIRONMENT).toBe("dev");
    expect(cfg).toMatchObject({
      role: "pr",
      stack: "pr-123",
      pullRequest: 123,
      base: "dev",
      accountId: stackValue<string>("dev", "platform:accountId"),
      region: stackValue<string>("dev", "aws:region"),
      namespace: "payments-pr-123",
      secretPrefix: "pr-123/payments/",
      deployRoleArn: `arn:aws:iam::${stackValue<string>("dev", "platform:accountId")}:role/platform-pr-environments`,
    });
    expect(cfg.role === "pr" && cfg.tags).toMatchObject({
      Environment: "pr-123",
      PullRequest: "123",
      ManagedBy: "pulumi",
    });
  });

  it("deploys with the PR environments' role, never the base's deploy role", () => {
    expect(cfg.role === "pr" && cfg.deployRoleArn).not.toBe(
      stackValue<string>("dev", "platform:deployRoleArn"),
    );
  });

  it("refuses platform settings of its own, naming its stack file and the base's", () => {
    const err = configError("pr-7", { "platform:owner": "someone", "aws:region": "eu-west-2" });
    expect(err.message).toContain('Invalid configuration for stack "pr-7" (Pulumi.pr-7.yaml)');
    expect(err.message).toContain(
      "platform:owner: a PR environment takes its settings from Pulumi.dev.yaml; remove platform:owner from Pulumi.pr-7.yaml",
    );
  });

  it("refuses another region than its base's", () => {
    expect(configError("pr-7", { "aws:region": "eu-west-1" }).message).toContain(
      "aws:region: a PR environment runs in its base environment's region (eu-west-2, Pulumi.dev.yaml); got eu-west-1",
    );
  });

  it("reports the base stack file's own errors", () => {
    const files = readStackFiles(ROOT);
    const broken = { ...files, dev: { ...files.dev, "platform:owner": "" } };
    expect(() => parseAnyStackConfig({ stack: "pr-5", config: {}, stackFiles: broken })).toThrow(
      /Invalid configuration for stack "dev" \(Pulumi\.dev\.yaml\):\n {2}- platform:owner: must not be empty/,
    );
  });
});

describe("the base environment's outputs contract", () => {
  const valid = {
    accountId: "529381746102",
    region: "eu-west-2",
    vpcId: "vpc-0123456789abcdef0",
    clusterName: "platform-dev-eks",
    clusterEndpoint: "https://ABC.gr7.eu-west-2.eks.amazonaws.com",
    clusterCertificateAuthority: Buffer.from("ca").toString("base64"),
  };

  it("keeps the contract's keys and nothing else", () => {
    expect(parseBaseEnvironmentOutputs({ ...valid, extra: 1 }, "o/platform/dev")).toEqual(valid);
  });

  it("names every missing or malformed output and how to fix it", () => {
    const { clusterEndpoint: _, ...missing } = valid;
    let caught: unknown;
    try {
      parseBaseEnvironmentOutputs({ ...missing, vpcId: "subnet-1" }, "o/platform/dev");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BaseEnvironmentOutputsError);
    const message = (caught as Error).message;
    expect(message).toContain("The dev stack (o/platform/dev) does not provide what a PR environment reads");
    expect(message).toContain("output clusterEndpoint: missing");
    expect(message).toContain("output vpcId: expected a VPC id (vpc-…)");
    expect(message).toContain("pulumi up -s dev");
  });
});
