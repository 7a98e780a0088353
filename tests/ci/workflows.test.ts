import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findProjectRoot } from "../../src/core/config-loader";
import type { StackName } from "../../src/core/environments";
import { ENVIRONMENT_GATED_STACKS } from "../../src/governance/ci-trust";

const root = findProjectRoot();
const actionlint = path.join(root, ".tools/bin/actionlint");

function workflow(name: string): { jobs: Record<string, { needs?: string; with?: { stack?: string } }> } {
  return parse(fs.readFileSync(path.join(root, ".github/workflows", name), "utf8"));
}

describe("GitHub workflows", () => {
  it("pass actionlint", () => {
    if (!fs.existsSync(actionlint))
      throw new Error(`${actionlint} is missing: run \`bash scripts/install-tools.sh\``);
    const out = execFileSync(actionlint, ["-color=false"], { cwd: root, encoding: "utf8" });
    expect(out).toBe("");
  });

  it("apply management first, then dev, preprod and prod, each after the previous one", () => {
    const { jobs } = workflow("deploy.yml");
    const order: string[] = [];
    let current: string | undefined = Object.keys(jobs).find((j) => jobs[j]?.needs === undefined);
    while (current) {
      order.push(jobs[current]?.with?.stack ?? "?");
      const prev: string = current;
      current = Object.keys(jobs).find((j) => jobs[j]?.needs === prev);
    }
    expect(order).toEqual(["management", "dev", "preprod", "prod"]);
  });

  it("apply management and prod only inside their protected deployment environments, the subjects their roles trust", () => {
    const up = parse(fs.readFileSync(path.join(root, ".github/workflows/pulumi-up.yml"), "utf8")) as {
      jobs: { up: { environment: string } };
    };
    // A GitHub expression, not a template literal.
    expect(up.jobs.up.environment).toBe(["${{", "inputs.environment", "}}"].join(" "));
    const { jobs } = workflow("deploy.yml") as {
      jobs: Record<string, { with?: { stack?: string; environment?: string } }>;
    };
    const environments = Object.values(jobs).map((j) => [j.with?.stack, j.with?.environment ?? ""]);
    for (const [stack, environment] of environments) {
      const gated = ENVIRONMENT_GATED_STACKS.includes(stack as StackName);
      expect(environment, `${stack}`).toBe(gated ? stack : "");
    }
  });
});

describe("CI entry point", () => {
  it("runs the README's test command", () => {
    const ci = fs.readFileSync(path.join(root, ".ci/run"), "utf8");
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    expect(ci).toMatch(/^npm test( |$)/m);
    expect(readme).toContain("npm ci && npm test");
    expect(readme).toContain("npm ci && npm run plan -- --stack prod");
  });
});
