import * as fs from "node:fs";
import * as path from "node:path";
import { transformSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findProjectRoot } from "../../src/core/config-loader";
import { ENVIRONMENT_STACKS, PR_BASE_ENVIRONMENT, STACKS } from "../../src/core/environments";
import { PR_CI_ROLE_NAME, PR_GITHUB_ENVIRONMENT } from "../../src/core/pr-names";
import { CHART_PUBLISHER_ROLE_NAME } from "../../src/governance/delivery-roles";

/** The delivery workflows, read as GitHub reads them: the stages, their gates and their tests. */

/** A GitHub expression, `${{ … }}` (assembled, so it is never mistaken for a template literal). */
const gh = (inner: string) => ["$", "{{ ", inner, " }}"].join("");

const root = findProjectRoot();

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  id?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: string;
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  permissions?: Record<string, string>;
  uses?: string;
  with?: Record<string, string>;
  secrets?: unknown;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  permissions?: unknown;
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  jobs: Record<string, Job>;
}

function workflow(name: string): Workflow {
  return parse(fs.readFileSync(path.join(root, ".github/workflows", name), "utf8")) as Workflow;
}
const needsOf = (j: Job) => (j.needs === undefined ? [] : Array.isArray(j.needs) ? j.needs : [j.needs]);
const runs = (j: Job) => (j.steps ?? []).map((s) => s.run ?? "").join("\n");
/** The index of the first step matching, -1 if none. */
const stepIndex = (j: Job, match: (s: Step) => boolean) => (j.steps ?? []).findIndex(match);
const runsK6 = (suite: string) => (s: Step) =>
  new RegExp(`k6 run [^\\n]*delivery/k6/${suite}\\.js`).test(s.run ?? "");

/** The tests each stage runs after its promotion (seed 000). */
const STAGE_TESTS: Record<string, string[]> = {
  dev: ["smoke", "e2e"],
  preprod: ["smoke", "e2e", "load", "regression"],
  prod: ["smoke"],
};

