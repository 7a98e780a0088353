import {
  GATED_STACKS,
  isStackName,
  MANAGEMENT_STACK,
  STACK_NAMES,
  STACKS,
  type StackName,
} from "../core/environments";
import { previewEnvironment } from "../governance";

/**
 * Which stacks a change touches, from the paths it changes: what `ci.yml` previews on a pull
 * request (one matrix leg per stack).
 *
 *  - the program, its dependencies, the Pulumi project or CLI version, the chart's version (the
 *    environments' config is checked against it): every stack;
 *  - a stack file: that stack, and for an environment also the management stack, which reads every
 *    environment's file (VPC ranges it routes and lets through the tailnet, the accounts it serves);
 *  - anything else (docs, tests, workflows, the chart's templates): none.
 */
const EVERY_STACK: readonly RegExp[] = [
  /^src\//,
  /^Pulumi\.yaml$/,
  /^package(-lock)?\.json$/,
  /^tsconfig\.json$/,
  /^\.pulumi-version$/,
  /^charts\/payments\/Chart\.yaml$/,
];

export function changedStacks(paths: readonly string[]): StackName[] {
  const hit = new Set<StackName>();
  for (const p of paths) {
    if (EVERY_STACK.some((re) => re.test(p))) return [...STACK_NAMES];
    const m = /^Pulumi\.([a-z0-9]+)\.yaml$/.exec(p);
    if (m && isStackName(m[1]!)) {
      hit.add(m[1]);
      if (STACKS[m[1]].role === "environment") hit.add(MANAGEMENT_STACK);
    }
  }
  return STACK_NAMES.filter((s) => hit.has(s));
}

/** One preview matrix leg: the stack, and the protected environment a gated stack's preview runs in. */
export interface PreviewLeg {
  readonly stack: StackName;
  /** `""` (no environment) for the ungated stacks. */
  readonly environment: string;
}

export function previewMatrix(stacks: readonly StackName[]): PreviewLeg[] {
  return stacks.map((stack) => ({
    stack,
    environment: GATED_STACKS.includes(stack) ? previewEnvironment(stack) : "",
  }));
}
