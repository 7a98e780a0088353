/**
 * The platform's CrossGuard policy pack: `pulumi preview --policy-pack policy` (CI passes it on
 * every preview). Pulumi starts the pack with the stack's name in PULUMI_NODEJS_STACK; each policy
 * is mandatory or advisory for that stack by its class (`context.ts`), so a mandatory violation
 * fails the preview of management and prod, and of any stack for the baseline policies.
 */
import { PolicyPack } from "@pulumi/policy";
import { policyContext } from "./context";
import { PACK_NAME, packPolicies } from "./pack";

const stack = process.env.PULUMI_NODEJS_STACK ?? process.env.PULUMI_STACK;
if (!stack) {
  throw new Error(
    "the platform policy pack needs the stack's name: run it through `pulumi preview --policy-pack policy`",
  );
}

new PolicyPack(PACK_NAME, {
  description:
    "Payments platform invariants (policy/): network, encryption, storage, data, EKS, IAM, logging, tags, protection.",
  policies: packPolicies(policyContext(stack)),
});
