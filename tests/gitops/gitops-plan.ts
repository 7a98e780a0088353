/** Reading the GitOps resources out of a stack plan. */
import type { PolicyDocument } from "../../src/core/policy-document";
import { named, type PlannedResource, type PlanResult } from "../support/harness";

/** Pulumi marks secret inputs with this signature; the plan keeps the wrapped value. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A planned input with any Pulumi secret wrappers removed. */
export function reveal<T = unknown>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => reveal(v)) as T;
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (SECRET_SIG in o && "value" in o) return reveal(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, reveal(v)])) as T;
  }
  return value as T;
}

export const doc = (json: unknown) => JSON.parse(String(json)) as PolicyDocument;

/** The IAM role a plan creates under this physical name. */
export function roleNamed(plan: PlanResult, name: string): PlannedResource {
  const role = plan.resources.find((r) => r.type === "aws:iam/role:Role" && r.inputs.name === name);
  if (!role) throw new Error(`no role ${name} in the ${plan.stack} plan`);
  return role;
}

/** The Kubernetes object a resource creates, as ArgoCD or the API server would see it. */
export function object(
  plan: PlanResult,
  type: string,
  name: string,
): Record<string, unknown> & {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
} {
  const r = named(plan, type, name);
  return reveal(r.inputs);
}
