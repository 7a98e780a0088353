import * as fs from "node:fs";
import * as path from "node:path";
import { findProjectRoot, readStackFiles } from "../core/config-loader";
import { MANAGEMENT_STACK } from "../core/environments";
import { renderSopsFile } from "../governance";

/**
 * Files of the repository that are derived from the list of stacks (src/core/environment-list.ts):
 * committed so tools that cannot run TypeScript read them, and kept equal to what the list says.
 * `npm run derive` rewrites them; `npm run derive -- --check` (and a test) fails when one is stale.
 */
export interface DerivedFile {
  /** Path relative to the project root. */
  readonly path: string;
  readonly content: string;
}

export function derivedFiles(root: string = findProjectRoot()): DerivedFile[] {
  const management = readStackFiles(root)[MANAGEMENT_STACK] ?? {};
  const keyAccountId = String(management["platform:accountId"] ?? "");
  const region = String(management["aws:region"] ?? "");
  return [{ path: ".sops.yaml", content: renderSopsFile({ keyAccountId, region }) }];
}

/** The derived files whose committed content differs from what the list says. */
export function staleDerivedFiles(root: string = findProjectRoot()): string[] {
  return derivedFiles(root)
    .filter((f) => {
      const file = path.join(root, f.path);
      return !fs.existsSync(file) || fs.readFileSync(file, "utf8") !== f.content;
    })
    .map((f) => f.path);
}

if (require.main === module) {
  const check = process.argv.includes("--check");
  const root = findProjectRoot();
  if (check) {
    const stale = staleDerivedFiles(root);
    if (stale.length > 0) {
      process.stderr.write(
        `derive: out of date with src/core/environment-list.ts: ${stale.join(", ")}; run npm run derive\n`,
      );
      process.exitCode = 1;
    } else {
      process.stderr.write("derive: every derived file is up to date\n");
    }
  } else {
    for (const f of derivedFiles(root)) {
      fs.writeFileSync(path.join(root, f.path), f.content);
      process.stderr.write(`derive: wrote ${f.path}\n`);
    }
  }
}
