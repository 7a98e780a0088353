import { accountId, nonEmpty, roleArn } from "./config-primitives";

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