describe("the promotion pipeline (promote.yml)", () => {
  const w = workflow("promote.yml");

  it("runs the environments in promotion order, each after the previous one succeeded", () => {
    const order: string[] = [];
    let current = Object.keys(w.jobs).find((j) => needsOf(w.jobs[j]!).length === 0);
    while (current) {
      order.push(current);
      const prev: string = current;
      current = Object.keys(w.jobs).find((j) => needsOf(w.jobs[j]!).includes(prev));
    }
    expect(order).toEqual([...ENVIRONMENT_STACKS]);
    expect(Object.keys(w.jobs)).toHaveLength(ENVIRONMENT_STACKS.length);
  });

  it.each([...ENVIRONMENT_STACKS])("%s: runs in its GitHub environment, one promotion at a time", (env) => {
    const job = w.jobs[env]!;
    // The environment holds the promoter's ArgoCD token; a gated one (prod) is the approval.
    expect(job.environment).toBe(env);
    expect(job.concurrency).toEqual({ group: `promote-${env}`, "cancel-in-progress": false });
    expect(job.permissions?.["id-token"]).toBeUndefined();
  });

  it("waits for a person's approval before prod, and names the approver in the promotion", () => {
    const gated = ENVIRONMENT_STACKS.filter((e) => STACKS[e].gated);
    expect(gated.length).toBeGreaterThan(0);
    for (const env of gated) {
      const job = w.jobs[env]!;
      expect(job.environment, `${env} is approved through its protected environment`).toBe(env);
      const approval = stepIndex(job, (s) => s.id === "approval");
      expect(approval, "the approver is read from the run's approvals").toBeGreaterThanOrEqual(0);
      expect(job.steps![approval]!.run).toContain("/actions/runs/$" + "{GITHUB_RUN_ID}/approvals");
      expect(job.permissions?.actions).toBe("read");
      const promote = stepIndex(job, (s) =>
        /--env prod --version "\$VERSION" --approved-by "\$APPROVED_BY"/.test(s.run ?? ""),
      );
      expect(promote).toBeGreaterThan(approval);
    }
    for (const env of ENVIRONMENT_STACKS.filter((e) => !STACKS[e].gated)) {
      expect(runs(w.jobs[env]!)).not.toContain("--approved-by");
    }
  });

  it.each(Object.entries(STAGE_TESTS))(
    "%s: promotes through ArgoCD over the tailnet, then runs %j",
    (env, suites) => {
      const job = w.jobs[env]!;
      const tailnet = stepIndex(job, (s) => s.uses === "./.github/actions/tailnet");
      const promote = stepIndex(job, (s) =>
        (s.run ?? "").includes(`npm run -s promote -- --env ${env} --version`),
      );
      expect(tailnet).toBeGreaterThanOrEqual(0);
      expect(promote).toBeGreaterThan(tailnet);
      const promoteStep = job.steps![promote]!;
      expect(promoteStep.env?.ARGOCD_AUTH_TOKEN).toBe(gh("secrets.ARGOCD_AUTH_TOKEN"));
      for (const suite of suites) {
        const at = stepIndex(job, runsK6(suite));
        expect(at, `${env} runs the ${suite} tests`).toBeGreaterThan(promote);
      }
      const record = stepIndex(job, (s) => s.uses === "./.github/actions/record-promotion");
      expect(record, `${env} records the promotion after its tests`).toBeGreaterThan(
        Math.max(...suites.map((suite) => stepIndex(job, runsK6(suite)))),
      );
      expect(job.steps![record]!.with).toMatchObject({ environment: env, version: gh("inputs.version") });
    },
  );

  it("lets prod's canary decide: an aborted canary is rolled back to the previous version and reported", () => {
    const job = w.jobs.prod!;
    const canary = stepIndex(job, (s) => s.id === "canary");
    const rollback = stepIndex(job, (s) => s.id === "rollback");
    expect(canary).toBeGreaterThanOrEqual(0);
    expect(job.steps![canary]!.run).toContain("|| status=$?");
    expect(rollback).toBeGreaterThan(canary);
    expect(job.steps![rollback]!.if).toBe("steps.canary.outputs.status != '0'");
    expect(job.steps![rollback]!.run).toContain("npm run -s promote -- --env prod --rollback");
    const record = job.steps!.find((s) => s.uses === "./.github/actions/record-promotion")!;
    expect(record.if).toBe("steps.canary.outputs.status == '0'");
    expect(record.with?.["approved-by"]).toBe(gh("steps.approval.outputs.approved-by"));
    const report = job.steps!.at(-1)!;
    expect(report.if).toBe("steps.canary.outputs.status != '0'");
    expect(report.run).toContain("exit 1");
  });

  it("starts after every chart release, with the released version", () => {
    const chart = workflow("chart.yml");
    const call = chart.jobs.promote!;
    expect(call.uses).toBe("./.github/workflows/promote.yml");
    expect(needsOf(call)).toEqual(["release"]);
    expect(call.with?.version).toBe(gh("needs.release.outputs.version"));
    expect(call.if).toBe("needs.release.outputs.released == 'true'");
    expect(call.secrets).not.toBe("inherit");
  });
});

