/**
 * `npm run pr-env -- <command>`: the PR environments' side of ArgoCD and their lifecycle rules.
 *
 *   admit  --pr N --limit L --stacks FILE                  may pull request N have an environment?
 *   deploy --pr N --revision SHA --outputs FILE [--timeout] create or update its Application, sync, wait
 *   remove --pr N                                          delete its Application and what it deployed
 *   stale  --max-age-hours H --stacks FILE --open FILE     the environments the reaper removes
 *
 * `--stacks` is `pulumi stack ls --json`, `--outputs` is `pulumi stack output --json -s pr-N`,
 * `--open` is `gh pr list --state open --json number`. ArgoCD is reached at $ARGOCD_SERVER with
 * the PR environments' account token in $ARGOCD_AUTH_TOKEN.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { PROJECT, readStackFiles } from "../core/config-loader";
import { MANAGEMENT_STACK, prStackName } from "../core/environments";
import { ArgoCdClient, ArgoCdError } from "./argocd-api";
import { parsePrStackOutputs, prApplicationManifest, prApplicationName } from "./pr-application";
import { admit, type StackSummary, staleEnvironments } from "./pr-lifecycle";
import { EXIT, parseDuration, promote } from "./promotion";

/** The SecretStore a PR stack creates in its namespace (src/pr/pr-manifests.ts). */
export const PR_SECRET_STORE_NAME = "pr-secrets";

const USAGE = `usage: npm run pr-env -- <admit|deploy|remove|stale> [options]

  admit  --pr N --limit L --stacks FILE          exit 0 if pull request N may have an environment, 1 if the limit is reached
  deploy --pr N --revision SHA --outputs FILE    create or update its ArgoCD Application at commit SHA, sync, wait
         [--timeout 20m] [--poll-interval 10s]
  remove --pr N                                  delete its Application (and, by its finalizer, what it deployed)
  stale  --max-age-hours H --stacks FILE --open FILE
                                                 print the PR stacks to remove, one per line

  FILE arguments: --stacks from \`pulumi stack ls --json\`, --outputs from \`pulumi stack output --json\`,
  --open from \`gh pr list --state open --json number\`. ArgoCD: $ARGOCD_SERVER and $ARGOCD_AUTH_TOKEN.
`;

class UsageError extends Error {}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
};

function readJson(file: string | undefined, option: string): unknown {
  if (!file) throw new UsageError(`${option} is required`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`${option} ${file}: ${(err as Error).message}`);
  }
}

function duration(text: string, option: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new UsageError(`${option} ${(err as Error).message}`);
  }
}

function pullRequest(value: string | undefined): number {
  if (!value) throw new UsageError("--pr is required");
  const n = Number(value);
  try {
    prStackName(n);
  } catch {
    throw new UsageError(`--pr ${value}: not a pull request number`);
  }
  return n;
}

function argocd(env: NodeJS.ProcessEnv): ArgoCdClient {
  if (!env.ARGOCD_SERVER) throw new UsageError("ARGOCD_SERVER is not set");
  if (!env.ARGOCD_AUTH_TOKEN)
    throw new UsageError("ARGOCD_AUTH_TOKEN is not set (the PR environments' ArgoCD account token)");
  return new ArgoCdClient({ server: env.ARGOCD_SERVER, token: env.ARGOCD_AUTH_TOKEN });
}

/** The repository ArgoCD reads PR environments' charts from: the management stack's `platform:ci.repository`. */
function repository(): string {
  const ci = readStackFiles()[MANAGEMENT_STACK]?.[`${PROJECT}:ci`] as { repository?: string } | undefined;
  if (!ci?.repository) throw new UsageError(`Pulumi.${MANAGEMENT_STACK}.yaml has no platform:ci.repository`);
  return ci.repository;
}

export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const { values } = parseArgs({
      args: rest,
      strict: true,
      options: {
        pr: { type: "string" },
        limit: { type: "string" },
        stacks: { type: "string" },
        revision: { type: "string" },
        outputs: { type: "string" },
        open: { type: "string" },
        "max-age-hours": { type: "string" },
        timeout: { type: "string", default: "20m" },
        "poll-interval": { type: "string", default: "10s" },
      },
    });
    switch (command) {
      case "admit": {
        const pr = pullRequest(values.pr);
        const limit = Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new UsageError(`--limit ${values.limit}: expected a whole number of at least 1`);
        const a = admit(readJson(values.stacks, "--stacks") as StackSummary[], pr, limit);
        (a.admitted ? io.stdout : io.stderr)(`pr-env: ${a.admitted ? "admitted" : "REFUSED"}: ${a.reason}\n`);
        return a.admitted ? 0 : 1;
      }
      case "stale": {
        const hours = Number(values["max-age-hours"]);
        if (!(hours > 0))
          throw new UsageError(`--max-age-hours ${values["max-age-hours"]}: expected a positive number`);
        const open = (readJson(values.open, "--open") as { number: number }[]).map((p) => p.number);
        const stale = staleEnvironments(
          readJson(values.stacks, "--stacks") as StackSummary[],
          open,
          hours,
          (io.now ?? (() => new Date()))(),
        );
        for (const s of stale) {
          io.stderr(`pr-env: ${s.name}: ${s.reason}\n`);
          io.stdout(`${s.name}\n`);
        }
        if (stale.length === 0) io.stderr("pr-env: no PR environment to remove\n");
        return 0;
      }
      case "deploy": {
        const pr = pullRequest(values.pr);
        if (!values.revision) throw new UsageError("--revision is required (the pull request's head commit)");
        const outputs = parsePrStackOutputs(readJson(values.outputs, "--outputs"));
        if (outputs.pullRequest !== pr)
          throw new UsageError(`--outputs are pr-${outputs.pullRequest}'s, not pr-${pr}'s`);
        const client = argocd(io.env);
        const app = prApplicationManifest({
          outputs,
          revision: values.revision,
          repository: repository(),
          secretStore: PR_SECRET_STORE_NAME,
        });
        io.stderr(
          `pr-env: ${app.metadata.name}: ${values.revision} into ${outputs.namespace} on ${outputs.clusterName}\n`,
        );
        await client.upsertApplication(app);
        const result = await promote({
          client,
          application: app.metadata.name,
          version: values.revision,
          timeoutMs: duration(String(values.timeout), "--timeout"),
          pollMs: duration(String(values["poll-interval"]), "--poll-interval"),
          infos: [{ name: "Pull request", value: String(pr) }],
          log: (line) => io.stderr(`pr-env: ${line}\n`),
        });
        (result.exitCode === EXIT.promoted ? io.stdout : io.stderr)(
          `pr-env: ${result.exitCode === EXIT.promoted ? "deployed" : "FAILED"}: ${result.message}\n`,
        );
        return result.exitCode;
      }
      case "remove": {
        const pr = pullRequest(values.pr);
        const name = prApplicationName(pr);
        try {
          await argocd(io.env).deleteApplication(name);
          io.stdout(
            `pr-env: deleted ${name} (ArgoCD removes what it deployed before the Application goes)\n`,
          );
        } catch (err) {
          if (!(err instanceof ArgoCdError && err.status === 404)) throw err;
          io.stdout(`pr-env: ${name} does not exist (already removed)\n`);
        }
        return 0;
      }
      default:
        throw new UsageError(command ? `unknown command "${command}"` : "a command is required");
    }
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.stderr(`pr-env: ${(err as Error).message}\n${USAGE}`);
      return EXIT.usage;
    }
    io.stderr(`pr-env: FAILED: ${(err as Error).message}\n`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`pr-env: ${String(err)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
