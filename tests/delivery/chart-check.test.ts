import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/delivery/chart-check-cli";
import { checkChartVersion } from "../../src/delivery/chart-release";

/** The pull request check of the chart release: a chart change must raise the chart's version. */

function repo(): { dir: string; commit: (files: Record<string, string>, message: string) => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chart-check-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: dir,
      stdio: "pipe",
    });
  git("init", "-q", "-b", "main");
  return {
    dir,
    commit(files, message) {
      for (const [f, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.writeFileSync(path.join(dir, f), text);
      }
      git("add", "-A");
      git("commit", "-q", "-m", message);
    },
  };
}

const chart = (version: string) => `apiVersion: v2\nname: payments\nversion: ${version}\n`;

function check(dir: string) {
  let stdout = "";
  let stderr = "";
  const code = run(["--base", "main"], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: dir,
  });
  return { code, stdout, stderr };
}

function branch(dir: string) {
  execFileSync("git", ["checkout", "-q", "-b", "change"], { cwd: dir });
}

describe("npm run chart-check", () => {
  it("fails a chart change that keeps the version, saying what to do", () => {
    const r = repo();
    r.commit(
      { "charts/payments/Chart.yaml": chart("1.4.2"), "charts/payments/values.yaml": "a: 1\n" },
      "base",
    );
    branch(r.dir);
    r.commit({ "charts/payments/values.yaml": "a: 2\n" }, "change a value");
    const out = check(r.dir);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(
      "chart-check: FAILED: 1 file(s) under charts/payments/ changed (charts/payments/values.yaml), but charts/payments/Chart.yaml still says version 1.4.2. Every chart change is a new release: raise version above 1.4.2 (e.g. 1.4.3 for a fix, 1.5.0 for a feature).",
    );
  });

  it("fails a version that goes backwards", () => {
    const r = repo();
    r.commit({ "charts/payments/Chart.yaml": chart("1.4.2") }, "base");
    branch(r.dir);
    r.commit({ "charts/payments/Chart.yaml": chart("1.4.1") }, "lower");
    expect(check(r.dir).stderr).toContain("still says version 1.4.1 (the base branch has 1.4.2)");
  });

  it("passes a chart change with a raised version, and changes outside the chart", () => {
    const r = repo();
    r.commit({ "charts/payments/Chart.yaml": chart("1.4.2"), "README.md": "x\n" }, "base");
    branch(r.dir);
    r.commit({ "README.md": "y\n" }, "docs");
    expect(check(r.dir)).toMatchObject({
      code: 0,
      stdout: "chart-check: no change under charts/payments/: nothing to release\n",
    });
    r.commit(
      { "charts/payments/Chart.yaml": chart("1.5.0"), "charts/payments/templates/x.yaml": "{}\n" },
      "feature",
    );
    expect(check(r.dir)).toMatchObject({
      code: 0,
      stdout:
        "chart-check: charts/payments changes with version 1.4.2 → 1.5.0: it will be released as 1.5.0\n",
    });
  });

  it("refuses a version that is not exact SemVer, and a missing base", () => {
    expect(
      checkChartVersion({
        changedFiles: ["charts/payments/Chart.yaml"],
        baseVersion: "1.0.0",
        headVersion: "v1.1",
      }),
    ).toEqual({
      ok: false,
      message: 'charts/payments/Chart.yaml: version "v1.1" is not an exact SemVer version (1.4.2)',
    });
    const r = repo();
    r.commit({ "charts/payments/Chart.yaml": chart("1.0.0") }, "base");
    const out = run([], { stdout: () => {}, stderr: () => {}, cwd: r.dir });
    expect(out).toBe(2);
  });
});
