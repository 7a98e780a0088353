import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { findProjectRoot } from "../../src/core/config-loader";
import { compose, run } from "../../src/plan/cli";
import {
  diffPlans,
  isEmpty,
  MASK,
  type PlanDiff,
  renderDiffMarkdown,
  renderDiffText,
} from "../../src/plan/diff";
import { MOCK_SECRET } from "../../src/plan/engine";
import { changed, type MutableResource as Mutable, planStack } from "../support/harness";

const byName = (resources: Mutable[], type: string, name: string) => {
  const r = resources.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} ${name}`);
  return r;
};

describe("diffPlans", () => {
  it("finds nothing between a stack and itself", async () => {
    const prod = await planStack("prod");
    const diff = diffPlans(prod, prod);
    expect(isEmpty(diff)).toBe(true);
    expect(renderDiffText(diff, "header")).toContain("prod: no changes");
  });

  it("names a changed property with its old and new value, and nothing else", async () => {
    const dev = await planStack("dev");
    const after = changed(dev, (rs) => {
      byName(rs, "aws:cloudwatch/logGroup:LogGroup", "flow-logs").inputs.retentionInDays = 60;
    });
    const diff = diffPlans(dev, after);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toHaveLength(1);
    expect(diff.changed[0]).toMatchObject({
      type: "aws:cloudwatch/logGroup:LogGroup",
      name: "flow-logs",
      changes: [{ path: "retentionInDays", before: "30", after: "60" }],
    });
  });

  it("opens policy documents up to the statement that changed", async () => {
    const prod = await planStack("prod");
    const after = changed(prod, (rs) => {
      const p = byName(rs, "aws:iam/rolePolicy:RolePolicy", "worker-data-access");
      const doc = JSON.parse(String(p.inputs.policy)) as { Statement: { Action: string | string[] }[] };
      doc.Statement[0]!.Action = "s3:*";
      p.inputs.policy = JSON.stringify(doc);
    });
    const [c] = diffPlans(prod, after).changed;
    expect(c?.changes.map((x) => x.path)[0]).toMatch(/^policy\.Statement\[0\]\.Action/);
    expect(c?.changes.some((x) => x.after === '"s3:*"')).toBe(true);
  });

  it("masks secrets: Pulumi secrets, secret-named properties and the mocked secret config values", async () => {
    const prod = await planStack("prod");
    const secretVersion = prod.resources.find(
      (r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion",
    );
    expect(secretVersion).toBeDefined();
    const after = changed(prod, (rs) => {
      // A Pulumi secret (as the program passes it) and a plain value under a secret property name.
      byName(rs, secretVersion!.type, secretVersion!.name).inputs.secretString = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        value: '{"apiKey":"hunter2-new"}',
      };
      byName(rs, "aws:opensearch/domain:Domain", "search").inputs.masterPassword = "hunter2-plain";
      byName(rs, "aws:lambda/function:Function", "worker").inputs.description = `key ${MOCK_SECRET}`;
      // A Pulumi secret under a name nothing else would mask.
      (
        byName(rs, "aws:lambda/function:Function", "worker").inputs.environment as {
          variables: Record<string, unknown>;
        }
      ).variables.DB_HOST = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        value: "hunter3.example.com",
      };
    });
    const diff = diffPlans(prod, after);
    const text = renderDiffText(diff, "") + renderDiffMarkdown(diff);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("hunter3");
    expect(text).not.toContain(MOCK_SECRET);
    const all = diff.changed.flatMap((c) => c.changes);
    const secretChanges = all.filter((x) => x.path.startsWith("secretString"));
    expect(secretChanges.length).toBeGreaterThan(0);
    for (const x of secretChanges)
      for (const v of [x.before, x.after]) if (v !== undefined) expect(v).toBe(MASK);
    expect(all.find((x) => x.path === "description")?.after).toBe(MASK);
    expect(all.find((x) => x.path === "masterPassword")?.after).toBe(MASK);
    expect(
      all.filter((x) => x.path.startsWith("environment.variables.DB_HOST")).map((x) => x.after ?? x.before),
    ).toEqual([MASK]);
  });

  it("puts removals and changes of protected resources first, in every format", async () => {
    const prod = await planStack("prod");
    const after = changed(prod, (rs) => {
      // Plain resources that come before the protected ones in the plan, so the order is the diff's doing.
      rs.splice(rs.indexOf(byName(rs, "aws:cloudwatch/logGroup:LogGroup", "flow-logs")), 1);
      rs.splice(rs.indexOf(byName(rs, "aws:rds/instance:Instance", "db-replica-2")), 1);
      byName(rs, "aws:ec2/subnet:Subnet", "public-a").inputs.mapPublicIpOnLaunch = true;
      byName(rs, "aws:dynamodb/table:Table", "payments-table").inputs.billingMode = "PROVISIONED";
      byName(rs, "aws:sqs/queue:Queue", "payments-queue").inputs.delaySeconds = 5;
    });
    const diff: PlanDiff = diffPlans(prod, after);
    expect(diff.removed.map((r) => [r.name, r.protect])).toEqual([
      ["db-replica-2", true],
      ["flow-logs", false],
    ]);
    expect(diff.changed.map((c) => c.name)).toEqual(["payments-table", "payments-queue", "public-a"]);
    const text = renderDiffText(diff, "");
    expect(text.indexOf("PROTECTED resources to REMOVE")).toBeLessThan(text.indexOf("Remove:"));
    expect(text.indexOf("db-replica-2")).toBeLessThan(text.indexOf("PROTECTED resources to change"));
    const md = renderDiffMarkdown(diff);
    expect(md.startsWith("> [!CAUTION]")).toBe(true);
    expect(md.indexOf("**remove** `aws:rds/instance:Instance` `db-replica-2`")).toBeGreaterThan(0);
    expect(md.indexOf("db-replica-2")).toBeLessThan(md.indexOf("<details"));
  });

  it("reports lifting protection as a change of the protected resource", async () => {
    const prod = await planStack("prod");
    const after = changed(prod, (rs) => {
      byName(rs, "aws:rds/instance:Instance", "db-primary").protect = false;
    });
    expect(diffPlans(prod, after).changed).toEqual([
      expect.objectContaining({
        name: "db-primary",
        protectedBefore: true,
        changes: [{ path: "[protect]", before: "true", after: "false" }],
      }),
    ]);
  });
});

describe("the Markdown report (what the pull request comment shows)", () => {
  it("has the stack's heading, the cost change, the policy findings and the changes, in that order", async () => {
    const management = await planStack("management");
    const after = changed(management, (rs) => {
      byName(rs, "aws:cloudwatch/logGroup:LogGroup", "flow-logs").inputs.retentionInDays = 30;
    });
    const args = {
      stack: "management",
      diff: "origin/main",
      cost: false,
      policy: true,
      format: "markdown" as const,
      help: false,
    };
    const report = compose(after, management, args);
    expect(report.mandatoryViolations).toBe(1);
    const md = report.text;
    const order = [
      "### `management`: 0 to add, 1 to change, 0 to remove",
      "**Fixed monthly cost: $",
      "**Policy pack:** 1 mandatory, 0 advisory",
      "| mandatory | `log-retention` | `aws:cloudwatch/logGroup:LogGroup flow-logs` | events are kept 30 days; at least 90 in management |",
      "| ✏️ change | `aws:cloudwatch/logGroup:LogGroup` | `flow-logs` | `retentionInDays` | `365` | `30` |",
    ].map((line) => md.indexOf(line));
    expect(
      order.every((i) => i >= 0),
      md,
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

/**
 * A commit of the working tree as it is, tracked and untracked files alike (what `.gitignore`
 * leaves), made through a temporary index: the repository's index, branches and reflog stay as
 * they are, and the commit is garbage once the test is done.
 */
function workingTreeCommit(repo: string): string {
  const index = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "platform-diff-index-")), "index");
  const env = {
    ...process.env,
    GIT_INDEX_FILE: index,
    GIT_AUTHOR_NAME: "diff test",
    GIT_AUTHOR_EMAIL: "diff-test@invalid",
    GIT_COMMITTER_NAME: "diff test",
    GIT_COMMITTER_EMAIL: "diff-test@invalid",
  };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, env }).toString().trim();
  try {
    git("read-tree", "HEAD");
    git("add", "-A");
    return git("commit-tree", git("write-tree"), "-p", "HEAD", "-m", "working tree, for the diff test");
  } finally {
    fs.rmSync(path.dirname(index), { recursive: true, force: true });
  }
}

describe("npm run plan -- --diff <ref>", () => {
  const repo = findProjectRoot();
  const copies: string[] = [];
  afterAll(() => {
    for (const dir of copies) {
      execFileSync("git", ["worktree", "remove", "--force", dir], { cwd: repo });
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it("names exactly the change made to a stack file in a temporary copy of the repository, and runs the policy pack on it", async () => {
    // A copy of the working tree as it is (uncommitted changes included, as a commit nothing
    // points to), so the baseline runs the same code the working side does, clean tree or not.
    const snapshot = workingTreeCommit(repo);
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "platform-diff-test-")), "repo");
    execFileSync("git", ["worktree", "add", "--detach", "--quiet", dir, snapshot], { cwd: repo });
    copies.push(dir);
    const file = path.join(dir, "Pulumi.management.yaml");
    const doc = parse(fs.readFileSync(file, "utf8")) as {
      config: Record<string, { flowLogRetentionDays: number }>;
    };
    const before = doc.config["platform:network"]!.flowLogRetentionDays;
    // The config accepts 30 days of flow logs anywhere; the policy pack wants 90 in the gated stacks.
    doc.config["platform:network"]!.flowLogRetentionDays = 30;
    fs.writeFileSync(file, stringify(doc));

    let stdout = "";
    let stderr = "";
    const code = await run(
      ["--stack", "management", "--diff", snapshot, "--policy", "--root", dir, "--json"],
      {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
      },
    );
    expect(code, stderr).toBe(3); // a mandatory violation
    expect(stderr).toContain(`evaluating stack "management" at ${snapshot}`);
    expect(stderr).toMatch(/policy pack: 1 mandatory, 0 advisory/);
    const { diff, policy } = JSON.parse(stdout) as {
      diff: PlanDiff & { cost: { delta: number } };
      policy: { mandatory: number; findings: { policy: string; resource: { name: string } }[] };
    };
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toEqual([
      expect.objectContaining({
        type: "aws:cloudwatch/logGroup:LogGroup",
        name: "flow-logs",
        changes: [{ path: "retentionInDays", before: String(before), after: "30" }],
      }),
    ]);
    expect(diff.cost.delta).toBe(0);
    expect(policy.findings).toEqual([
      expect.objectContaining({
        policy: "log-retention",
        resource: expect.objectContaining({ name: "flow-logs" }),
      }),
    ]);
  });

  it("exits 2 on a ref that is not a commit", async () => {
    let stderr = "";
    const code = await run(["--stack", "dev", "--diff", "no-such-ref-anywhere"], {
      stdout: () => {},
      stderr: (t) => (stderr += t),
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/"no-such-ref-anywhere" is not a commit/);
  });
});
