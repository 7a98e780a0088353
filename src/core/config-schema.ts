import { accountId, arnAccount, nonEmpty, roleArn } from "./config-primitives";
import type { Rule } from "./config-rules";

/**
 * The keys every stack carries whatever its areas: its account, owner and cost center (tags) and
 * the role its provider assumes. Each area adds its own keys (`<area>/<area>-config.ts`); the
 * stack schemas are composed in `src/stack-config.ts`.
 */
export const stackShape = {
  /** The AWS account this stack deploys into; the provider refuses any other. */
  accountId,
  /** Team that owns the stack's resources (the `Owner` tag). */
  owner: nonEmpty,
  /** Cost allocation (the `CostCenter` tag). */
  costCenter: nonEmpty,
  /** Role the AWS provider assumes into `accountId`; unset when the caller's credentials are already in that account. */
  deployRoleArn: roleArn.optional(),
};

/** Rules over the keys every stack carries. */
export const STACK_RULES: Rule<{ accountId: string; deployRoleArn?: string | undefined }>[] = [
  function deployRoleInOwnAccount(s) {
    const account = s.deployRoleArn === undefined ? undefined : arnAccount(s.deployRoleArn);
    if (account === undefined || account === s.accountId) return [];
    return [
      {
        key: "platform:deployRoleArn",
        message: `${s.deployRoleArn} is in account ${account}, not this stack's account ${s.accountId} (platform:accountId): the provider assumes it to act in this stack's account, and refuses any other`,
      },
    ];
  },
];
