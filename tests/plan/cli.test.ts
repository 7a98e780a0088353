import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { findProjectRoot } from "../../src/core/config-loader";
import { STACK_NAMES } from "../../src/core/environments";
import { run } from "../../src/plan/cli";

async function plan(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const repo = findProjectRoot();
const dirs: string[] = [];

/** A copy of the project's stack files with one key of one stack changed. */
function projectWith(stack: string, key: string, value: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-plan-"));
  dirs.push(dir);
  fs.copyFileSync(path.join(repo, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const s of STACK_NAMES) {
    const doc = parse(fs.readFileSync(path.join(repo, `Pulumi.${s}.yaml`), "utf8")) as {
      config: Record<string, unknown>;
    };
    if (s === stack) {
      if (value === undefined) delete doc.config[key];
      else doc.config[key] = value;
    }
    fs.writeFileSync(path.join(dir, `Pulumi.${s}.yaml`), stringify(doc));
  }
  return dir;
}

function network(stack: string, fields: Record<string, unknown>) {
  const doc = parse(fs.readFileSync(path.join(repo, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  return { ...(doc.config["platform:network"] as object), ...fields };
}

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("npm run plan", () => {
  it("prints prod's NAT gateways, EIPs, subnets and endpoints, and --json agrees with the text", async () => {
    const text = await plan("--stack", "prod");
    expect(text.code).toBe(0);
    const count = (type: string) =>
      Number(new RegExp(`^  ${type.replace(/[/.]/g, "\\$&")}\\s+(\\d+)$`, "m").exec(text.stdout)?.[1]);
    expect(count("aws:ec2/natGateway:NatGateway")).toBe(3);
    expect(count("aws:ec2/eip:Eip")).toBe(3);
    expect(count("aws:ec2/subnet:Subnet")).toBe(9);
    expect(text.stdout).toMatch(/vpce-ecr-dkr\s+vpcEndpointType=Interface/);
    expect(text.stdout).toMatch(/gw-s3\s+vpcEndpointType=Gateway/);

    const json = await plan("--stack", "prod", "--json");
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      totals: Record<string, number>;
      total: number;
      groups: { resources: unknown[] }[];
    };
    for (const [type, n] of Object.entries(parsed.totals)) expect(count(type), type).toBe(n);
    expect(parsed.groups.reduce((n, g) => n + g.resources.length, 0)).toBe(parsed.total);
    expect(text.stdout).toContain(`${parsed.total} resources to create`);
    // Two plans of prod (each evaluating management first), each in its own process.
  }, 120_000);

  it.each([
    ["a missing key", "prod", "platform:owner", undefined, /platform:owner: required key is missing/],
    ["a mistyped key", "dev", "platform:netwrok", {}, /platform:netwrok: unknown key/],
    [
      "a CIDR outside /16–/20",
      "prod",
      "platform:network",
      network("prod", { vpcCidr: "10.30.0.0/24" }),
      /between \/16 and \/20/,
    ],
    [
      "overlapping CIDRs",
      "prod",
      "platform:network",
      network("prod", { vpcCidr: "10.10.0.0/16" }),
      /overlaps the dev stack's VPC/,
    ],
    [
      "2 AZs in preprod",
      "preprod",
      "platform:network",
      network("preprod", { availabilityZones: ["eu-west-2a", "eu-west-2b"] }),
      /needs 3 availability zones/,
    ],
    [
      "a single NAT in prod",
      "prod",
      "platform:network",
      network("prod", { natGateways: "single" }),
      /one NAT gateway per AZ/,
    ],
  ])("exits 2 with the config error, not a stack trace, on %s", async (_what, stack, key, value, message) => {
    const result = await plan("--stack", stack, "--root", projectWith(stack, key, value));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`Invalid configuration for stack "${stack}" \\(Pulumi\\.${stack}\\.yaml\\)`),
    );
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe("");
  });

  it("exits 2 on an unknown stack and on bad arguments", async () => {
    expect((await plan("--stack", "staging")).stderr).toMatch(/unknown stack "staging"/);
    const noStack = await plan();
    expect(noStack.code).toBe(2);
    expect(noStack.stderr).toMatch(/--stack is required/);
    expect((await plan("--stack", "prod", "--bogus")).code).toBe(2);
    for (const bad of [
      ["--stack", "prod", "--json", "--markdown"],
      ["--stack", "prod", "--diff"],
      ["--stack", "prod", "--diff", "--cost"],
      ["--stack", "prod", "extra"],
    ]) {
      const r = await plan(...bad);
      expect(r.code, bad.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^plan: [\s\S]*usage: npm run plan/);
    }
  });

  it("exits 2 on a malformed PR environment name, naming the expected form", async () => {
    for (const name of ["pr-0123", "pr-abc", "PR-7"]) {
      const result = await plan("--stack", name);
      expect(result.code, name).toBe(2);
      expect(result.stderr).toContain(
        `"${name}" is not a PR environment stack name: expected pr-<number>, the pull request's number without leading zeros (pr-123)`,
      );
      expect(result.stdout).toBe("");
    }
  });
});
