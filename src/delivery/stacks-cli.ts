/**
 * `npm run --silent stacks -- --changed FILE` prints, as one line of JSON, the preview matrix of
 * the stacks a change touches (FILE: the changed paths, one per line, as `git diff --name-only`
 * prints them); `--all` prints it for every stack. `ci.yml` feeds it to its preview job.
 */
import * as fs from "node:fs";
import { STACK_NAMES } from "../core/environments";
import { changedStacks, previewMatrix } from "./changed-stacks";

export function run(argv: readonly string[]): { code: number; out: string } {
  if (argv[0] === "--all" && argv.length === 1) {
    return { code: 0, out: `${JSON.stringify(previewMatrix(STACK_NAMES))}\n` };
  }
  if (argv[0] === "--changed" && argv.length === 2) {
    const paths = fs
      .readFileSync(argv[1]!, "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    return { code: 0, out: `${JSON.stringify(previewMatrix(changedStacks(paths)))}\n` };
  }
  return { code: 2, out: "usage: npm run --silent stacks -- --changed FILE | --all\n" };
}

if (require.main === module) {
  const { code, out } = run(process.argv.slice(2));
  (code === 0 ? process.stdout : process.stderr).write(out);
  process.exitCode = code;
}
