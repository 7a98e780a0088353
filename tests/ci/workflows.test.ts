// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are GitHub Actions expressions, not templates
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findProjectRoot } from "../../src/core/config-loader";
import { GATED_STACKS, STACK_NAMES, type StackName } from "../../src/core/environments";
import { VERSIONS } from "../../src/core/versions";
import { changedStacks, previewMatrix } from "../../src/delivery/changed-stacks";
import {
  deploymentEnvironments,
  REQUIRED_CHECKS,
  TAILNET_CLIENT_SECRETS,
} from "../../src/delivery/repository-rules";
import { CI_TAG } from "../../src/delivery/tailnet-policy";
import {
  DRIFT_ENVIRONMENT,
  ENVIRONMENT_GATED_STACKS,
  previewEnvironment,
} from "../../src/governance/ci-trust";
import { workflowStackProblems } from "../support/workflow-checks";

const root = findProjectRoot();
const actionlint = path.join(root, ".tools/bin/actionlint");
const zizmor = path.join(root, ".tools/venv/bin/zizmor");
const TAILNET_ACTION = "./.github/actions/tailnet";
const PULUMI_ACTION = /^pulumi\/actions@/;

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  name?: string;
  env?: Record<string, string>;
  if?: string;
  needs?: string | string[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: unknown;
  environment?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { matrix: Record<string, unknown> };
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  jobs: Record<string, Job>;
}

const WORKFLOW_DIR = path.join(root, ".github/workflows");
const workflowFiles = () => fs.readdirSync(WORKFLOW_DIR).filter((f) => f.endsWith(".yml"));
const read = (rel: string) => fs.readFileSync(path.join(root, rel), "utf8");
const workflow = (name: string) => parse(read(`.github/workflows/${name}`)) as Workflow;
/** Every file GitHub runs: the workflows and the local composite action. */
const actionFiles = () => [
  ...workflowFiles().map((f) => `.github/workflows/${f}`),
  ".github/actions/tailnet/action.yml",
];

/** Whether a step runs Pulumi against a real stack (the action with a command, or the CLI). */
function runsPulumi(step: Step): boolean {
  if (step.uses && PULUMI_ACTION.test(step.uses)) return step.with?.command !== undefined;
  return /\bpulumi (preview|up|refresh|destroy)\b/.test(step.run ?? "");
}

/** The jobs (of every workflow) that run Pulumi against a stack. */
function pulumiJobs(): [string, Job][] {
  return workflowFiles().flatMap((f) =>
    Object.entries(workflow(f).jobs)
      .filter(([, j]) => (j.steps ?? []).some(runsPulumi))
      .map(([name, j]): [string, Job] => [`${f}:${name}`, j]),
  );
}

