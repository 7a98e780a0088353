/** The four stacks of the platform, and what each one is for. */
export const STACK_NAMES = ["management", "dev", "preprod", "prod"] as const;
export type StackName = (typeof STACK_NAMES)[number];

/** `management` holds the organization and shared services; the others are application environments. */
export type StackRole = "management" | "environment";

/** The AWS account (seed 000's names) each stack deploys into. */
export type AccountKey = "management" | "test" | "preprod" | "prod";

export interface StackInfo {
  readonly role: StackRole;
  readonly account: AccountKey;
  /** Production-grade stacks: 3 AZs, a NAT gateway per AZ, protection on stateful resources. */
  readonly productionGrade: boolean;
}

export const STACKS: Readonly<Record<StackName, StackInfo>> = {
  management: { role: "management", account: "management", productionGrade: true },
  dev: { role: "environment", account: "test", productionGrade: false },
  preprod: { role: "environment", account: "preprod", productionGrade: true },
  prod: { role: "environment", account: "prod", productionGrade: true },
};

export const ENVIRONMENT_STACKS = STACK_NAMES.filter((s) => STACKS[s].role === "environment");

export function isStackName(name: string): name is StackName {
  return (STACK_NAMES as readonly string[]).includes(name);
}

export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}
