import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findProjectRoot } from "../../src/core/config-loader";
import { VERSIONS } from "../../src/core/versions";

const root = findProjectRoot();
const config = JSON.parse(fs.readFileSync(path.join(root, "renovate.json"), "utf8")) as {
  schedule: string[];
  extends: string[];
  packageRules: { groupName?: string }[];
  customManagers: {
    managerFilePatterns: string[];
    matchStrings: string[];
    datasourceTemplate?: string;
    depNameTemplate?: string;
    packageNameTemplate?: string;
  }[];
};

/** What Renovate's regex managers extract from a repository file: datasource, name and version. */
function extracted(file: string): { datasource: string; name: string; version: string }[] {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const out: { datasource: string; name: string; version: string }[] = [];
  for (const m of config.customManagers) {
    const applies = m.managerFilePatterns.some((p) => new RegExp(p.slice(1, -1)).test(file));
    if (!applies) continue;
    for (const s of m.matchStrings) {
      for (const hit of text.matchAll(new RegExp(s, "gm"))) {
        const g = hit.groups ?? {};
        const name = (m.packageNameTemplate ?? m.depNameTemplate ?? "{{{depName}}}")
          .replace("{{{packageName}}}", g.packageName ?? "")
          .replace(/\{\{\{depName\}\}\}/g, g.depName ?? "");
        out.push({
          datasource: m.datasourceTemplate ?? g.datasource ?? "?",
          name,
          version: g.currentValue ?? "",
        });
      }
    }
  }
  return out;
}

describe("Renovate", () => {
  it("runs weekly, grouped, and pins actions by SHA with their version", () => {
    expect(config.schedule).toEqual(["before 7am on monday"]);
    expect(config.extends).toContain("helpers:pinGitHubActionDigestsToSemver");
    expect(config.packageRules.map((r) => r.groupName)).toEqual(
      expect.arrayContaining([
        "github actions",
        "test tools",
        "helm charts",
        "eks add-ons",
        "pulumi packages",
      ]),
    );
  });

  it("finds every Helm chart, EKS add-on, image and Tailscale pin of src/core/versions.ts", () => {
    const found = extracted("src/core/versions.ts");
    for (const c of Object.values(VERSIONS.charts)) {
      const name = c.repo.startsWith("oci://") ? `${c.repo.slice("oci://".length)}/${c.chart}` : c.chart;
      expect(found, c.chart).toContainEqual({
        datasource: c.repo.startsWith("oci://") ? "docker" : "helm",
        name,
        version: c.version,
      });
    }
    for (const [addon, version] of Object.entries(VERSIONS.eksAddons)) {
      expect(found).toContainEqual({
        datasource: "aws-eks-addon",
        name: JSON.stringify({ addonName: addon, kubernetesVersion: VERSIONS.kubernetes.default }),
        version,
      });
    }
    // Mirrored images are looked up where they are copied from, never under the mirror's path.
    for (const image of Object.values(VERSIONS.images.mirrored)) {
      expect(found).toContainEqual({ datasource: "docker", name: image.upstream, version: image.tag });
      expect(found.map((f) => f.name)).not.toContain(image.repository);
    }
    expect(found).toContainEqual({
      datasource: "github-releases",
      name: "tailscale/tailscale",
      version: VERSIONS.tailscale,
    });
  });

  it("finds the test tools, the CI runners' Tailscale and the Pulumi CLI", () => {
    const tools = extracted("scripts/install-tools.sh");
    expect(tools.map((t) => `${t.datasource}:${t.name}`)).toEqual([
      "go:helm.sh/helm/v3",
      "go:github.com/rhysd/actionlint",
      "go:github.com/getsops/sops/v3",
      "pypi:zizmor",
      "go:go.k6.io/k6",
    ]);
    expect(extracted(".github/actions/tailnet/action.yml")).toEqual([
      { datasource: "github-releases", name: "tailscale/tailscale", version: VERSIONS.tailscale },
    ]);
    expect(extracted(".pulumi-version")).toEqual([
      {
        datasource: "github-releases",
        name: "pulumi/pulumi",
        version: fs.readFileSync(path.join(root, ".pulumi-version"), "utf8").trim(),
      },
    ]);
  });
});
