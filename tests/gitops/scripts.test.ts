import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CHAINED_TOKEN_SCRIPT, clusterApiOf, roleKubeconfig } from "../../src/cluster/kubeconfig";

const API = { server: "https://ABC.gr7.eu-west-2.eks.amazonaws.com", caData: "LS0tLS1CRUdJTg==" };
const DEPLOY = "arn:aws:iam::529381746102:role/platform-deploy";
const REGISTRAR = "arn:aws:iam::318274619203:role/platform-argocd-registrar";

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A directory of fake commands, each logging its arguments (and AWS credentials) and printing `output`. */
function fakeBin(commands: Record<string, string>): { bin: string; log: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "fake-bin-"));
  dirs.push(dir);
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  const log = path.join(dir, "calls.log");
  for (const [name, output] of Object.entries(commands)) {
    const file = path.join(bin, name);
    writeFileSync(
      file,
      [
        "#!/bin/sh",
        `{ printf '%s' "${name}"; for a in "$@"; do printf ' [%s]' "$a"; done; printf ' key=%s profile=%s' "\${AWS_ACCESS_KEY_ID:-}" "\${AWS_PROFILE:-}"; echo; } >> "${log}"`,
        `if [ "${name}" = curl ]; then cat >> "${log}"; echo >> "${log}"; fi`,
        `printf '%s' '${output}'`,
        "",
      ].join("\n"),
    );
    chmodSync(file, 0o755);
  }
  return { bin, log };
}

describe("the cluster API from a kubeconfig", () => {
  const kubeconfig = {
    clusters: [{ name: "x", cluster: { server: API.server, "certificate-authority-data": API.caData } }],
  };

  it("reads the endpoint and CA of the first cluster, from an object or its JSON", () => {
    expect(clusterApiOf(kubeconfig)).toEqual(API);
    expect(clusterApiOf(JSON.stringify(kubeconfig))).toEqual(API);
  });

  it("refuses a kubeconfig without an https endpoint or a CA", () => {
    expect(() => clusterApiOf({})).toThrow(/no https:\/\/ server/);
    expect(() => clusterApiOf({ clusters: [{ cluster: { server: "http://x" } }] })).toThrow(/https/);
    expect(() => clusterApiOf({ clusters: [{ cluster: { server: API.server } }] })).toThrow(
      /certificate-authority-data/,
    );
  });
});

describe("the registrar's kubeconfig", () => {
  it("gets a token for the role directly when the caller is already in the right account", () => {
    const k = roleKubeconfig({
      clusterName: "platform-management-eks",
      api: API,
      region: "eu-west-2",
      roleArn: REGISTRAR,
      sessionName: "s",
    }) as { clusters: unknown[]; users: { user: { exec: { command: string; args: string[] } } }[] };
    expect(k.clusters).toEqual([
      {
        name: "platform-management-eks",
        cluster: { server: API.server, "certificate-authority-data": API.caData },
      },
    ]);
    expect(k.users[0]!.user.exec).toMatchObject({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: [
        "eks",
        "get-token",
        "--cluster-name",
        "platform-management-eks",
        "--region",
        "eu-west-2",
        "--role-arn",
        REGISTRAR,
        "--output",
        "json",
      ],
    });
  });

  it("chains through the stack's deploy role: the first hop with the caller's credentials, the second with the deploy role's", () => {
    const k = roleKubeconfig({
      clusterName: "platform-management-eks",
      api: API,
      region: "eu-west-2",
      roleArn: REGISTRAR,
      viaRoleArn: DEPLOY,
      sessionName: "pulumi-platform-dev-registrar",
    }) as { users: { user: { exec: { command: string; args: string[] } } }[] };
    const exec = k.users[0]!.user.exec;
    expect(exec.command).toBe("sh");
    expect(exec.args[1]).toBe(CHAINED_TOKEN_SCRIPT);

    const token = '{"kind":"ExecCredential","status":{"token":"k8s-aws-v1.x"}}';
    const { bin, log } = fakeBin({ aws: "", curl: "" });
    // The fake aws answers assume-role with three credentials, and get-token with the token.
    writeFileSync(
      path.join(bin, "aws"),
      [
        "#!/bin/sh",
        `{ printf 'aws'; for a in "$@"; do printf ' [%s]' "$a"; done; printf ' key=%s profile=%s' "\${AWS_ACCESS_KEY_ID:-}" "\${AWS_PROFILE:-}"; echo; } >> "${log}"`,
        `case "$1 $2" in "sts assume-role") printf 'AKIAHOP1\\tsecret1\\ttoken1\\n';; "eks get-token") printf '%s' '${token}';; esac`,
        "",
      ].join("\n"),
    );
    const out = execFileSync(exec.command, exec.args, {
      encoding: "utf8",
      env: { PATH: `${bin}:/usr/bin:/bin`, AWS_PROFILE: "platform-admin", AWS_ACCESS_KEY_ID: "AKIACALLER" },
    });
    expect(out).toBe(token);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls).toEqual([
      `aws [sts] [assume-role] [--region] [eu-west-2] [--role-arn] [${DEPLOY}] [--role-session-name] [pulumi-platform-dev-registrar] [--duration-seconds] [900] [--query] [Credentials.[AccessKeyId,SecretAccessKey,SessionToken]] [--output] [text] key=AKIACALLER profile=platform-admin`,
      `aws [eks] [get-token] [--cluster-name] [platform-management-eks] [--region] [eu-west-2] [--role-arn] [${REGISTRAR}] [--output] [json] key=AKIAHOP1 profile=`,
    ]);
  });

  it("fails, rather than falling back to the caller, when the first hop fails", () => {
    const { bin } = fakeBin({ aws: "" });
    writeFileSync(path.join(bin, "aws"), "#!/bin/sh\necho denied >&2\nexit 254\n");
    const k = roleKubeconfig({
      clusterName: "c",
      api: API,
      region: "eu-west-2",
      roleArn: REGISTRAR,
      viaRoleArn: DEPLOY,
      sessionName: "s",
    }) as { users: { user: { exec: { args: string[] } } }[] };
    expect(() =>
      execFileSync("sh", k.users[0]!.user.exec.args, {
        env: { PATH: `${bin}:/usr/bin:/bin` },
        stdio: "pipe",
      }),
    ).toThrow();
  });
});
