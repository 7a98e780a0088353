/**
 * `npm run record-promotion -- --env <environment> --version <chart version>`: writes the version
 * an environment now runs into its stack file (`platform:gitops.chartVersion` of
 * `Pulumi.<env>.yaml`), changing nothing else in the file (comments and layout included). The
 * promotion pipeline commits the result with the approver and the run in the commit message, so
 * git records what runs where; applying the stack then writes the same version into the
 * environment's cluster secret, which only seeds a newly generated Application.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import semver from "semver";
import { isDocument, parseDocument } from "yaml";
import { findProjectRoot } from "../core/config-loader";
import { ENVIRONMENT_STACKS, isEnvironmentName, stackFileName } from "../core/environments";

/** The stack file's text with `platform:gitops.chartVersion` set to `version`; throws if it has no such key. */
export function withChartVersion(text: string, version: string, file: string): string {
  const doc = parseDocument(text);
  if (!isDocument(doc) || doc.errors.length > 0) throw new Error(`${file} is not valid YAML`);
  const key = ["config", "platform:gitops", "chartVersion"];
  if (!doc.hasIn(key)) throw new Error(`${file} has no platform:gitops.chartVersion to set`);
  doc.setIn(key, version);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

export function run(
  argv: readonly string[],
  io: { stdout: (t: string) => void; stderr: (t: string) => void } = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  },
): number {
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      options: { env: { type: "string" }, version: { type: "string" }, root: { type: "string" } },
    });
    const env = values.env;
    if (!env || !isEnvironmentName(env)) {
      throw new Error(`--env: expected one of ${ENVIRONMENT_STACKS.join(", ")}`);
    }
    const version = values.version;
    if (!version || semver.valid(version) !== version)
      throw new Error("--version: expected an exact chart version (1.4.2)");
    const file = path.join(values.root ?? findProjectRoot(), stackFileName(env));
    const before = fs.readFileSync(file, "utf8");
    const after = withChartVersion(before, version, stackFileName(env));
    fs.writeFileSync(file, after);
    io.stdout(
      `${stackFileName(env)}: platform:gitops.chartVersion ${before === after ? "already" : "now"} ${version}\n`,
    );
    return 0;
  } catch (err) {
    io.stderr(`record-promotion: ${(err as Error).message}\n`);
    return 2;
  }
}

if (require.main === module) process.exitCode = run(process.argv.slice(2));
