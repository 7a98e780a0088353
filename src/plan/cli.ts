/**
 * The offline plan: `npm run plan -- --stack <name> [--json] [--out FILE]`.
 *
 * Evaluates the real program with the stack's real `Pulumi.<stack>.yaml` under Pulumi mocks
 * (no cloud credentials, nothing contacted) and prints, grouped by component, every resource
 * the stack would create with its key properties, then totals per type. `--json` prints the
 * same as JSON. A configuration error exits 2 with the error alone; any other failure exits 1.
 */
import * as fs from "node:fs";
import { ConfigError } from "../core/config-loader";
import { isPrStackName, PR_BASE_ENVIRONMENT, STACK_NAMES, stackFileName } from "../core/environments";
import { evaluateStack } from "./engine";
import { renderText, toPlanJson } from "./render";

const USAGE = `usage: npm run plan -- --stack <${STACK_NAMES.join("|")}|pr-<number>> [--json] [--out FILE]

  --stack NAME  the stack to plan (reads Pulumi.NAME.yaml); pr-<number> plans a PR environment,
                whose settings derive from ${stackFileName(PR_BASE_ENVIRONMENT)}
  --json        print the plan as JSON instead of text (use \`npm run --silent plan\` to keep npm's banner out)
  --out FILE    write the output to FILE instead of standard output
  --root DIR    the project directory holding Pulumi.yaml and the stack files (default: this repository)
`;

interface Args {
  stack?: string;
  json: boolean;
  out?: string;
  root?: string;
  help: boolean;
}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") args.json = true;
    else if (a === "--help" || a === "-h") args.help = true;
    else if (a === "--stack" || a === "--out" || a === "--root") {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} needs a value`);
      if (a === "--stack") args.stack = v;
      else if (a === "--out") args.out = v;
      else args.root = v;
    } else if (a.startsWith("--stack=")) args.stack = a.slice("--stack=".length);
    else throw new UsageError(`unknown argument "${a}"`);
  }
  return args;
}

class UsageError extends Error {}

/** Where a stack's settings come from: its stack file, or for a PR environment its base's. */
function sourceOf(stack: string): string {
  return isPrStackName(stack)
    ? `a PR environment on ${PR_BASE_ENVIRONMENT}, settings from ${stackFileName(PR_BASE_ENVIRONMENT)}`
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

/** Runs the plan command; returns the exit code (0 planned, 1 program failure, 2 usage or config error). */
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
  const started = Date.now();
  io.stderr(`plan: evaluating stack "${args.stack}" (${sourceOf(args.stack)}) under mocks...\n`);
  try {
    const plan = await evaluateStack(args.stack, { root: args.root });
    const json = toPlanJson(plan);
    const header =
      `Offline plan for stack "${plan.stack}" (${sourceOf(plan.stack)}): what \`pulumi up\` would create on an empty stack.\n` +
      "Evaluated under Pulumi mocks: no cloud account was contacted; computed values (ids, ARNs) are placeholders.";
    const text = args.json ? `${JSON.stringify(json, null, 2)}\n` : renderText(json, header);
    if (args.out) {
      fs.writeFileSync(args.out, text);
      io.stderr(`plan: wrote ${args.out}\n`);
    } else {
      io.stdout(text);
    }
    io.stderr(`plan: ${json.total} resources in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    const e = err as Error;
    io.stderr(`plan: the program failed for stack "${args.stack}": ${e.message}\n`);
    if (process.env.PLATFORM_PLAN_DEBUG) io.stderr(`${e.stack ?? ""}\n`);
    else io.stderr("plan: set PLATFORM_PLAN_DEBUG=1 for the stack trace\n");
    return 1;
  }
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
