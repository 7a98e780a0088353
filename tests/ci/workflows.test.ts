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

describe("policy pack and offline plan on pull requests", () => {
  type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
  type Job = { steps: Step[]; permissions?: Record<string, string>; if?: string };
  type Workflow = { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, Job> };
  const load = (name: string) =>
    parse(fs.readFileSync(path.join(root, ".github/workflows", name), "utf8")) as Workflow;
  const text = (name: string) => fs.readFileSync(path.join(root, ".github/workflows", name), "utf8");

  it("passes the policy pack to every real preview and update", () => {
    for (const name of ["ci.yml", "pulumi-up.yml"]) {
      const steps = Object.values(load(name).jobs).flatMap((j) => j.steps);
      const pulumi = steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
      expect(pulumi.length, name).toBeGreaterThan(0);
      for (const s of pulumi)
        expect(s.with?.policyPacks, `${name} ${String(s.with?.command)}`).toBe("policy");
    }
    const pack = parse(fs.readFileSync(path.join(root, "policy/PulumiPolicy.yaml"), "utf8")) as {
      runtime: string;
    };
    expect(pack.runtime).toBe("nodejs");
  });

  it("computes the comment on pull_request with a read-only token, no secrets and no persisted credentials", () => {
    const wf = load("plan-diff.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(text("plan-diff.yml")).not.toMatch(/\$\{\{\s*secrets\./);
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    const checkout = steps.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with).toMatchObject({ "persist-credentials": false, "fetch-depth": 0 });
    expect(steps.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with?.["node-version-file"]).toBe(
      ".node-version",
    );
    const plan = steps.find((s) => s.run?.includes("plan:comment"));
    expect(plan?.run).toMatch(/--base "\$BASE_SHA"/);
    expect(plan?.env?.BASE_SHA).toBe(["${{", "github.event.pull_request.base.sha", "}}"].join(" "));
    expect(steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))?.with?.name).toBe(
      "plan-comment",
    );
  });

  it("posts it from workflow_run without ever running the pull request's code, one comment updated in place", () => {
    const wf = load("plan-diff-comment.yml");
    expect(wf.on).toEqual({ workflow_run: { workflows: ["plan-diff"], types: ["completed"] } });
    expect(wf.permissions).toEqual({});
    const [job] = Object.values(wf.jobs);
    expect(job?.permissions).toEqual({ actions: "read", "pull-requests": "write" });
    expect(job?.steps.some((s) => s.uses?.startsWith("actions/checkout@"))).toBe(false);
    expect(job?.steps.some((s) => /npm|node |tsx/.test(s.run ?? ""))).toBe(false);
    const post = job?.steps.find((s) => s.run?.includes("gh api"))?.run ?? "";
    // The same marker as src/plan/pr-comment.ts's COMMENT_MARKER (tests/plan/pr-comment.test.ts).
    expect(post).toContain("marker='<!-- platform-plan-diff -->'");
    expect(post).toMatch(/--method PATCH/);
    expect(post).toMatch(/RUN_HEAD_SHA/);
  });

  it("pins every action of these workflows to a full commit SHA with its version", () => {
    for (const name of ["plan-diff.yml", "plan-diff-comment.yml"]) {
      const uses = [...text(name).matchAll(/uses:\s*(\S+)(.*)$/gm)];
      expect(uses.length, name).toBeGreaterThan(0);
      for (const [, ref, comment] of uses) {
        expect(ref, name).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        expect(comment, `${name} ${ref}`).toMatch(/^ # v\d+\.\d+\.\d+$/);
      }
    }
  });
});
