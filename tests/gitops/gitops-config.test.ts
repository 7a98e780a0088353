import semver from "semver";
import { describe, expect, it } from "vitest";
import { ConfigError, readChartVersion } from "../../src/core/config-loader";
import { compareVersions } from "../../src/gitops/gitops-config";
import { toPulumiConfig } from "../../src/plan/stack-files";
import { type PlatformConfig, parseStackConfig } from "../../src/stack-config";
import { rawConfig, STACK_FILES } from "../core/config-fixtures";
import { expectConfigError } from "../support/harness";

/** Every rule of `platform:gitops`, checked by its message. */

const CHART_VERSION = readChartVersion();

/** Validates a committed stack file with keys replaced, as the program does (Chart.yaml included). */
function configWith(
  stack: string,
  overrides: Record<string, unknown>,
  stackFiles: typeof STACK_FILES = STACK_FILES,
): PlatformConfig {
  return parseStackConfig({
    stack,
    config: toPulumiConfig(rawConfig(stack, overrides)).values,
    stackFiles,
    latestChartVersion: CHART_VERSION,
  });
}

function issues(stack: string, overrides: Record<string, unknown>, stackFiles?: typeof STACK_FILES): string {
  try {
    configWith(stack, overrides, stackFiles);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a configuration error");
}

const gitops = (stack: string, fields: Record<string, unknown>) => ({
  "platform:gitops": { ...(rawConfig(stack)["platform:gitops"] as object), ...fields },
});

describe("platform:gitops in the environments", () => {
  it("the committed stack files are valid: dev and preprod sync automatically, prod by hand", () => {
    const sync = Object.fromEntries(
      ["dev", "preprod", "prod"].map((s) => {
        const cfg = configWith(s, {});
        if (cfg.role !== "environment") throw new Error("not an environment");
        return [s, cfg.gitops.autoSync];
      }),
    );
    expect(sync).toEqual({ dev: true, preprod: true, prod: false });
  });

  it("is required", () => {
    expect(issues("dev", { "platform:gitops": undefined })).toMatch(
      /platform:gitops: required key is missing/,
    );
  });

  it("prod never syncs automatically", () => {
    expect(issues("prod", gitops("prod", { autoSync: true }))).toMatch(
      /platform:gitops\.autoSync: prod is synced by hand after the release is approved: set autoSync: false/,
    );
    expect(configWith("preprod", gitops("preprod", { autoSync: false })).stack).toBe("preprod");
  });

  it("autoSync is a boolean", () => {
    expect(issues("dev", gitops("dev", { autoSync: "yes" }))).toMatch(
      /platform:gitops\.autoSync: expected true or false/,
    );
  });

  it("the chart version is one exact SemVer release", () => {
    for (const bad of ["1.2", "v1.2.3", "^1.2.0", "1.2.x", "1.2.3+build.5", "01.2.3", "latest"]) {
      expect(issues("dev", gitops("dev", { chartVersion: bad })), bad).toMatch(
        /platform:gitops\.chartVersion: expected an exact chart version such as 1\.4\.2 or 1\.5\.0-rc\.1 \(SemVer, no range, no \+build\)/,
      );
    }
    expect(configWith("dev", gitops("dev", { chartVersion: "0.1.0-rc.1" })).stack).toBe("dev");
  });

  it("the chart version cannot be newer than charts/payments/Chart.yaml", () => {
    const next = semver.inc(String(CHART_VERSION), "minor")!;
    expect(issues("preprod", gitops("preprod", { chartVersion: next }))).toContain(
      `platform:gitops.chartVersion: ${next} is newer than charts/payments/Chart.yaml (${CHART_VERSION}): no such chart can have been released; release it first (a chart change merged to main is released by .github/workflows/chart.yml)`,
    );
  });

  it("the plan checks the chart version against the chart too", async () => {
    await expectConfigError(
      "dev",
      gitops("dev", { chartVersion: "9.0.0" }),
      /Pulumi\.dev\.yaml/,
      /platform:gitops\.chartVersion: 9\.0\.0 is newer than charts\/payments\/Chart\.yaml/,
    );
  });

  it("the deployer role gets no cluster-wide access entry", () => {
    const cluster = structuredClone(rawConfig("dev")["platform:cluster"]) as {
      access: Record<string, string[]>;
    };
    cluster.access.deploy = ["arn:aws:iam::529381746102:role/platform-argocd-deployer"];
    expect(issues("dev", { "platform:cluster": cluster })).toMatch(
      /platform:cluster\.access\.deploy\[0\]: platform-argocd-deployer gets its access entry from platform:gitops, scoped to the namespaces ArgoCD deploys into/,
    );
  });

  it("rejects a misspelt key", () => {
    expect(issues("dev", gitops("dev", { autosync: true }))).toMatch(
      /platform:gitops\.autosync: unknown key/,
    );
  });
});

describe("platform:gitops in the management stack", () => {
  it("serves the three environments from the payments chart repository", () => {
    const cfg = configWith("management", {});
    if (cfg.role !== "management") throw new Error("not management");
    expect(cfg.gitops).toEqual({
      environments: ["dev", "preprod", "prod"],
      chartRepository: "payments",
      api: { hostname: "argocd.platform.payments.example.com", hostedZoneId: "Z04182736PLATFORM01" },
    });
  });

  it("ArgoCD's API needs a DNS name and a hosted zone", () => {
    const api = (v: unknown) => gitops("management", { api: v });
    expect(issues("management", api({ hostname: "ArgoCD", hostedZoneId: "Z04182736PLATFORM01" }))).toMatch(
      /platform:gitops\.api\.hostname: expected a lowercase DNS name such as argocd\.platform\.example\.com/,
    );
    expect(issues("management", api({ hostname: "argocd.example.com", hostedZoneId: "zone" }))).toMatch(
      /platform:gitops\.api\.hostedZoneId: expected a Route 53 hosted zone id/,
    );
    expect(issues("management", api(undefined))).toMatch(/platform:gitops\.api: required key is missing/);
  });

  it("the chart repository must be one of the registries", () => {
    expect(issues("management", gitops("management", { chartRepository: "billing" }))).toMatch(
      /platform:gitops\.chartRepository: "billing" is not in platform:registries\.charts \(payments, admin\); ArgoCD can only pull a chart the management ECR holds/,
    );
  });

  it("environments are known and unique", () => {
    expect(issues("management", gitops("management", { environments: ["dev", "staging"] }))).toMatch(
      /platform:gitops\.environments\[1\]: expected one of dev, preprod, prod/,
    );
    expect(issues("management", gitops("management", { environments: ["dev", "dev"] }))).toMatch(
      /platform:gitops\.environments: environments must be unique/,
    );
    expect(issues("management", gitops("management", { environments: [] }))).toMatch(
      /platform:gitops\.environments: at least one environment/,
    );
  });

  it("every served environment's stack file names its account", () => {
    const files = structuredClone(STACK_FILES);
    delete files.preprod!["platform:accountId"];
    expect(issues("management", {}, files)).toMatch(
      /platform:gitops\.environments\[1\]: Pulumi\.preprod\.yaml declares no platform:accountId; the ArgoCD role needs the preprod account to reach its deployer role/,
    );
  });
});

describe("chart version order", () => {
  it("orders releases, pre-releases and their identifiers as SemVer does", () => {
    const ordered = [
      "0.9.9",
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
      "1.0.1",
      "1.10.0",
      "2.0.0",
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(Math.sign(compareVersions(ordered[i]!, ordered[j]!)), `${ordered[i]} vs ${ordered[j]}`).toBe(
          Math.sign(i - j),
        );
      }
    }
    expect(() => compareVersions("1.0", "1.0.0")).toThrow(/not a SemVer version/);
  });
});
