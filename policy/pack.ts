import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { clusterPolicies } from "./cluster-policies";
import { enforcementFor, type PolicyContext } from "./context";
import { dataPolicies } from "./data-policies";
import { encryptionPolicies } from "./encryption-policies";
import { governancePolicies } from "./governance-policies";
import { iamPolicies } from "./iam-policies";
import { networkPolicies } from "./network-policies";
import type { PlatformPolicy, PolicyGroup } from "./policy-types";
import { storagePolicies } from "./storage-policies";

/** Every concern's policies. A new concern is a new file exporting a PolicyGroup, listed here. */
export const POLICY_GROUPS: readonly PolicyGroup[] = [
  networkPolicies,
  encryptionPolicies,
  storagePolicies,
  dataPolicies,
  clusterPolicies,
  iamPolicies,
  governancePolicies,
];

/** The pack's name, as `pulumi preview` reports it. */
export const PACK_NAME = "platform-invariants";

export interface PackPolicy {
  readonly policy: ResourceValidationPolicy | StackValidationPolicy;
  readonly cls: PlatformPolicy["cls"];
}

/** The platform's policies for one stack, each at the enforcement level its class has there. */
export function platformPolicies(ctx: PolicyContext): PackPolicy[] {
  return POLICY_GROUPS.flatMap((group) => group(ctx)).map(({ cls, ...rest }) => ({
    cls,
    policy: { ...rest, enforcementLevel: enforcementFor(cls, ctx) } as
      | ResourceValidationPolicy
      | StackValidationPolicy,
  }));
}

export function packPolicies(ctx: PolicyContext): Policies {
  return platformPolicies(ctx).map((p) => p.policy);
}
