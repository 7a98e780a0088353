/**
 * `npm run chart-check -- --base <git ref>`: fails when the changes since `<base>` touch
 * `charts/payments/` without raising the chart's version (the pull request check of the chart
 * release). Exit status 0 when the change is releasable, 1 when the version must be raised, 2 on
 * usage or git errors.
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { CHART_FILE, checkChartVersion } from "./chart-release";

function git(args: string[], cwd: string): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function versionOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const v = (parse(text) as { version?: unknown } | null)?.version;
  return v === undefined ? undefined : String(v);
}

export function run(
  argv: readonly string[],
  io: { stdout: (t: string) => void; stderr: (t: string) => void; cwd: string } = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
  },
): number {
  let base: string | undefined;
  try {
    ({ base } = parseArgs({ args: [...argv], strict: true, options: { base: { type: "string" } } }).values);
  } catch (err) {
    io.stderr(`chart-check: ${(err as Error).message}\nusage: npm run chart-check -- --base <git ref>\n`);
    return 2;
  }
  if (!base) {
    io.stderr("chart-check: --base is required (the pull request's base, e.g. origin/main)\n");
    return 2;
  }
  let changedFiles: string[];
  let baseChart: string | undefined;
  let headChart: string | undefined;
  try {
    // Changes of this branch since it left the base (what the pull request merges).
    changedFiles = git(["diff", "--name-only", `${base}...HEAD`], io.cwd)
      .split("\n")
      .filter(Boolean);
    try {
      baseChart = git(["show", `${base}:${CHART_FILE}`], io.cwd);
    } catch {
      baseChart = undefined;
    }
    headChart = git(["show", `HEAD:${CHART_FILE}`], io.cwd);
  } catch (err) {
    io.stderr(
      `chart-check: git failed: ${String((err as { stderr?: unknown }).stderr ?? (err as Error).message).trim()}\n`,
    );
    return 2;
  }
  const verdict = checkChartVersion({
    changedFiles,
    baseVersion: versionOf(baseChart),
    headVersion: versionOf(headChart),
  });
  (verdict.ok ? io.stdout : io.stderr)(`chart-check: ${verdict.ok ? "" : "FAILED: "}${verdict.message}\n`);
  return verdict.ok ? 0 : 1;
}

if (require.main === module) process.exitCode = run(process.argv.slice(2));
