import type { EnforcementLevel } from "@pulumi/policy";
import { findProjectRoot, readStackFiles } from "../src/core/config-loader";
import {
  ENVIRONMENT_STACKS,
  isStackName,
  MANAGEMENT_STACK,
  STACK_NAMES,
  STACKS,
  type StackName,
} from "../src/core/environments";

/**
 * What the policies know about the stack they judge: its place in the environment list
 * (`src/core/environments.ts`) and, from the committed stack files, its account and every stack's
 * VPC range. The same context serves `pulumi preview --policy-pack policy` (the stack Pulumi names)
 * and the offline evaluation in the tests and `npm run plan -- --policy`.
 */
export interface PolicyContext {
  readonly stack: StackName;
  readonly role: "management" | "environment";
  /** 3 AZs, NAT per AZ, Multi-AZ stores, protected stateful resources. */
  readonly productionGrade: boolean;
  /** Violations block: the pack's policies are mandatory here. */
  readonly gated: boolean;
  /** The only account the stack's resources and keys may live in. */
  readonly accountId: string;
  /** Each application environment's VPC range (from its stack file). */
  readonly environmentCidrs: Readonly<Record<string, string>>;
}

/**
 * `baseline`: never acceptable in any stack (public buckets, IAM users, open ingress, unencrypted
 * stores, data-plane wildcards): mandatory everywhere.
 * `gated`: the standard of the stacks that hold what matters most: mandatory in the gated stacks
 * (management, prod), advisory in the others, where a finding is a warning for the reviewer.
 */
export type PolicyClass = "baseline" | "gated";

export function enforcementFor(cls: PolicyClass, ctx: PolicyContext): EnforcementLevel {
  return cls === "baseline" || ctx.gated ? "mandatory" : "advisory";
}

function networkCidr(config: Record<string, unknown> | undefined): string | undefined {
  const network = config?.["platform:network"] as { vpcCidr?: unknown } | undefined;
  return typeof network?.vpcCidr === "string" ? network.vpcCidr : undefined;
}

/** The context of `stack`, read from the stack files under `root` (default: this repository). */
export function policyContext(stack: string, root: string = findProjectRoot(__dirname)): PolicyContext {
  const name = stack.split("/").pop() ?? stack; // `org/project/stack` as some backends print it
  if (!isStackName(name)) {
    throw new Error(
      `the platform policy pack judges the stacks ${STACK_NAMES.join(", ")} (src/core/environment-list.ts); got "${stack}"`,
    );
  }
  const files = readStackFiles(root);
  const environmentCidrs: Record<string, string> = {};
  for (const env of ENVIRONMENT_STACKS) {
    const cidr = networkCidr(files[env]);
    if (cidr) environmentCidrs[env] = cidr;
  }
  const info = STACKS[name];
  return {
    stack: name,
    role: name === MANAGEMENT_STACK ? "management" : "environment",
    productionGrade: info.productionGrade,
    gated: info.gated,
    accountId: String(files[name]?.["platform:accountId"] ?? ""),
    environmentCidrs,
  };
}
