/**
 * `npm run promote -- --env <environment> --version <chart version>`: promotes an environment's
 * payments Application to a released chart version through ArgoCD's REST API and waits until it is
 * Synced and Healthy, canaries included. `--rollback` returns it to the version before. Progress
 * goes to standard error; the outcome is the exit status (see `EXIT`) and one line on standard
 * output; in GitHub Actions the outcome is also written to `$GITHUB_OUTPUT`.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import semver from "semver";
import { ENVIRONMENT_STACKS, isEnvironmentName, STACKS } from "../core/environments";
import { ArgoCdClient, type SyncInfo } from "./argocd-api";
import { applicationName, EXIT, type PromoteResult, parseDuration, promote } from "./promotion";

export { applicationName } from "./promotion";

const USAGE = `usage: npm run promote -- --env <${ENVIRONMENT_STACKS.join("|")}> (--version X.Y.Z | --rollback) [options]

  --env NAME            the environment to promote (in promotion order: ${ENVIRONMENT_STACKS.join(" → ")})
  --version X.Y.Z       the released chart version to run (exact SemVer: 1.4.2, 1.5.0-rc.1)
  --rollback            return to the version before the current one (from ArgoCD's sync history)
  --approved-by LOGIN   who approved the release; required for ${ENVIRONMENT_STACKS.filter((e) => STACKS[e].gated).join(", ") || "gated environments"}
  --server URL          ArgoCD's API, https://… (default: $ARGOCD_SERVER)
  --timeout DURATION    how long to wait for Synced and Healthy (default 30m; e.g. 90s, 15m, 1h)
  --poll-interval DUR   how often to ask ArgoCD (default 10s)

  The API token of the ArgoCD account (RBAC: the payments applications only) is read from
  $ARGOCD_AUTH_TOKEN, never from the command line.

exit status: 0 promoted, 1 sync failed / degraded / refused, 2 usage, 3 canary aborted and rolled
back by Argo Rollouts, 4 timed out
`;

export { parseDuration } from "./promotion";

class UsageError extends Error {}

export interface PromoteArgs {
  readonly environment: string;
  readonly version?: string;
  readonly rollback: boolean;
  readonly approvedBy?: string;
  readonly server: string;
  readonly token: string;
  readonly timeoutMs: number;
  readonly pollMs: number;
}

export function parsePromoteArgs(argv: readonly string[], env: NodeJS.ProcessEnv): PromoteArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        env: { type: "string" },
        version: { type: "string" },
        rollback: { type: "boolean", default: false },
        "approved-by": { type: "string" },
        server: { type: "string" },
        timeout: { type: "string", default: "30m" },
        "poll-interval": { type: "string", default: "10s" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) throw new HelpRequested();
  const environment = values.env as string | undefined;
  if (!environment) throw new UsageError("--env is required");
  if (!isEnvironmentName(environment)) {
    throw new UsageError(
      `--env ${environment}: not an environment; expected one of ${ENVIRONMENT_STACKS.join(", ")}`,
    );
  }
  const version = values.version as string | undefined;
  const rollback = values.rollback === true;
  if (rollback === (version !== undefined)) throw new UsageError("give either --version or --rollback");
  if (version !== undefined && semver.valid(version) !== version) {
    throw new UsageError(
      `--version ${version}: expected an exact chart version such as 1.4.2 (SemVer, no range, no v, no +build)`,
    );
  }
  const approvedBy = (values["approved-by"] as string | undefined)?.trim();
  if (STACKS[environment].gated && !approvedBy) {
    throw new UsageError(`${environment} needs an approval: pass --approved-by <who approved the release>`);
  }
  const server = (values.server as string | undefined) ?? env.ARGOCD_SERVER;
  if (!server) throw new UsageError("no ArgoCD server: pass --server or set ARGOCD_SERVER");
  const token = env.ARGOCD_AUTH_TOKEN;
  if (!token) throw new UsageError("ARGOCD_AUTH_TOKEN is not set (the ArgoCD account's API token)");
  return {
    environment,
    ...(version !== undefined ? { version } : {}),
    rollback,
    ...(approvedBy ? { approvedBy } : {}),
    server,
    token,
    timeoutMs: parseDuration(String(values.timeout)),
    pollMs: parseDuration(String(values["poll-interval"])),
  };
}

class HelpRequested extends Error {}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
};

/** What ArgoCD keeps with the sync: who asked (the CI run or the person), who approved. */
function syncInfos(args: PromoteArgs, env: NodeJS.ProcessEnv): SyncInfo[] {
  const run =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  return [
    { name: "Promoted by", value: env.GITHUB_ACTOR ?? env.USER ?? "unknown" },
    ...(args.approvedBy ? [{ name: "Approved by", value: args.approvedBy }] : []),
    ...(run ? [{ name: "Pipeline run", value: run }] : []),
    ...(args.rollback ? [{ name: "Rollback", value: "true" }] : []),
  ];
}

function writeGithubOutput(env: NodeJS.ProcessEnv, result: PromoteResult): void {
  if (!env.GITHUB_OUTPUT) return;
  const outcome =
    result.exitCode === EXIT.promoted
      ? "promoted"
      : result.exitCode === EXIT.rolledBack
        ? "rolled-back"
        : "failed";
  const lines = [
    `result=${outcome}`,
    `exit-code=${result.exitCode}`,
    `version=${result.version ?? ""}`,
    `previous-version=${result.previous ?? ""}`,
  ];
  fs.appendFileSync(env.GITHUB_OUTPUT, `${lines.join("\n")}\n`);
}

/** Runs the command; returns the exit status. */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  let args: PromoteArgs;
  try {
    args = parsePromoteArgs(argv, io.env);
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.stdout(USAGE);
      return 0;
    }
    io.stderr(`promote: ${(err as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  let client: ArgoCdClient;
  try {
    client = new ArgoCdClient({ server: args.server, token: args.token });
  } catch (err) {
    io.stderr(`promote: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  const application = applicationName(args.environment);
  io.stderr(
    `promote: ${args.environment} (${application}) ${args.rollback ? "back to its previous version" : `to ${args.version}`} through ${args.server}, waiting up to ${Math.round(args.timeoutMs / 1000)}s\n`,
  );
  const result = await promote({
    client,
    application,
    ...(args.version ? { version: args.version } : {}),
    rollback: args.rollback,
    timeoutMs: args.timeoutMs,
    pollMs: args.pollMs,
    infos: syncInfos(args, io.env),
    log: (line) => io.stderr(`promote: ${line}\n`),
  });
  writeGithubOutput(io.env, result);
  const verdict =
    result.exitCode === EXIT.promoted
      ? "promoted"
      : result.exitCode === EXIT.rolledBack
        ? "ROLLED BACK"
        : "FAILED";
  (result.exitCode === EXIT.promoted ? io.stdout : io.stderr)(`promote: ${verdict}: ${result.message}\n`);
  return result.exitCode;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`promote: ${String(err)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
