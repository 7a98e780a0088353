/**
 * The offline plan: `npm run plan -- --stack <name> [--diff REF] [--cost] [--policy] [--json|--markdown]`.
 *
 * Evaluates the real program with the stack's real `Pulumi.<stack>.yaml` under Pulumi mocks
 * (no cloud credentials, nothing contacted). Without a report option it prints, grouped by
 * component, every resource the stack would create. `--diff REF` compares the stack at a git ref
 * with the working tree, `--cost` prices it, `--policy` runs the policy pack on it. Progress goes
 * to standard error, the report to standard output (or `--out`).
 *
 * Exit status: 0 done; 1 the program failed; 2 bad arguments, an unknown ref or a configuration
 * error; 3 the policy pack found a mandatory violation (the report is still written).
 */
import * as fs from "node:fs";
import { parseArgs as parseNodeArgs } from "node:util";
import { ConfigError } from "../core/config-loader";
import { isPrStackName, PR_BASE_ENVIRONMENT, STACK_NAMES, stackFileName } from "../core/environments";
import { evaluateAtRef, RefError, resolveCommit } from "./baseline";
import { costChange, estimateCost, renderCostChange, renderCostMarkdown, renderCostText } from "./cost";
import { diffPlans, renderDiffMarkdown, renderDiffText, summary } from "./diff";
import { BOOTSTRAP_PLAN_STACK, evaluateStack, type PlanResult } from "./engine";
import {
  mandatoryCount,
  policyFindings,
  policySummary,
  renderPolicyMarkdown,
  renderPolicyText,
} from "./policy-report";
import { renderText, toPlanJson } from "./render";

const USAGE = `usage: npm run plan -- --stack <${[...STACK_NAMES, BOOTSTRAP_PLAN_STACK].join("|")}|pr-<number>> [--diff REF] [--cost] [--policy] [--json | --markdown] [--out FILE] [--root DIR]

  --stack NAME   the stack to plan (reads Pulumi.NAME.yaml; "${BOOTSTRAP_PLAN_STACK}": the bootstrap program,
                 which reads Pulumi.management.yaml; pr-<number>: a PR environment, whose settings
                 derive from ${stackFileName(PR_BASE_ENVIRONMENT)})
  --diff REF     compare with the stack at git ref REF (a branch, tag or commit): added, removed and
                 changed resources property by property, protected ones first, and the cost change
  --cost         the fixed monthly cost per component and in total, from src/plan/price-table.ts
  --policy       run the policy pack (policy/) on the evaluation; exit 3 on a mandatory violation
  --json         print JSON instead of text (use \`npm run --silent plan\` to keep npm's banner out)
  --markdown     print Markdown (what CI posts on pull requests)
  --out FILE     write the output to FILE instead of standard output
  --root DIR     the project directory holding Pulumi.yaml and the stack files (default: this repository)
`;

