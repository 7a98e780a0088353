import { findProjectRoot } from "../../src/core/config-loader";
import { STACK_NAMES } from "../../src/core/environments";
import { BOOTSTRAP_PLAN_STACK, readStackConfig } from "../../src/plan/stack-files";

/**
 * Every whole-program evaluation the suite reads, evaluated ONCE per test run by the global setup
 * (`global-setup.ts`) and shared by all test files through `planStack` / `planVariant`
 * (`harness.ts`). Each stack with its committed `Pulumi.<stack>.yaml`, and a few variants of the
 * dev stack for settings no committed stack file uses. To test another setting, extend a variant
 * here (variants combine settings whose effects do not overlap) rather than evaluate again.
 */

/** The committed value of a stack file key, deep-copied. */
export function committed<T = Record<string, unknown>>(stack: string, key: string): T {
  return structuredClone(readStackConfig(stack, findProjectRoot())[key]) as T;
}

export interface Evaluation {
  readonly stack: string;
  /** Stack config keys replaced (`undefined` removes a key). */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Evaluated as CI's previews run it (`PLATFORM_CI_ROLE=preview`). */
  readonly ciRole?: "preview";
}

const devCluster = committed<Record<string, unknown> & { access: Record<string, unknown> }>(
  "dev",
  "platform:cluster",
);
const devNetwork = committed("dev", "platform:network");

/** The dev deploy role of the `optional-settings` variant (an EKS access entry with AmazonEKSAdminPolicy). */
export const VARIANT_DEPLOY_ROLE = "arn:aws:iam::529381746102:role/platform-release";
/** The chart version the `optional-settings` variant promotes dev to. */
export const VARIANT_CHART_VERSION = "0.1.0-rc.2";

export const VARIANTS = {
  /**
   * dev with every optional setting the committed files leave off: a public API endpoint for a
   * named range, a deploy role, a geo restriction, a custom static path, the payment provider's
   * API key (a config secret), and a promotion to another chart version.
   */
  "dev:optional-settings": {
    stack: "dev",
    overrides: {
      "platform:cluster": {
        ...devCluster,
        endpointPublicAccess: true,
        publicAccessCidrs: ["198.51.100.0/24"],
        access: { ...devCluster.access, deploy: [VARIANT_DEPLOY_ROLE] },
      },
      "platform:edge": {
        ...committed<Record<string, unknown>>("dev", "platform:edge"),
        geoRestriction: { type: "allow", countries: ["IE", "GB"] },
        staticPathPattern: "/assets/*",
      },
      "platform:paymentProviderApiKey": { secure: "AAEAAQ==" },
      "platform:gitops": { chartVersion: VARIANT_CHART_VERSION, autoSync: true },
    },
  },
  /** dev with one NAT gateway shared by every AZ. */
  "dev:single-nat": {
    stack: "dev",
    overrides: { "platform:network": { ...devNetwork, natGateways: "single" } },
  },
  /** dev over two availability zones. */
  "dev:two-azs": {
    stack: "dev",
    overrides: { "platform:network": { ...devNetwork, availabilityZones: ["eu-west-2a", "eu-west-2b"] } },
  },
} as const satisfies Record<string, Evaluation>;

/** The organization id the `management:import` variant adopts. */
export const IMPORTED_ORGANIZATION_ID = "o-a1b2c3d4e5";

/** Stacks as CI's previews evaluate them: as `platform-preview`, with the read-only counterparts elsewhere. */
export const PREVIEWS = {
  /** management's first run, adopting the organization created by hand (README, "Bootstrap", step 5). */
  "management:import": {
    stack: "management",
    overrides: {
      "platform:organization": {
        ...committed<Record<string, unknown>>("management", "platform:organization"),
        importExisting: IMPORTED_ORGANIZATION_ID,
      },
    },
  },
  "management:preview": { stack: "management", ciRole: "preview" },
  "dev:preview": { stack: "dev", ciRole: "preview" },
} as const satisfies Record<string, Evaluation>;

export type VariantName = keyof typeof VARIANTS | keyof typeof PREVIEWS;

/** The PR environment the suite plans (any number; its base environment's outputs come from the run). */
export const PR_STACK = "pr-123";

/** Everything the global setup evaluates, by id: the stacks by name, the bootstrap program, a PR environment, the variants. */
export function evaluations(): Record<string, Evaluation> {
  return {
    ...Object.fromEntries(STACK_NAMES.map((s) => [s, { stack: s }])),
    [BOOTSTRAP_PLAN_STACK]: { stack: BOOTSTRAP_PLAN_STACK },
    // Evaluated after its base environment, whose outputs it reads (cheap: only its own resources).
    [PR_STACK]: { stack: PR_STACK },
    ...VARIANTS,
    ...PREVIEWS,
  };
}
