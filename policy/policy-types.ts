import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { PolicyClass, PolicyContext } from "./context";

/** A policy before the pack gives it the enforcement level its class has in the stack. */
export type PlatformPolicy = (
  | Omit<ResourceValidationPolicy, "enforcementLevel">
  | Omit<StackValidationPolicy, "enforcementLevel">
) & {
  readonly cls: PolicyClass;
  /** What to do about a violation, shown with every finding. */
  readonly remediationSteps: string;
};

/** A concern's policies, built for one stack's context. */
export type PolicyGroup = (ctx: PolicyContext) => PlatformPolicy[];
