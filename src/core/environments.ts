import { STACK_LIST, type StackEntry } from "./environment-list";

/**
 * What follows from the list of stacks (`environment-list.ts`). Nothing else in the program names
 * an environment: code asks these functions instead.
 */

export type { StackEntry } from "./environment-list";

type Listed = (typeof STACK_LIST)[number];
/** The platform's stack names. */
export type StackName = Listed["name"];
/** `management` holds the organization and shared services; the others are application environments. */
export type StackRole = StackEntry["role"];
/** The AWS accounts the stacks deploy into. */
export type AccountKey = Listed["account"];
/** The member accounts the organization creates: the environments' accounts. */
export type MemberAccountKey = Extract<Listed, { role: "environment" }>["account"];
/** The application environments' stack names. */
export type EnvironmentName = Extract<Listed, { role: "environment" }>["name"];

/** What the program knows about a stack besides its config. */
export interface StackInfo extends Pick<StackEntry, "role" | "productionGrade" | "gated" | "promotionOrder"> {
  readonly account: AccountKey;
}

const LIST: readonly StackEntry[] = STACK_LIST;

function checkList(list: readonly StackEntry[]): void {
  const problem = (m: string) => new Error(`src/core/environment-list.ts: ${m}`);
  const names = list.map((s) => s.name);
  if (new Set(names).size !== names.length) throw problem("stack names must be unique");
  if (list.filter((s) => s.role === "management").length !== 1) throw problem("exactly one management stack");
  const envs = list.filter((s) => s.role === "environment");
  if (new Set(envs.map((s) => s.account)).size !== envs.length) {
    throw problem("each environment needs its own account");
  }
  const orders = envs.map((s) => s.promotionOrder).sort((a, b) => a - b);
  if (orders.some((o, i) => o !== i + 1)) throw problem("promotion orders must be 1, 2, 3, … without gaps");
  for (const s of list) {
    if (!/^[a-z][a-z0-9]{1,15}$/.test(s.name))
      throw problem(`"${s.name}" is not a short lowercase stack name`);
  }
}
checkList(LIST);

/** Every stack: management first, then the environments in promotion order. */
export const STACK_NAMES: readonly StackName[] = [
  ...LIST.filter((s) => s.role === "management"),
  ...LIST.filter((s) => s.role === "environment").sort((a, b) => a.promotionOrder - b.promotionOrder),
].map((s) => s.name as StackName);

export const STACKS: Readonly<Record<StackName, StackInfo>> = Object.fromEntries(
  LIST.map((s) => [
    s.name,
    {
      role: s.role,
      account: s.account as AccountKey,
      productionGrade: s.productionGrade,
      gated: s.gated,
      promotionOrder: s.promotionOrder,
    },
  ]),
) as Record<StackName, StackInfo>;

/** The management stack's name. */
export const MANAGEMENT_STACK = STACK_NAMES.find((s) => STACKS[s].role === "management") as StackName;

/** The application environments, in promotion order (dev → preprod → prod). */
export const ENVIRONMENT_STACKS: readonly EnvironmentName[] = STACK_NAMES.filter(
  (s) => STACKS[s].role === "environment",
) as EnvironmentName[];

/** The member accounts the organization creates, in promotion order of their environments. */
export const MEMBER_ACCOUNTS: readonly MemberAccountKey[] = ENVIRONMENT_STACKS.map(
  (s) => STACKS[s].account as MemberAccountKey,
);

/** Every account an Identity Center assignment can name: the management account and the members. */
export const ASSIGNABLE_ACCOUNTS: readonly AccountKey[] = [
  STACKS[MANAGEMENT_STACK].account,
  ...MEMBER_ACCOUNTS,
];

/** The environment OUs under `Workloads`, one per member account (same key), with their display names. */
export const ENVIRONMENT_OUS: readonly MemberAccountKey[] = MEMBER_ACCOUNTS;
export const OU_NAMES: Readonly<Record<MemberAccountKey, string>> = Object.fromEntries(
  LIST.filter((s) => s.role === "environment").map((s) => [s.account, s.ouName]),
) as Record<MemberAccountKey, string>;

/** OUs whose accounts also get the production guardrails. */
export const GATED_OUS: readonly MemberAccountKey[] = ENVIRONMENT_STACKS.filter((s) => STACKS[s].gated).map(
  (s) => STACKS[s].account as MemberAccountKey,
);

/** Stacks whose applies wait for reviewers and whose secrets only administrators decrypt. */
export const GATED_STACKS: readonly StackName[] = STACK_NAMES.filter((s) => STACKS[s].gated);

/** The account each stack deploys into. */
export const STACK_ACCOUNTS: Readonly<Record<StackName, AccountKey>> = Object.fromEntries(
  STACK_NAMES.map((s) => [s, STACKS[s].account]),
) as Record<StackName, AccountKey>;

/** The environment a release reaches after `stack`, if any. */
export function nextEnvironment(stack: EnvironmentName): EnvironmentName | undefined {
  const order = STACKS[stack].promotionOrder;
  return ENVIRONMENT_STACKS.find((s) => STACKS[s].promotionOrder === order + 1);
}

export function isStackName(name: string): name is StackName {
  return (STACK_NAMES as readonly string[]).includes(name);
}

export function isEnvironmentName(name: string): name is EnvironmentName {
  return (ENVIRONMENT_STACKS as readonly string[]).includes(name);
}

export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}

/**
 * PR environments: a temporary stack per pull request, `pr-<number>`, in the account of the first
 * environment in promotion order (the test account's `dev`), which it builds on: it reuses that
 * environment's VPC and cluster (read through a StackReference) and creates only what must be its
 * own. PR stacks have no committed stack file; their settings derive from the base environment's.
 */
export const PR_BASE_ENVIRONMENT: EnvironmentName = ENVIRONMENT_STACKS[0]!;

/** `pr-<number>`: a pull request number, 1 to 999999, without leading zeros. */
export const PR_STACK_PATTERN = /^pr-([1-9][0-9]{0,5})$/;

/** A PR environment's stack name. */
export type PrStackName = `pr-${number}`;

export function isPrStackName(name: string): name is PrStackName {
  return PR_STACK_PATTERN.test(name);
}

/** A stack name that looks meant as a PR environment (`pr…`) but is not `pr-<number>`. */
export function isMalformedPrStackName(name: string): boolean {
  return /^pr([-_\s\d]|$)/i.test(name) && !isPrStackName(name);
}

/** The pull request number of a PR environment's stack. */
export function prNumber(stack: PrStackName): number {
  const m = PR_STACK_PATTERN.exec(stack);
  if (!m) throw new Error(`"${stack}" is not a PR environment stack (pr-<number>)`);
  return Number(m[1]);
}

/** The PR environment stack of a pull request number. */
export function prStackName(pullRequest: number): PrStackName {
  const name = `pr-${pullRequest}`;
  if (!isPrStackName(name)) throw new Error(`${pullRequest} is not a pull request number (1 to 999999)`);
  return name;
}