describe("GitHub workflows: lint", () => {
  it("pass actionlint", () => {
    if (!fs.existsSync(actionlint))
      throw new Error(`${actionlint} is missing: run \`bash scripts/install-tools.sh\``);
    const out = execFileSync(actionlint, ["-color=false"], { cwd: root, encoding: "utf8" });
    expect(out).toBe("");
  });

  it("pass zizmor with no high or medium finding, and every low one explained by a comment above it", () => {
    if (!fs.existsSync(zizmor))
      throw new Error(`${zizmor} is missing: run \`bash scripts/install-tools.sh\``);
    const r = spawnSync(zizmor, ["--offline", "--format", "json", ".github"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.error).toBeUndefined();
    const findings = JSON.parse(r.stdout) as {
      ident: string;
      determinations: { severity: string };
      locations: {
        symbolic: { key: { Local?: { verbatim_path: string } }; kind: string };
        concrete: { location: { start_point: { row: number } } };
      }[];
    }[];
    const serious = findings.filter(
      (f) => !["Low", "Informational", "Unknown"].includes(f.determinations.severity),
    );
    expect(serious.map((f) => `${f.ident} (${f.determinations.severity})`)).toEqual([]);
    for (const f of findings) {
      const at = f.locations.find((l) => l.symbolic.kind === "Primary") ?? f.locations[0]!;
      const file = at.symbolic.key.Local!.verbatim_path;
      const lines = read(file).split("\n");
      const above = lines.slice(
        Math.max(0, at.concrete.location.start_point.row - 4),
        at.concrete.location.start_point.row,
      );
      expect(above.join("\n"), `${f.ident} at ${file}:${at.concrete.location.start_point.row + 1}`).toContain(
        `zizmor ${f.ident}`,
      );
    }
  });
});

describe("GitHub workflows: supply chain", () => {
  it("pin every action to a full commit SHA with its version in a comment", () => {
    const unpinned: string[] = [];
    for (const file of actionFiles()) {
      for (const line of read(file).split("\n")) {
        const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
        if (!m || m[1]!.startsWith("./")) continue;
        if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(m[1]!) || !/^\s+# v\d+\.\d+\.\d+\b/.test(m[2]!)) {
          unpinned.push(`${file}: ${line.trim()}`);
        }
      }
    }
    expect(unpinned).toEqual([]);
  });

  it("never persist the checkout token, never pass secrets: inherit, and grant no default permissions", () => {
    for (const file of workflowFiles()) {
      const wf = workflow(file);
      expect(wf.permissions, file).toEqual({});
      for (const [name, job] of Object.entries(wf.jobs)) {
        expect(job.secrets, `${file}:${name}`).not.toBe("inherit");
        for (const step of job.steps ?? []) {
          if (step.uses?.startsWith("actions/checkout@")) {
            expect(step.with?.["persist-credentials"], `${file}:${name}`).toBe(false);
          }
        }
      }
    }
  });

  it("run Node.js from .node-version, the current LTS (26)", () => {
    expect(read(".node-version").trim()).toBe("26");
    let seen = 0;
    for (const file of workflowFiles()) {
      for (const job of Object.values(workflow(file).jobs)) {
        for (const step of job.steps ?? []) {
          if (!step.uses?.startsWith("actions/setup-node@")) continue;
          seen++;
          expect(step.with).toMatchObject({ "node-version-file": ".node-version" });
          expect(step.with?.["node-version"]).toBeUndefined();
        }
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});

describe("GitHub workflows: the private network", () => {
  it("join the tailnet in every job that runs Pulumi, before Pulumi runs", () => {
    const jobs = pulumiJobs();
    expect(jobs.map(([n]) => n).sort()).toEqual([
      "ci.yml:preview",
      "drift.yml:drift",
      "pr-environment-reaper.yml:reap",
      "pr-environment.yml:down",
      "pr-environment.yml:up",
      "pulumi-up.yml:up",
    ]);
    for (const [name, job] of jobs) {
      const steps = job.steps ?? [];
      const join = steps.findIndex((s) => s.uses === TAILNET_ACTION);
      expect(join, `${name} joins the tailnet`).toBeGreaterThanOrEqual(0);
      expect(join, `${name} joins before running Pulumi`).toBeLessThan(steps.findIndex(runsPulumi));
      expect(steps[join]!.with).toEqual({
        "oauth-client-id": `\${{ secrets.${TAILNET_CLIENT_SECRETS.id} }}`,
        "oauth-secret": `\${{ secrets.${TAILNET_CLIENT_SECRETS.secret} }}`,
      });
    }
  });

  it("wrap Tailscale's action in one local action: an ephemeral CI-tagged node, the routers' Tailscale version", () => {
    const action = parse(read(".github/actions/tailnet/action.yml")) as {
      inputs: Record<string, { required?: boolean; default?: string }>;
      runs: { using: string; steps: Step[] };
    };
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs)).toEqual(["oauth-client-id", "oauth-secret", "tags"]);
    expect(action.inputs.tags?.default).toBe(CI_TAG);
    const ts = action.runs.steps.find((s) => s.uses?.startsWith("tailscale/github-action@"));
    expect(ts?.with).toMatchObject({
      "oauth-client-id": "${{ inputs.oauth-client-id }}",
      "oauth-secret": "${{ inputs.oauth-secret }}",
      tags: "${{ inputs.tags }}",
      version: VERSIONS.tailscale,
    });
  });
});

describe("GitHub workflows: previews on pull requests", () => {
  const ci = () => workflow("ci.yml");

  it("preview exactly the stacks a change touches, from the one list of stacks", () => {
    expect(changedStacks(["src/network/network.ts"])).toEqual([...STACK_NAMES]);
    expect(changedStacks(["package-lock.json"])).toEqual([...STACK_NAMES]);
    for (const stack of STACK_NAMES) {
      expect(changedStacks([`Pulumi.${stack}.yaml`])).toContain(stack);
    }
    expect(changedStacks(["Pulumi.dev.yaml"])).toEqual(["management", "dev"]);
    expect(changedStacks(["README.md", "tests/ci/workflows.test.ts", "charts/payments/values.yaml"])).toEqual(
      [],
    );
  });

  it("feed the preview job's matrix from that list, one leg per stack, gated stacks in their protected preview environment", () => {
    const { jobs } = ci();
    const changes = jobs.changes!;
    expect(changes.steps?.find((s) => s.id === "stacks")?.run).toMatch(
      /npm run --silent stacks -- --changed /,
    );
    const preview = jobs.preview!;
    expect(preview.needs).toEqual(expect.arrayContaining(["changes"]));
    expect(preview.strategy?.matrix).toEqual({ include: "${{ fromJSON(needs.changes.outputs.matrix) }}" });
    expect(preview.environment).toBe("${{ matrix.environment }}");
    expect(previewMatrix(STACK_NAMES)).toEqual(
      STACK_NAMES.map((stack) => ({
        stack,
        environment: GATED_STACKS.includes(stack) ? previewEnvironment(stack) : "",
      })),
    );
  });

  it("post each stack's preview on the pull request, one comment per stack, updated in place", () => {
    const preview = ci().jobs.preview!;
    expect(preview.permissions).toMatchObject({ "pull-requests": "write", "id-token": "write" });
    const step = preview.steps?.find((s) => s.uses && PULUMI_ACTION.test(s.uses));
    expect(step?.with).toMatchObject({
      command: "preview",
      "stack-name": "${{ matrix.stack }}",
      "comment-on-pr": true,
      "edit-pr-comment": true,
      "github-token": "${{ github.token }}",
      "pulumi-version-file": ".pulumi-version",
    });
  });

  it("require the ci.yml checks the repository ruleset names, each of which also runs in the merge queue", () => {
    const wf = ci();
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(["pull_request", "merge_group"]));
    for (const check of REQUIRED_CHECKS) {
      const job = Object.values(wf.jobs).find((j) => j.name === check);
      expect(job, check).toBeDefined();
      // No condition that skips it in the merge queue (the previews gate reports there too).
      expect(job?.if === undefined || job.if === "always()", check).toBe(true);
    }
    expect(wf.jobs.previews?.needs).toEqual(["changes", "preview"]);
  });
});

describe("GitHub workflows: the stacks they name", () => {
  it("agree with the list of stacks (deploy order and gates, the drift matrix)", () => {
    expect(workflowStackProblems(root)).toEqual([]);
  });
});

describe("GitHub workflows: applies", () => {
  it("apply management first, then dev, preprod and prod, each after the previous one", () => {
    const { jobs } = workflow("deploy.yml");
    const order: string[] = [];
    let current: string | undefined = Object.keys(jobs).find((j) => jobs[j]?.needs === undefined);
    while (current) {
      order.push(String(jobs[current]?.with?.stack ?? "?"));
      const prev: string = current;
      current = Object.keys(jobs).find((j) => jobs[j]?.needs === prev);
    }
    expect(order).toEqual([...STACK_NAMES]);
  });

  it("apply management and prod only inside their protected deployment environments, the subjects their roles trust", () => {
    const up = workflow("pulumi-up.yml");
    expect(up.jobs.up?.environment).toBe(["${{", "inputs.environment", "}}"].join(" "));
    for (const job of Object.values(workflow("deploy.yml").jobs)) {
      const stack = String(job.with?.stack);
      const gated = ENVIRONMENT_GATED_STACKS.includes(stack as StackName);
      expect(job.with?.environment ?? "", stack).toBe(gated ? stack : "");
    }
  });

  it("never apply one stack twice at once", () => {
    const up = workflow("pulumi-up.yml").jobs.up!;
    expect(up.concurrency).toEqual({ group: "pulumi-up-${{ inputs.stack }}", "cancel-in-progress": false });
    expect(workflow("deploy.yml")).toMatchObject({ concurrency: { "cancel-in-progress": false } });
  });

  it("run each job that names an environment from the branches or tags that environment admits", () => {
    const envs = new Map(deploymentEnvironments().map((e) => [e.name, e]));
    const used: [string, string, string[], string[]][] = [];
    for (const file of workflowFiles()) {
      const wf = workflow(file);
      const push = (wf.on.push ?? {}) as { branches?: string[]; tags?: string[] };
      for (const [name, job] of Object.entries(wf.jobs)) {
        if (!job.environment || job.environment.includes("${{")) continue;
        used.push([`${file}:${name}`, job.environment, push.branches ?? [], push.tags ?? []]);
      }
    }
    // Literal environments: drift (scheduled from main), the promotion stages, the PR environments.
    expect([...new Set(used.map(([, env]) => env))].sort()).toEqual([
      "dev",
      "drift",
      "pr-environments",
      "preprod",
      "prod",
    ]);
    for (const [where, env, branches, tags] of used) {
      const spec = envs.get(env);
      expect(spec, where).toBeDefined();
      if (spec?.branches !== "any") for (const b of branches) expect(spec?.branches, where).toContain(b);
      for (const t of tags) expect(spec?.tags, where).toContain(t);
    }
    for (const env of envs.values()) expect(env.tags, env.name).toEqual([]);
    // deploy.yml runs on main and passes the gated stacks' environments to pulumi-up.yml.
    for (const stack of GATED_STACKS) expect(envs.get(stack)?.branches).toEqual(["main"]);
  });
});

describe("GitHub workflows: read-only runs", () => {
  it("run previews and drift checks through the read-only preview roles, applies through the deploy roles", () => {
    for (const [name, job] of pulumiJobs()) {
      const creds = job.steps?.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      if (name.startsWith("pr-environment")) {
        // PR environments deploy through their own CI role, whatever the job.
        expect(String(creds?.with?.["role-to-assume"]), name).toMatch(/:role\/platform-ci-pr-environments$/);
        expect(job.env?.PLATFORM_CI_ROLE, name).toBeUndefined();
        continue;
      }
      const kind = name === "pulumi-up.yml:up" ? "deploy" : "preview";
      expect(String(creds?.with?.["role-to-assume"]), name).toContain(`:role/platform-ci-${kind}-`);
      // The program then assumes platform-preview instead of platform:deployRoleArn.
      expect(job.env?.PLATFORM_CI_ROLE, name).toBe(kind === "preview" ? "preview" : undefined);
    }
  });
});

describe("GitHub workflows: drift detection", () => {
  const drift = () => workflow("drift.yml");

  it("runs nightly, and on demand", () => {
    const on = drift().on as { schedule?: { cron: string }[]; workflow_dispatch?: unknown };
    expect(on.schedule?.[0]?.cron).toMatch(/^\d+ \d+ \* \* \*$/);
    expect("workflow_dispatch" in on).toBe(true);
  });

  it("checks every stack with a refreshed preview that expects no changes, read-only, in the drift environment", () => {
    const job = drift().jobs.drift!;
    expect(job.strategy?.matrix.stack).toEqual([...STACK_NAMES]);
    expect(job.environment).toBe(DRIFT_ENVIRONMENT);
    const preview = job.steps?.find((s) => s.id === "preview");
    expect(preview?.run).toMatch(/pulumi preview --stack "\$\{STACK\}" --refresh --expect-no-changes --diff/);
    const creds = job.steps?.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(String(creds?.with?.["role-to-assume"])).toMatch(
      /:role\/platform-ci-preview-\$\{\{ matrix\.stack \}\}$/,
    );
  });

  it("opens, updates or closes one issue per stack from the preview's outcome", () => {
    const job = drift().jobs.drift!;
    expect(job.permissions).toMatchObject({ issues: "write" });
    const issue = job.steps?.at(-1);
    expect(issue?.run).toBe(
      'bash scripts/drift-issue.sh "${STACK}" "${STATUS}" "${RUNNER_TEMP}/preview.txt"',
    );
    expect(issue?.env).toMatchObject({ STATUS: "${{ steps.preview.outputs.status }}" });
  });
});

describe("CI entry point", () => {
  it("runs the README's test command", () => {
    const ci = read(".ci/run");
    const readme = read("README.md");
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
    expect(wf.permissions).toEqual({});
    for (const job of Object.values(wf.jobs)) expect(job.permissions).toEqual({ contents: "read" });
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