describe("the chart's release (chart.yml)", () => {
  const w = workflow("chart.yml");

  it("checks on pull requests that a chart change raises the chart's version", () => {
    expect(w.on.pull_request).toEqual({ paths: ["charts/**"] });
    const job = w.jobs.version!;
    expect(job.if).toBe("github.event_name == 'pull_request'");
    expect(runs(job)).toContain(`npm run -s chart-check -- --base "origin/$${"{"}BASE_REF}"`);
    expect(job.steps!.find((s) => s.uses?.startsWith("actions/checkout@"))!.with?.["fetch-depth"]).toBe(0);
  });

  it("releases on main only, as the chart publisher role", () => {
    expect(w.on.push).toEqual({ branches: ["main"], paths: ["charts/**"] });
    const job = w.jobs.release!;
    expect(job.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(job.environment).toBeUndefined(); // the role trusts the main branch subject, not an environment
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    const creds = job.steps!.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
    expect(creds.with?.["role-to-assume"]).toBe(
      `arn:aws:iam::\${{ vars.MANAGEMENT_ACCOUNT_ID }}:role/${CHART_PUBLISHER_ROLE_NAME}`,
    );
    const push = stepIndex(job, (s) => s.id === "push");
    expect(push).toBeGreaterThan(stepIndex(job, (s) => /helm lint --strict/.test(s.run ?? "")));
    expect(job.steps![push]!.run).toMatch(/aws ecr describe-images[\s\S]*helm package[\s\S]*helm push/);
  });
});

describe("PR environments (pr-environment.yml)", () => {
  const w = workflow("pr-environment.yml");

  it("follows the pull request: up when it opens or changes, down when it closes", () => {
    expect(w.on.pull_request).toEqual({ types: ["opened", "synchronize", "reopened", "closed"] });
    expect(w.concurrency).toEqual({
      group: `pr-environment-${gh("github.event.pull_request.number")}`,
      "cancel-in-progress": gh("github.event.action != 'closed'"),
    });
    expect(w.jobs.up!.if).toContain("github.event.action != 'closed'");
    expect(w.jobs.down!.if).toContain("github.event.action == 'closed'");
  });

  it.each(["up", "down"])("%s runs in the environment the PR environments' CI role trusts", (job) => {
    expect(w.jobs[job]!.environment).toBe(PR_GITHUB_ENVIRONMENT);
    const creds = w.jobs[job]!.steps!.find((s) =>
      s.uses?.startsWith("aws-actions/configure-aws-credentials@"),
    )!;
    expect(creds.with?.["role-to-assume"]).toBe(
      `arn:aws:iam::\${{ vars.MANAGEMENT_ACCOUNT_ID }}:role/${PR_CI_ROLE_NAME}`,
    );
  });

  it("brings the stack up within the limit, deploys the pull request's commit, then runs the integration and E2E tests", () => {
    const job = w.jobs.up!;
    const at = (re: RegExp) => stepIndex(job, (s) => re.test(s.run ?? ""));
    const plan = at(/npm run -s plan -- --stack "\$STACK"/);
    const admit = at(/npm run -s pr-env -- admit --pr "\$PR" --limit "\$LIMIT"/);
    const up = at(/pulumi up --yes --stack "\$STACK"/);
    const deploy = at(/npm run -s pr-env -- deploy --pr "\$PR" --revision "\$REVISION"/);
    const integration = stepIndex(job, runsK6("integration"));
    const e2e = stepIndex(job, runsK6("e2e"));
    expect(plan).toBeGreaterThanOrEqual(0);
    expect(admit).toBeGreaterThan(plan);
    expect(up).toBeGreaterThan(admit);
    expect(deploy).toBeGreaterThan(up);
    expect(integration).toBeGreaterThan(deploy);
    expect(e2e).toBeGreaterThan(deploy);
    expect(job.steps![admit]!.env?.LIMIT).toBe(gh("vars.PR_ENV_LIMIT || '5'"));
    expect(job.steps![deploy]!.env?.REVISION).toBe(gh("github.event.pull_request.head.sha"));
    expect(w.env).toMatchObject({ STACK: `pr-${gh("github.event.pull_request.number")}` });
    expect(w.env?.SECRETS_PROVIDER).toContain(`alias/platform-${PR_BASE_ENVIRONMENT}-secrets`);
  });

  it("tears everything down when the pull request closes or merges: the Application, the stack's resources, the stack", () => {
    const job = w.jobs.down!;
    const remove = stepIndex(job, (s) => /npm run -s pr-env -- remove --pr "\$PR"/.test(s.run ?? ""));
    const destroy = stepIndex(job, (s) =>
      /pulumi destroy --yes --stack "\$STACK"[\s\S]*pulumi stack rm --yes "\$STACK"/.test(s.run ?? ""),
    );
    expect(remove).toBeGreaterThanOrEqual(0);
    expect(destroy).toBeGreaterThan(remove);
    // Nothing in the teardown is conditional: a closed pull request always loses its environment.
    expect(job.steps!.filter((st) => st.if !== undefined)).toEqual([]);
  });
});

describe("the PR environments' reaper (pr-environment-reaper.yml)", () => {
  const w = workflow("pr-environment-reaper.yml");

  it("runs on a schedule, and by hand", () => {
    expect(w.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }]);
    expect(w.on).toHaveProperty("workflow_dispatch");
  });

  it("removes closed pull requests' environments and those older than the configurable age", () => {
    const job = w.jobs.reap!;
    expect(job.environment).toBe(PR_GITHUB_ENVIRONMENT);
    expect((job as { env?: Record<string, string> }).env?.MAX_AGE_HOURS).toBe(
      gh("vars.PR_ENV_MAX_AGE_HOURS || '72'"),
    );
    const find = stepIndex(job, (s) =>
      /gh pr list[^\n]*--state open[\s\S]*npm run -s pr-env -- stale --max-age-hours "\$MAX_AGE_HOURS"/.test(
        s.run ?? "",
      ),
    );
    const remove = stepIndex(job, (s) =>
      /npm run -s pr-env -- remove[\s\S]*pulumi destroy --yes --stack "\$stack"[\s\S]*pulumi stack rm --yes "\$stack"/.test(
        s.run ?? "",
      ),
    );
    expect(find).toBeGreaterThanOrEqual(0);
    expect(remove).toBeGreaterThan(find);
  });
});

