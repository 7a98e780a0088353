import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PlanResult } from "./engine";

/**
 * The "before" side of a diff: the stack evaluated at a git ref, in a temporary worktree of the
 * repository that reuses this checkout's node_modules (so a ref whose dependencies differ is
 * evaluated with today's packages). The worktree is removed afterwards, also on failure.
 */

export class RefError extends Error {}

function git(args: string[], cwd: string): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new RefError(`git ${args.join(" ")}: ${(e.stderr ?? e.message).trim()}`);
  }
}

/**
 * This checkout: where node_modules and the snapshot runner live. Found by walking up, since this
 * module runs from src/plan under tsx and vitest, and from node_modules/.cache as a bundle.
 */
const HERE = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "src", "plan", "snapshot.ts"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`src/plan/snapshot.ts not found above ${__dirname}`);
  }
})();

export interface Baseline {
  readonly commit: string;
  readonly plan: PlanResult;
}

/** The commit `ref` names in the repository at `root`; a RefError when it names none. */
export function resolveCommit(ref: string, root: string): string {
  try {
    return git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], root);
  } catch {
    throw new RefError(`"${ref}" is not a commit of the repository at ${root}`);
  }
}

export async function evaluateAtRef(
  ref: string,
  stack: string,
  root: string,
  progress: (line: string) => void,
): Promise<Baseline> {
  const commit = resolveCommit(ref, root);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-diff-"));
  progress(`checking out ${ref} (${commit.slice(0, 12)}) in a temporary worktree`);
  git(["worktree", "add", "--detach", "--quiet", dir, commit], root);
  const removeWorktree = () => {
    try {
      git(["worktree", "remove", "--force", dir], root);
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      git(["worktree", "prune"], root);
    }
  };
  // Interrupted (Ctrl-C, a cancelled CI job), the worktree goes too: no checkout left behind.
  let child: ReturnType<typeof spawn> | undefined;
  const interrupted = (signal: NodeJS.Signals) => {
    child?.kill(signal);
    removeWorktree();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    fs.symlinkSync(path.join(HERE, "node_modules"), path.join(dir, "node_modules"), "dir");
    const out = path.join(dir, ".offline-plan.json");
    const engine = path.join(dir, "src", "plan", "engine.ts");
    if (!fs.existsSync(engine))
      throw new RefError(`${ref} has no src/plan/engine.ts: it predates the offline plan`);
    progress(`evaluating stack "${stack}" at ${ref}`);
    await new Promise<void>((resolve, reject) => {
      child = spawn(
        process.execPath,
        [
          require.resolve("tsx/cli"),
          path.join(HERE, "src", "plan", "snapshot.ts"),
          "--engine",
          engine,
          "--stack",
          stack,
          "--out",
          out,
        ],
        { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
      );
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.on("error", reject);
      child.on("close", (code) =>
        code === 0
          ? resolve()
          : reject(new RefError(`evaluating ${stack} at ${ref} failed (exit ${code}): ${stderr.trim()}`)),
      );
    });
    return { commit, plan: JSON.parse(fs.readFileSync(out, "utf8")) as PlanResult };
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    removeWorktree();
  }
}
