/**
 * Runs the pack's policies on an offline evaluation (`PlanResult`, what the tests and
 * `npm run plan` see) the way the Pulumi engine runs them on a preview: each resource's inputs go
 * to every resource policy, then every resource with its outputs (the mock's answers) and the
 * dependencies of its properties goes to the stack policies. Small on purpose: the policies are
 * the same functions `pulumi preview --policy-pack policy` loads.
 */
import type {
  EnforcementLevel,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PlannedResource, PlanResult } from "../src/plan/engine";
import { type MockContext, mockResource } from "../src/plan/mock-state";
import { type PolicyContext, policyContext } from "./context";
import { type PackPolicy, platformPolicies } from "./pack";

export interface Finding {
  readonly policy: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly message: string;
  /** The resource in violation; absent when the stack as a whole is. */
  readonly resource?: { readonly type: string; readonly name: string; readonly urn: string };
  readonly remediation?: string;
}

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

const OPTIONS: Omit<PolicyResourceOptions, "protect" | "parent"> = {
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function urnOf(stack: string, r: Pick<PlannedResource, "type" | "name">): string {
  return `urn:pulumi:${stack}::platform::${r.type}::${r.name}`;
}

function typeOf(resourceClass: unknown): string | undefined {
  return (resourceClass as { __pulumiType?: string }).__pulumiType;
}

/** Outputs as the engine would report them after the step: the mock's answer, with the id. */
function outputsOf(plan: PlanResult, ctx: PolicyContext): Map<PlannedResource, Record<string, unknown>> {
  const regions = new Map<string, string>();
  // The stack's own region: its first AWS provider's (the mock answers each resource in its provider's region).
  const stackProvider = plan.resources.find(
    (r) => r.type === "pulumi:providers:aws" && typeof r.inputs.region === "string",
  );
  const mock: MockContext = {
    accountId: ctx.accountId,
    region: String(stackProvider?.inputs.region ?? "eu-west-2"),
    stackOutputs: {},
    providerRegions: regions,
  };
  const out = new Map<PlannedResource, Record<string, unknown>>();
  for (const r of plan.resources) {
    const provider = r.provider
      ? `urn:pulumi:${plan.stack}::platform::pulumi:providers:aws::${r.provider}::id`
      : undefined;
    const { id, state } = mockResource(
      { type: r.type, name: r.name, inputs: r.inputs, provider, custom: r.custom, id: undefined },
      mock,
    );
    out.set(r, { ...state, id });
  }
  return out;
}

/** Every policy of the pack, run over the evaluated stack. */
export function evaluatePolicies(
  plan: PlanResult,
  ctx: PolicyContext = policyContext(plan.stack),
  policies: readonly PackPolicy[] = platformPolicies(ctx),
): Finding[] {
  const findings: Finding[] = [];
  const providers = new Map(
    plan.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((p) => [p.name, p]),
  );
  const providerOf = (r: PlannedResource): PolicyProviderResource | undefined => {
    const p = providers.get(r.provider);
    return p && { type: p.type, name: p.name, props: p.inputs, urn: urnOf(plan.stack, p) };
  };
  const active = policies.filter((p) => p.policy.enforcementLevel !== "disabled");

  for (const { policy } of active) {
    if (!("validateResource" in policy) || !policy.validateResource) continue;
    const validations = Array.isArray(policy.validateResource)
      ? policy.validateResource
      : [policy.validateResource];
    for (const r of plan.resources) {
      const urn = urnOf(plan.stack, r);
      const args: ResourceValidationArgs = {
        type: r.type,
        name: r.name,
        urn,
        props: r.inputs,
        opts: { ...OPTIONS, protect: r.protect },
        provider: providerOf(r),
        stackTags: new Map(),
        isType: (cls) => typeOf(cls) === r.type,
        asType: ((cls: unknown) =>
          typeOf(cls) === r.type ? r.inputs : undefined) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
      };
      for (const validate of validations) {
        run(policy, () =>
          validate(args, (message) =>
            findings.push(finding(policy, message, { type: r.type, name: r.name, urn })),
          ),
        );
      }
    }
  }

  const stackPolicies = active
    .map((p) => p.policy)
    .filter((p): p is StackValidationPolicy => "validateStack" in p);
  if (stackPolicies.length > 0) {
    const resources = policyResources(plan, ctx, providerOf);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const policy of stackPolicies) {
      const args: StackValidationArgs = {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
      };
      run(policy, () =>
        policy.validateStack(args, (message, urn) => {
          const r = urn ? byUrn.get(urn) : undefined;
          findings.push(finding(policy, message, r && { type: r.type, name: r.name, urn: r.urn }));
        }),
      );
    }
  }
  return findings;
}

function run(policy: ResourceValidationPolicy | StackValidationPolicy, body: () => unknown): void {
  try {
    const result = body();
    if (result instanceof Promise)
      throw new Error(`policy ${policy.name} is asynchronous; the offline run is synchronous`);
  } catch (err) {
    if (err instanceof NotApplicable) return;
    throw err;
  }
}

function finding(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  message: string,
  resource?: Finding["resource"],
): Finding {
  return {
    policy: policy.name,
    enforcementLevel: policy.enforcementLevel ?? "advisory",
    message,
    ...(resource ? { resource } : {}),
    ...(policy.remediationSteps ? { remediation: policy.remediationSteps } : {}),
  };
}

/** The stack as `validateStack` sees it: outputs, parents and the resources each property depends on. */
function policyResources(
  plan: PlanResult,
  ctx: PolicyContext,
  providerOf: (r: PlannedResource) => PolicyProviderResource | undefined,
): PolicyResource[] {
  const outputs = outputsOf(plan, ctx);
  const out = new Map<PlannedResource, PolicyResource>();
  for (const r of plan.resources) {
    out.set(r, {
      type: r.type,
      name: r.name,
      urn: urnOf(plan.stack, r),
      props: outputs.get(r) ?? r.inputs,
      opts: { ...OPTIONS, protect: r.protect },
      provider: providerOf(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => typeOf(cls) === r.type,
      asType: ((cls: unknown) =>
        typeOf(cls) === r.type ? outputs.get(r) : undefined) as PolicyResource["asType"],
    });
  }
  // A property depends on the resources whose id or ARN it carries (what Pulumi records as its
  // property dependencies when the program passes `other.id` or `other.arn`).
  const byValue = new Map<string, PolicyResource>();
  for (const [r, pr] of out) {
    if (!r.custom) continue;
    for (const k of ["id", "arn"]) {
      const v = pr.props[k];
      if (typeof v === "string" && !byValue.has(v)) byValue.set(v, pr);
    }
  }
  for (const [r, pr] of out) {
    const deps = new Set<PolicyResource>();
    for (const [key, value] of Object.entries(r.inputs)) {
      const values = Array.isArray(value) ? value : [value];
      const targets = values
        .map((v) => (typeof v === "string" ? byValue.get(v) : undefined))
        .filter((t): t is PolicyResource => t !== undefined && t !== pr);
      if (targets.length > 0) {
        pr.propertyDependencies[key] = targets;
        for (const t of targets) deps.add(t);
      }
    }
    pr.dependencies.push(...deps);
  }
  return [...out.values()];
}
