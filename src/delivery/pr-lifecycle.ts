import { isPrStackName, prNumber } from "../core/environments";

/**
 * When PR environments may start and when they must go: a limit on how many run at once, and the
 * reaper's rule (closed pull requests, and environments untouched for longer than the maximum age).
 * Pure: the workflows feed them `pulumi stack ls --json` and the open pull requests.
 */

/** One entry of `pulumi stack ls --json`. */
export interface StackSummary {
  readonly name: string;
  readonly lastUpdate?: string;
  readonly updateInProgress?: boolean;
  readonly resourceCount?: number;
}

/** The PR environments among the stacks (names may be qualified: `organization/platform/pr-12`). */
export function prStacks(stacks: readonly StackSummary[]): (StackSummary & { readonly pr: number })[] {
  return stacks
    .map((s) => ({ ...s, name: s.name.split("/").pop() ?? s.name }))
    .filter((s) => isPrStackName(s.name))
    .map((s) => ({ ...s, pr: prNumber(s.name as `pr-${number}`) }));
}

export type Admission =
  | { readonly admitted: true; readonly reason: string }
  | { readonly admitted: false; readonly reason: string };

/** May pull request `pr` have (or keep) an environment, with at most `limit` running? */
export function admit(stacks: readonly StackSummary[], pr: number, limit: number): Admission {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`the limit must be a whole number of at least 1; got ${limit}`);
  const running = prStacks(stacks);
  if (running.some((s) => s.pr === pr))
    return { admitted: true, reason: `pr-${pr} already has an environment` };
  if (running.length < limit) {
    return { admitted: true, reason: `${running.length} of ${limit} PR environments running` };
  }
  const names = running.map((s) => s.name).sort();
  return {
    admitted: false,
    reason: `${running.length} PR environments are running (${names.join(", ")}), the limit is ${limit}: close a pull request, or wait for the reaper to remove environments older than the maximum age`,
  };
}

export interface Stale {
  readonly name: string;
  readonly reason: string;
}

/**
 * The PR environments to remove: those whose pull request is no longer open, and those not updated
 * for `maxAgeHours` (a forgotten pull request keeps nothing running for ever). Stacks being updated
 * are left alone.
 */
export function staleEnvironments(
  stacks: readonly StackSummary[],
  openPullRequests: readonly number[],
  maxAgeHours: number,
  now: Date,
): Stale[] {
  if (!(maxAgeHours > 0))
    throw new Error(`the maximum age must be a positive number of hours; got ${maxAgeHours}`);
  const open = new Set(openPullRequests);
  const out: Stale[] = [];
  for (const s of prStacks(stacks)) {
    if (s.updateInProgress) continue;
    if (!open.has(s.pr)) {
      out.push({ name: s.name, reason: `pull request #${s.pr} is closed` });
      continue;
    }
    const updated = s.lastUpdate ? Date.parse(s.lastUpdate) : Number.NaN;
    const ageHours = (now.getTime() - updated) / 3_600_000;
    if (Number.isNaN(updated) || ageHours > maxAgeHours) {
      const age = Number.isNaN(updated) ? "never updated" : `last updated ${Math.floor(ageHours)} h ago`;
      out.push({ name: s.name, reason: `${age}, older than ${maxAgeHours} h` });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
