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

/**
 * Rules of the keys every stack carries. The deploy role is assumed by the stack's AWS provider,
 * which refuses any account but `platform:accountId`; a role in another account would either fail
 * on the first call or, worse, deploy the stack from the wrong account's trust chain.
 */
export const STACK_RULES: Rule<{ accountId: string; deployRoleArn?: string | undefined }>[] = [
  function deployRoleInOwnAccount(s) {
    const account = s.deployRoleArn === undefined ? undefined : arnAccount(s.deployRoleArn);
    if (account === undefined || account === s.accountId) return [];
    return [
      {
        key: "platform:deployRoleArn",
        message: `${s.deployRoleArn} is a role in account ${account}, but this stack deploys into ${s.accountId} (platform:accountId); each stack's deploy role must be in the stack's own account`,
      },
    ];
  },
];