export interface Args {
  readonly stack?: string;
  readonly diff?: string;
  readonly cost: boolean;
  readonly policy: boolean;
  readonly format: "text" | "json" | "markdown";
  readonly out?: string;
  readonly root?: string;
  readonly help: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): Args {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.json && v.markdown) throw new UsageError("--json and --markdown exclude each other");
  for (const key of ["stack", "diff", "out", "root"] as const) {
    if (v[key] !== undefined && (v[key] === "" || v[key]?.startsWith("--")))
      throw new UsageError(`--${key} needs a value`);
  }
  return {
    stack: v.stack,
    diff: v.diff,
    cost: v.cost ?? false,
    policy: v.policy ?? false,
    format: v.json ? "json" : v.markdown ? "markdown" : "text",
    out: v.out,
    root: v.root,
    help: v.help ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseNodeArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      stack: { type: "string" },
      diff: { type: "string" },
      cost: { type: "boolean" },
      policy: { type: "boolean" },
      json: { type: "boolean" },
      markdown: { type: "boolean" },
      out: { type: "string" },
      root: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** What the plan reads for a stack: its stack file, or for the bootstrap its project and the management file. */
function source(stack: string): string {
  if (isPrStackName(stack)) {
    return `a PR environment on ${PR_BASE_ENVIRONMENT}, settings from ${stackFileName(PR_BASE_ENVIRONMENT)}`;
  }
  return stack === BOOTSTRAP_PLAN_STACK
    ? "bootstrap/Pulumi.yaml and Pulumi.management.yaml"
    : stackFileName(stack);
}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/** Runs the plan command; returns the exit code (see the file comment). */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    io.stderr(`plan: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (!args.stack) {
    io.stderr(`plan: --stack is required\n${USAGE}`);
    return 2;
  }
  const stack = args.stack;
  const started = Date.now();
  const progress = (line: string) => io.stderr(`plan: ${line}\n`);
  try {
    // A bad ref fails before anything is evaluated.
    if (args.diff) resolveCommit(args.diff, args.root ?? process.cwd());
    progress(`evaluating stack "${stack}" from ${source(stack)} under mocks...`);
    const working = evaluateStack(stack, { root: args.root, keepOutputs: true });
    // The ref's evaluation runs in a child process, side by side with the working tree's.
    const baseline = args.diff
      ? evaluateAtRef(args.diff, stack, args.root ?? process.cwd(), progress)
      : Promise.resolve(undefined);
    const [plan, before] = await Promise.all([working, baseline]);
    progress(`evaluated ${plan.resources.length} registrations in ${seconds(started)}`);

    const report = compose(plan, before?.plan, args);
    if (args.out) {
      fs.writeFileSync(args.out, report.text);
      progress(`wrote ${args.out}`);
    } else {
      io.stdout(report.text);
    }
    for (const line of report.summary) progress(line);
    progress(`done in ${seconds(started)}`);
    return report.mandatoryViolations > 0 ? 3 : 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    if (err instanceof RefError) {
      io.stderr(`plan: ${err.message}\n`);
      return 2;
    }
    const e = err as Error;
    io.stderr(`plan: the program failed for stack "${stack}": ${e.message}\n`);
    if (process.env.PLATFORM_PLAN_DEBUG) io.stderr(`${e.stack ?? ""}\n`);
    else io.stderr("plan: set PLATFORM_PLAN_DEBUG=1 for the stack trace\n");
    return 1;
  }
}

export interface Report {
  readonly text: string;
  readonly summary: string[];
  readonly mandatoryViolations: number;
}

/** The report for an evaluated stack (and the ref's evaluation with `--diff`). Pure apart from the policy pack's stack files. */
export function compose(plan: PlanResult, before: PlanResult | undefined, args: Args): Report {
  const { format } = args;
  const findings = args.policy ? policyFindings(plan, args.root) : undefined;
  const mandatoryViolations = findings ? mandatoryCount(findings) : 0;
  const summaryLines: string[] = findings ? [policySummary(findings)] : [];

  if (!before && !args.cost && !findings) {
    const json = toPlanJson(plan);
    summaryLines.push(`${json.total} resources`);
    if (format === "json")
      return { text: `${JSON.stringify(json, null, 2)}\n`, summary: summaryLines, mandatoryViolations };
    const header =
      `Offline plan for stack "${plan.stack}" (${source(plan.stack)}): what \`pulumi up\` would create on an empty stack.\n` +
      "Evaluated under Pulumi mocks: no cloud account was contacted; computed values (ids, ARNs) are placeholders.";
    const text = renderText(json, header);
    return {
      text: format === "markdown" ? `\`\`\`text\n${text}\`\`\`\n` : text,
      summary: summaryLines,
      mandatoryViolations,
    };
  }

  const cost = args.cost || before ? estimateCost(plan) : undefined;
  const diff = before ? diffPlans(before, plan) : undefined;
  const change = before && cost ? costChange(estimateCost(before), cost) : undefined;
  if (diff) summaryLines.unshift(`${plan.stack}: ${summary(diff)}`);
  if (cost) summaryLines.push(`fixed monthly cost $${cost.total.toFixed(2)} (price table of ${cost.date})`);

  if (format === "json") {
    const json = {
      stack: plan.stack,
      ...(diff ? { diff: { ref: args.diff, ...diff, cost: change } } : {}),
      ...(args.cost && cost ? { cost } : {}),
      ...(findings ? { policy: { mandatory: mandatoryViolations, findings } } : {}),
    };
    return { text: `${JSON.stringify(json, null, 2)}\n`, summary: summaryLines, mandatoryViolations };
  }
  const parts: string[] = [];
  if (format === "markdown") {
    parts.push(`### \`${plan.stack}\`${diff ? `: ${summary(diff)}` : ""}\n`);
    if (change) parts.push(renderCostChange(change, true));
    if (findings) parts.push(renderPolicyMarkdown(findings));
    if (diff) parts.push(renderDiffMarkdown(diff));
    if (args.cost && cost) parts.push(renderCostMarkdown(cost));
  } else {
    if (diff) {
      parts.push(
        renderDiffText(
          diff,
          `Offline diff of stack "${plan.stack}": ${args.diff} → working tree (evaluated under Pulumi mocks; computed values are placeholders).`,
        ),
      );
    }
    if (change) parts.push(renderCostChange(change, false));
    if (args.cost && cost) parts.push(renderCostText(cost));
    if (findings) parts.push(renderPolicyText(findings));
  }
  return { text: parts.join("\n"), summary: summaryLines, mandatoryViolations };
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`plan: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
