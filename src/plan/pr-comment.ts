/**
 * The pull request comment: for every stack, the offline diff against the base commit, the change
 * of the fixed monthly cost and the policy pack's findings, as one Markdown document that CI posts
 * and updates in place (`.github/workflows/plan-diff.yml`, `plan-diff-comment.yml`).
 *
 *   npm run --silent plan:comment -- --base <sha> --out <dir> [--pr <number>] [--head <sha>]
 *
 * Writes `<dir>/comment.md` (and `pr-number`, `head-sha` for the posting workflow). Exit status:
 * 0, or 3 when a stack has a mandatory policy violation (the comment is written either way); 1
 * when a stack could not be evaluated (its section says why).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { STACK_NAMES } from "../core/environments";
import { run } from "./cli";
import { PRICE_TABLE } from "./price-table";

/** The hidden first line the posting workflow finds its own comment by. */
export const COMMENT_MARKER = "<!-- platform-plan-diff -->";
/** GitHub refuses comments above 65,536 characters; a stack's section is cut well before that. */
const MAX_SECTION = 14_000;

export interface StackSection {
  readonly stack: string;
  readonly code: number;
  readonly markdown: string;
  readonly error: string;
}

export function commentBody(
  sections: readonly StackSection[],
  base: string,
  head: string | undefined,
): string {
  const lines = [
    COMMENT_MARKER,
    "## Offline plan: what this pull request changes",
    "",
    `Each stack evaluated under Pulumi mocks at the base (\`${base.slice(0, 12)}\`) and with this pull request${head ? ` (\`${head.slice(0, 12)}\`)` : ""}; no cloud account was contacted. ` +
      `Costs are fixed monthly on-demand list prices (${PRICE_TABLE.region}, price table of ${PRICE_TABLE.date}); usage is not priced. ` +
      "The policy pack (`policy/`) runs on each evaluation; the credentialed `pulumi preview --policy-pack policy` runs it again on the real state. " +
      "How to read this: README, “Reviewing a pull request”.",
    "",
  ];
  for (const s of sections) {
    if (s.code === 1 || (s.code === 2 && !s.markdown)) {
      lines.push(
        `### \`${s.stack}\`: not evaluated`,
        "",
        "```text",
        s.error.trim().slice(0, 4000),
        "```",
        "",
      );
      continue;
    }
    const md =
      s.markdown.length > MAX_SECTION
        ? `${s.markdown.slice(0, MAX_SECTION)}\n\n… cut at ${MAX_SECTION} characters: the full report is in the workflow run's \`plan-comment\` artifact.\n`
        : s.markdown;
    lines.push(md.trimEnd(), "");
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      base: { type: "string" },
      out: { type: "string" },
      pr: { type: "string" },
      head: { type: "string" },
    },
  });
  if (!values.base || !values.out) {
    process.stderr.write(
      "usage: npm run plan:comment -- --base <ref> --out <dir> [--pr <number>] [--head <sha>]\n",
    );
    return 2;
  }
  fs.mkdirSync(values.out, { recursive: true });
  const sections: StackSection[] = [];
  for (const stack of STACK_NAMES) {
    let markdown = "";
    let error = "";
    const code = await run(["--stack", stack, "--diff", values.base, "--policy", "--markdown"], {
      stdout: (t) => {
        markdown += t;
      },
      stderr: (t) => {
        error += t;
        process.stderr.write(t);
      },
    });
    fs.writeFileSync(path.join(values.out, `${stack}.md`), markdown);
    sections.push({ stack, code, markdown, error });
  }
  fs.writeFileSync(path.join(values.out, "comment.md"), commentBody(sections, values.base, values.head));
  if (values.pr) fs.writeFileSync(path.join(values.out, "pr-number"), `${values.pr}\n`);
  if (values.head) fs.writeFileSync(path.join(values.out, "head-sha"), `${values.head}\n`);
  process.stderr.write(`plan:comment: wrote ${path.join(values.out, "comment.md")}\n`);
  if (sections.some((s) => s.code !== 0 && s.code !== 3)) return 1;
  return sections.some((s) => s.code === 3) ? 3 : 0;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`plan:comment: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
