/**
 * Strict validation of the custom resources the program creates against their real schemas, with
 * the validators of @kubernetes-models/karpenter (karpenter.sh/v1, karpenter.k8s.aws/v1) and
 * @kubernetes-models/external-secrets (external-secrets.io/v1).
 *
 * Those validators check types, enums, patterns and required fields but, like the OpenAPI schemas
 * they come from, accept properties they do not define, so a misspelt field would pass. Strictness
 * is added by probing: each property of the object is in turn replaced by a value no JSON schema
 * type admits (a Symbol). A property the schema defines is type-checked, so the probe makes the
 * validator report an error at exactly that property's path; a property the schema does not define
 * is never looked at, and the probe passes unnoticed: an unknown field.
 */

import { ClusterSecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore";
import { EC2NodeClass } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass";
import { NodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool";

interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  readonly prototype: object;
}

/** The custom resource kinds the program creates, by `apiVersion/kind`. */
const MODELS: ReadonlyMap<string, ModelClass> = new Map(
  [NodePool, EC2NodeClass, ClusterSecretStore].map((m: ModelClass) => [`${m.apiVersion}/${m.kind}`, m]),
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface SchemaError {
  readonly instancePath: string;
  readonly message?: string;
}

/** The schema errors of `obj` (empty when valid). */
function schemaErrors(model: ModelClass, obj: unknown): SchemaError[] {
  const validate = (model.prototype as { validate?: () => void }).validate;
  if (typeof validate !== "function") throw new Error(`${model.kind} model has no validate()`);
  try {
    validate.call(obj);
    return [];
  } catch (err) {
    const errors = (err as { errors?: SchemaError[] }).errors;
    return errors ?? [{ instancePath: "", message: (err as Error).message }];
  }
}

/** The path of every object property in `value` (array items are walked, not probed). */
function propertyPaths(value: Json, out: string[][], path: string[] = []): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      propertyPaths(item, out, [...path, String(i)]);
    });
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    out.push([...path, key]);
    propertyPaths(child, out, [...path, key]);
  }
}

function pointer(path: readonly string[]): string {
  return path.map((p) => `/${p.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

function withProbe(obj: Json, path: readonly string[]): unknown {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const p of path.slice(0, -1)) node = node[p] as Record<string, unknown>;
  node[path[path.length - 1]!] = Symbol("probe");
  return copy;
}

/**
 * Validates a custom resource strictly. Returns its problems (empty when valid): schema
 * violations, unknown fields, or a kind without a validator.
 */
export function validateStrictly(obj: unknown): string[] {
  const o = obj as { apiVersion?: unknown; kind?: unknown };
  const key = `${String(o.apiVersion)}/${String(o.kind)}`;
  const model = MODELS.get(key);
  if (!model) return [`no schema for ${key}: add its model to tests/cluster/strict-schema.ts`];
  const problems = schemaErrors(model, obj).map((e) =>
    `schema: ${e.instancePath || "/"} ${e.message ?? ""}`.trim(),
  );
  const paths: string[][] = [];
  propertyPaths(obj as Json, paths);
  const unknown: string[] = [];
  for (const path of paths) {
    const at = pointer(path);
    // A field under one already reported unknown is unknown too: report the outermost only.
    if (unknown.some((u) => at.startsWith(`${u}/`))) continue;
    const reported = schemaErrors(model, withProbe(obj as Json, path)).some(
      (e) => e.instancePath === at || e.instancePath.startsWith(`${at}/`),
    );
    if (!reported) unknown.push(at);
  }
  return [...problems, ...unknown.map((u) => `unknown field ${u}`)];
}
