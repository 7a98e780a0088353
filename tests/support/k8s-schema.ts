/**
 * Strict schema validation of rendered objects with the kubernetes-models packages.
 *
 * The packages' validators are compiled from the upstream OpenAPI schemas (Kubernetes, Argo CD, Argo
 * Rollouts, External Secrets). They check types, enums and required fields, but like the OpenAPI schemas they
 * ignore properties they do not know, so a misspelt field would pass. To make the check strict, the
 * object is handed to the validator behind a Proxy that records every property the validator reads:
 * the validator reads each property its schema defines (and enumerates the keys of maps), so a
 * property of the object that it never looked at is one the schema does not define: an unknown field.
 */
import { Application, ApplicationSet, AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import { AnalysisTemplate, Rollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1";
import {
  ClusterSecretStore,
  ExternalSecret,
  SecretStore,
} from "@kubernetes-models/external-secrets/external-secrets.io/v1";
import { ECRAuthorizationToken } from "@kubernetes-models/external-secrets/generators.external-secrets.io/v1alpha1";
import { EC2NodeClass } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass";
import { NodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool";
import {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from "kubernetes-models/admissionregistration.k8s.io/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { CronJob, Job } from "kubernetes-models/batch/v1";
import { Ingress, IngressClass, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { Namespace, Secret, Service, ServiceAccount } from "kubernetes-models/v1";

/**
 * What a model class offers: its type meta, and a prototype whose `validate()` checks `this` against
 * the kind's schema (set at runtime by @kubernetes-models/base, whose types this project's module
 * resolution does not see, hence the runtime check in `validateObject`).
 */
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  readonly prototype: object;
}

function entry(model: ModelClass): [string, ModelClass] {
  return [`${model.apiVersion}/${model.kind}`, model];
}

/**
 * Every kind the chart renders or the program creates, by `apiVersion/kind`. An object of any other
 * kind fails validation, so nothing reaches a cluster unvalidated.
 */
export const VALIDATORS: ReadonlyMap<string, ModelClass> = new Map([
  entry(Service),
  entry(ServiceAccount),
  entry(Ingress),
  entry(NetworkPolicy),
  entry(PodDisruptionBudget),
  entry(HorizontalPodAutoscaler),
  entry(Rollout),
  entry(AnalysisTemplate),
  entry(ExternalSecret),
  entry(ClusterSecretStore),
  // A PR environment's namespace (src/pr/pr-manifests.ts).
  entry(SecretStore),
  entry(NodePool),
  entry(EC2NodeClass),
  entry(IngressClass),
  // ArgoCD's hub and spokes (src/gitops/gitops-manifests.ts).
  entry(AppProject),
  entry(ApplicationSet),
  entry(Application),
  entry(Secret),
  entry(Namespace),
  entry(Role),
  entry(RoleBinding),
  entry(CronJob),
  // The registrars' admission policies in the hub, and what PR environments may do on the base cluster
  // (src/gitops/gitops-manifests.ts, src/gitops/delivery-manifests.ts).
  entry(ValidatingAdmissionPolicy),
  entry(ValidatingAdmissionPolicyBinding),
  entry(ClusterRole),
  entry(ClusterRoleBinding),
  // The chart registry's token generator (application delivery).
  entry(ECRAuthorizationToken),
  // The data-grants Job of the environment stacks (src/data/data-grants.ts).
  entry(Job),
]);

interface Access {
  /** JSON pointers of properties the validator read (or tested with `in`). */
  read: Set<string>;
  /** JSON pointers of objects whose keys the validator enumerated (maps: every key is checked). */
  enumerated: Set<string>;
}

function pointer(parent: string, key: string): string {
  return `${parent}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

function track<T>(value: T, at: string, access: Access): T {
  if (value === null || typeof value !== "object") return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      const child: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== "string") return child;
      access.read.add(pointer(at, key));
      return track(child, pointer(at, key), access);
    },
    has(target, key) {
      if (typeof key === "string") access.read.add(pointer(at, key));
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      access.enumerated.add(at);
      return Reflect.ownKeys(target);
    },
  }) as T;
}

function unknownFields(value: unknown, at: string, access: Access, out: string[]): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      unknownFields(item, `${at}/${i}`, access, out);
    });
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const here = pointer(at, key);
    if (!access.enumerated.has(at) && !access.read.has(here)) {
      out.push(here); // its subtree is unknown too: report the misspelt field only
      continue;
    }
    unknownFields(child, here, access, out);
  }
}

/** Describes an object as `Kind/name` for messages. */
export function describe(obj: { kind?: unknown; metadata?: { name?: unknown } }): string {
  return `${String(obj.kind)}/${String(obj.metadata?.name)}`;
}

/**
 * Validates one object strictly against its kind's schema. Returns the problems found (empty when it
 * is valid): schema violations, unknown fields, or an apiVersion/kind the chart has no validator for.
 */
export function validateObject(obj: unknown): string[] {
  const meta = (obj ?? {}) as { apiVersion?: unknown; kind?: unknown };
  const key = `${String(meta.apiVersion)}/${String(meta.kind)}`;
  const model = VALIDATORS.get(key);
  if (model === undefined) {
    return [`no schema validator for ${key}: map it in tests/support/k8s-schema.ts before creating it`];
  }
  const access: Access = { read: new Set(), enumerated: new Set() };
  const problems: string[] = [];
  const validate: unknown = (model.prototype as { validate?: unknown }).validate;
  if (typeof validate !== "function") throw new Error(`the ${key} model has no validate()`);
  try {
    validate.call(track(obj, "", access));
  } catch (err) {
    problems.push(`schema: ${(err as Error).message}`);
  }
  const unknown: string[] = [];
  unknownFields(obj, "", access, unknown);
  for (const field of unknown) problems.push(`unknown field ${field}`);
  return problems;
}
