import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { STACK_NAMES, STACKS } from "../../src/core/environments";

interface Job {
  needs?: string | string[];
  with?: Record<string, unknown>;
  strategy?: { matrix?: Record<string, unknown> };
}

/**
 * The workflows' own lists of stacks, checked against the list of stacks: the applies of
 * `deploy.yml` chain every stack in order (management, then the environments in promotion order),
 * gated stacks inside their protected environment; the nightly drift check covers every stack.
 * (The pull-request previews compute their matrix from the list at run time: `npm run stacks`.)
 * Returns the problems, empty when the workflows agree with the list.
 */
export function workflowStackProblems(root: string): string[] {
  const read = (file: string) =>
    parse(fs.readFileSync(path.join(root, ".github/workflows", file), "utf8")) as {
      jobs: Record<string, Job>;
    };
  const problems: string[] = [];

  const deploy = read("deploy.yml").jobs;
  const order: string[] = [];
  let current = Object.keys(deploy).find((j) => deploy[j]?.needs === undefined);
  while (current) {
    order.push(String(deploy[current]?.with?.stack ?? "?"));
    const previous = current;
    current = Object.keys(deploy).find((j) => deploy[j]?.needs === previous);
  }
  if (order.join(",") !== STACK_NAMES.join(",")) {
    problems.push(
      `deploy.yml applies ${order.join(" → ")}; the list of stacks is ${STACK_NAMES.join(" → ")}`,
    );
  }
  for (const job of Object.values(deploy)) {
    const stack = String(job.with?.stack);
    const gated = (STACKS as Record<string, { gated: boolean } | undefined>)[stack]?.gated ?? false;
    if ((job.with?.environment ?? "") !== (gated ? stack : "")) {
      problems.push(`deploy.yml: ${stack} ${gated ? "must" : "must not"} run in its protected environment`);
    }
  }

  const drift = read("drift.yml").jobs.drift?.strategy?.matrix?.stack;
  if (!Array.isArray(drift) || drift.join(",") !== STACK_NAMES.join(",")) {
    problems.push(`drift.yml checks ${String(drift)}; the list of stacks is ${STACK_NAMES.join(", ")}`);
  }
  return problems;
}
