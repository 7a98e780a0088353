/**
 * THE list of the platform's stacks: the management stack and the application environments, in
 * promotion order. Everything that depends on which environments exist is derived from this list
 * (`environments.ts`): stack names, OUs and member accounts, CI roles and their trust, secrets
 * keys and `.sops.yaml`, Transit Gateway blackholes, ArgoCD targets, the workflows' stack lists
 * and the README's tables (the last three checked by tests). To add an environment, add an entry
 * here and a `Pulumi.<name>.yaml`; README "Add an environment" lists the rest.
 *
 * Data only: the derivations live in `environments.ts`, so a test can swap this list for a fixture.
 */

export interface StackEntry {
  /** Stack name: `Pulumi.<name>.yaml`, the `Environment` tag, `platform-<name>-…` physical names. */
  readonly name: string;
  /** `management` holds the organization and shared services; the others are application environments. */
  readonly role: "management" | "environment";
  /**
   * The AWS account the stack deploys into (seed 000: management, test, pre-prod, production). For
   * environments it is also the key of the member account and of its OU under `Workloads`.
   */
  readonly account: string;
  /** Display name of the account's OU under `Workloads` (environments only). */
  readonly ouName: string;
  /** Place in the promotion path (1 = first environment a release reaches); 0 for management. */
  readonly promotionOrder: number;
  /** 3 AZs, a NAT gateway per AZ, Multi-AZ data stores, protection on stateful resources. */
  readonly productionGrade: boolean;
  /**
   * Holds what matters most: applies wait for reviewers in a protected GitHub environment, only
   * administrators decrypt its secrets, its OU gets the production guardrails, ArgoCD never syncs
   * it on its own.
   */
  readonly gated: boolean;
}

export const STACK_LIST = [
  {
    name: "management",
    role: "management",
    account: "management",
    ouName: "",
    promotionOrder: 0,
    productionGrade: true,
    gated: true,
  },
  {
    name: "dev",
    role: "environment",
    account: "test",
    ouName: "Test",
    promotionOrder: 1,
    productionGrade: false,
    gated: false,
  },
  {
    name: "preprod",
    role: "environment",
    account: "preprod",
    ouName: "PreProd",
    promotionOrder: 2,
    productionGrade: true,
    gated: false,
  },
  {
    name: "prod",
    role: "environment",
    account: "prod",
    ouName: "Prod",
    promotionOrder: 3,
    productionGrade: true,
    gated: true,
  },
] as const satisfies readonly StackEntry[];
