import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The committed outputs of a stack another stack's plan reads (management's for an environment,
 * the base environment's for a PR environment), kept between `npm run plan` runs under
 * `node_modules/.cache/platform-plan/`. The key is a hash of every file an evaluation reads: the
 * program and policy sources, the lock file, `Pulumi.yaml` and the stack files, the chart's
 * `Chart.yaml` and the SOPS files; any change to one of them is a miss, and the stack is evaluated
 * again, and the older file goes. `PLATFORM_PLAN_NO_CACHE=1` never reads the cache. Only the offline
 * plan's CLI uses it (`keepOutputs`): tests may replace the program's modules, which no file shows.
 */

const SOURCE_DIRS = ["src", "policy", "secrets"];
const ROOT_FILES = /^(Pulumi\.ya?ml|Pulumi\.[a-z0-9-]+\.ya?ml|package-lock\.json|tsconfig\.json)$/;

function inputsOf(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(full);
      } else files.push(full);
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  for (const name of fs.readdirSync(root).sort())
    if (ROOT_FILES.test(name)) files.push(path.join(root, name));
  const chart = path.join(root, "charts", "payments", "Chart.yaml");
  if (fs.existsSync(chart)) files.push(chart);
  return files;
}

function cacheFile(root: string, stack: string): string | undefined {
  if (process.env.PLATFORM_PLAN_NO_CACHE) return undefined;
  const modules = path.join(root, "node_modules");
  if (!fs.existsSync(modules)) return undefined;
  const hash = createHash("sha256").update(stack);
  for (const file of inputsOf(root)) {
    hash.update(path.relative(root, file)).update("\0").update(fs.readFileSync(file));
  }
  return path.join(
    modules,
    ".cache",
    "platform-plan",
    `${stack}-outputs-${hash.digest("hex").slice(0, 20)}.json`,
  );
}

/** The cached outputs of `stack` for the project at `root` as its files are now, if any. */
export function readCachedOutputs(root: string, stack: string): Record<string, unknown> | undefined {
  const file = cacheFile(root, stack);
  if (!file || !fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
}

/** Keeps the outputs of `stack` for the project at `root` as its files are now. */
export function writeCachedOutputs(root: string, stack: string, outputs: Record<string, unknown>): void {
  const file = cacheFile(root, stack);
  if (!file) return;
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  // Only the newest is ever read again: the others go.
  for (const old of fs.readdirSync(dir)) {
    if (old.startsWith(`${stack}-outputs-`) && path.join(dir, old) !== file)
      fs.rmSync(path.join(dir, old), { force: true });
  }
  // Written whole, then renamed: a concurrent reader sees the old file or the new one.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(outputs));
  fs.renameSync(temporary, file);
}
