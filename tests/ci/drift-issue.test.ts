import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findProjectRoot } from "../../src/core/config-loader";

const script = path.join(findProjectRoot(), "scripts/drift-issue.sh");
const DRIFT = `Previewing update (prod):
~ aws:ec2/securityGroup:SecurityGroup: (update)
    ~ ingress: [ + 0.0.0.0/0 ]
error: no changes were expected but changes were proposed
`;

/** Runs the script against a fake `gh` that records its calls and knows the given open issue. */
function run(status: number, output: string, openIssue?: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
  const log = path.join(dir, "calls.log");
  fs.writeFileSync(
    path.join(dir, "gh"),
    `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "${log}"
if [[ "$1 $2" == "issue list" ]]; then ${openIssue === undefined ? "true" : `echo ${openIssue}`}; fi
for a in "$@"; do if [[ -f "$a" && "$a" != "${log}" ]]; then cat "$a" >> "${log}.body"; fi; done
`,
    { mode: 0o755 },
  );
  const out = path.join(dir, "preview.txt");
  fs.writeFileSync(out, output);
  const r = spawnSync("bash", [script, "prod", String(status), out], {
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${dir}:${process.env.PATH}`,
      GITHUB_REPOSITORY: "payments-co/platform",
      GITHUB_RUN_ID: "42",
    },
  });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
  const body = fs.existsSync(`${log}.body`) ? fs.readFileSync(`${log}.body`, "utf8") : "";
  return { code: r.status, calls: calls.filter((c) => c !== ""), body, stderr: r.stderr };
}

const writes = (calls: string[]) => calls.filter((c) => !c.startsWith("issue list"));

describe("drift-issue.sh", () => {
  it("opens one labelled issue for a drifted stack, with the diff", () => {
    const r = run(255, DRIFT);
    expect(r.code).toBe(0);
    expect(writes(r.calls)).toEqual([
      expect.stringMatching(/^label create drift /),
      expect.stringMatching(/^issue create --title Drift in the prod stack --label drift --body-file /),
    ]);
    expect(r.body).toContain("ingress: [ + 0.0.0.0/0 ]");
    expect(r.body).toContain("https://github.com/payments-co/platform/actions/runs/42");
  });

  it("updates the stack's open issue while the drift lasts", () => {
    const r = run(255, DRIFT, 7);
    expect(writes(r.calls)).toEqual([
      expect.stringMatching(/^label create drift /),
      expect.stringMatching(/^issue edit 7 --body-file /),
    ]);
  });

  it("closes the stack's issue once no drift is found", () => {
    const r = run(0, "Previewing update (prod):\nResources: 250 unchanged\n", 7);
    expect(r.code).toBe(0);
    expect(writes(r.calls)).toEqual([
      expect.stringMatching(/^issue comment 7 --body No drift/),
      "issue close 7",
    ]);
  });

  it("does nothing when there is no drift and no issue", () => {
    expect(writes(run(0, "Resources: 250 unchanged\n").calls)).toEqual([]);
  });

  it("fails without touching issues when the preview failed for another reason", () => {
    const r = run(255, "error: could not assume role platform-ci-preview-prod\n", 7);
    expect(r.code).toBe(1);
    expect(r.calls).toEqual([]);
    expect(r.stderr).toMatch(/failed \(exit 255\) for another reason than drift/);
  });
});