describe("the delivery workflows' hygiene", () => {
  const files = ["chart.yml", "promote.yml", "pr-environment.yml", "pr-environment-reaper.yml"];

  it.each(files)(
    "%s: least privilege by default, pinned actions, no persisted credentials, Node from .node-version",
    (file) => {
      const text = fs.readFileSync(path.join(root, ".github/workflows", file), "utf8");
      const w = workflow(file);
      expect(w.permissions).toEqual({});
      expect(text).not.toMatch(/secrets:\s*inherit/);
      for (const [name, job] of Object.entries(w.jobs)) {
        for (const s of job.steps ?? []) {
          if (!s.uses || s.uses.startsWith("./")) continue;
          expect(s.uses, `${file} ${name}`).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
          if (s.uses.startsWith("actions/checkout@"))
            expect(s.with?.["persist-credentials"], `${file} ${name}`).toBe(false);
          if (s.uses.startsWith("actions/setup-node@"))
            expect(s.with?.["node-version-file"]).toBe(".node-version");
        }
      }
      for (const line of text.split("\n").filter((l) => /uses: [^.]/.test(l))) {
        expect(line, file).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    },
  );

  it("the local actions the jobs use exist", () => {
    for (const a of ["tailnet", "pulumi-cli", "record-promotion"]) {
      expect(fs.existsSync(path.join(root, ".github/actions", a, "action.yml")), a).toBe(true);
    }
    expect(fs.readFileSync(path.join(root, ".node-version"), "utf8").trim()).toBe("26");
  });

  it("every k6 suite a workflow runs exists and parses as a module", () => {
    const text = ["promote.yml", "pr-environment.yml"]
      .map((f) => fs.readFileSync(path.join(root, ".github/workflows", f), "utf8"))
      .join("\n");
    const suites = [...new Set([...text.matchAll(/delivery\/k6\/([\w-]+)\.js/g)].map((m) => m[1]!))];
    expect(suites.sort()).toEqual(["e2e", "integration", "load", "regression", "smoke"]);
    for (const file of fs.readdirSync(path.join(root, "delivery/k6")).filter((f) => f.endsWith(".js"))) {
      const code = fs.readFileSync(path.join(root, "delivery/k6", file), "utf8");
      expect(() => transformSync(code, { loader: "js", format: "esm" }), file).not.toThrow();
    }
    const cases = JSON.parse(
      fs.readFileSync(path.join(root, "delivery/k6/regression-cases.json"), "utf8"),
    ) as {
      name: string;
      method: string;
      path: string;
      expect: { status: number };
    }[];
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(c.path.startsWith("/"), c.name).toBe(true);
  });

  it("the load test holds preprod to the SLO the production canary's analysis enforces", () => {
    const values = parse(fs.readFileSync(path.join(root, "charts/payments/values.yaml"), "utf8")) as {
      analysis: { datadog: { latencyThresholdSeconds: number; errorRateThreshold: number } };
    };
    const load = fs.readFileSync(path.join(root, "delivery/k6/load.js"), "utf8");
    const slo = /SLO = \{ p95Seconds: ([\d.]+), errorRate: ([\d.]+) \}/.exec(load);
    expect(slo).not.toBeNull();
    expect(Number(slo![1])).toBe(values.analysis.datadog.latencyThresholdSeconds);
    expect(Number(slo![2])).toBe(values.analysis.datadog.errorRateThreshold);
    // The thresholds are built from SLO (template literals in the k6 script).
    expect(load).toMatch(/http_req_duration: \[`p\(95\)<\$\{SLO\.p95Seconds \* 1000\}`\]/);
    expect(load).toMatch(/http_req_failed: \[`rate<\$\{SLO\.errorRate\}`\]/);
  });
});
