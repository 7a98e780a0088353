#!/usr/bin/env node
// The project's speed budget, measured: wall time of the whole test suite (with the Go tools
// already built) and of the offline plan of each stack from the command line.
// Usage: npm run bench [-- --runs N] [-- --skip-suite]. Exits 1 when a budget is exceeded.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const SUITE_BUDGET_S = 60;
const PLAN_BUDGET_S = 3;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: { runs: { type: "string", default: "3" }, "skip-suite": { type: "boolean", default: false } },
});
const runs = Number(values.runs);

/** The stacks, read from the list itself (the first quoted name of each entry). */
const list = readFileSync(join(root, "src/core/environment-list.ts"), "utf8");
const stacks = [...list.matchAll(/^\s+name: "([a-z0-9]+)",$/gm)].map((m) => m[1]);

function timed(cmd, args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) {
    process.stderr.write(r.stderr ?? "");
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
  }
  return seconds;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (s) => `${s.toFixed(1)} s`;
let over = false;

process.stderr.write("bench: building the Go tools if needed (scripts/install-tools.sh)...\n");
timed("bash", ["scripts/install-tools.sh"]);

process.stderr.write(`bench: offline plan per stack, ${runs} runs each after a warm-up...\n`);
for (const stack of stacks) {
  timed("npm", ["run", "--silent", "plan", "--", "--stack", stack]);
  const times = Array.from({ length: runs }, () =>
    timed("npm", ["run", "--silent", "plan", "--", "--stack", stack]),
  );
  const m = median(times);
  if (m > PLAN_BUDGET_S) over = true;
  console.log(
    `plan ${stack.padEnd(12)} median ${fmt(m)}  min ${fmt(Math.min(...times))}  (budget ${PLAN_BUDGET_S} s)`,
  );
}

if (!values["skip-suite"]) {
  process.stderr.write("bench: the whole test suite (npm test)...\n");
  const suite = timed("npm", ["test"]);
  if (suite > SUITE_BUDGET_S) over = true;
  console.log(`test suite         ${fmt(suite)}  (budget ${SUITE_BUDGET_S} s)`);
}

if (over) {
  console.log("bench: over budget");
  process.exitCode = 1;
}
