/**
 * `npm run -s endpoints -- --env <environment>`: the public URLs the stage tests of an environment
 * call, from its stack file's `platform:edge.hostnames` (`www.<domain>` and `api.<domain>`), as
 * `NAME=value` lines for `$GITHUB_ENV`.
 */
import { parseArgs } from "node:util";
import { PROJECT, readStackFiles } from "../core/config-loader";
import { ENVIRONMENT_STACKS, isEnvironmentName, stackFileName } from "../core/environments";

export function environmentUrls(env: string, files = readStackFiles()): { API_URL: string; WEB_URL: string } {
  if (!isEnvironmentName(env)) throw new Error(`--env: expected one of ${ENVIRONMENT_STACKS.join(", ")}`);
  const edge = files[env]?.[`${PROJECT}:edge`] as { hostnames?: string[] } | undefined;
  const host = (prefix: string) => {
    const h = edge?.hostnames?.find((n) => n.startsWith(`${prefix}.`));
    if (!h) throw new Error(`${stackFileName(env)}: platform:edge.hostnames has no ${prefix}.<domain>`);
    return `https://${h}`;
  };
  return { API_URL: host("api"), WEB_URL: host("www") };
}

export function run(
  argv: readonly string[],
  out: (t: string) => void = (t) => process.stdout.write(t),
): number {
  try {
    const { values } = parseArgs({ args: [...argv], strict: true, options: { env: { type: "string" } } });
    const urls = environmentUrls(String(values.env ?? ""));
    out(
      `${Object.entries(urls)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n")}\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`endpoints: ${(err as Error).message}\n`);
    return 2;
  }
}

if (require.main === module) process.exitCode = run(process.argv.slice(2));
