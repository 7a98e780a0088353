/**
 * Runs the real helm (built by scripts/install-tools.sh into .tools/bin) against charts/payments and
 * parses what it renders. Every call is synchronous and in-process: a render takes well under a second.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { VERSIONS } from "../../src/core/versions";
import { platformValuesFile } from "./platform-values";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const CHART_DIR = path.join(REPO_ROOT, "charts", "payments");
export const HELM = path.join(REPO_ROOT, ".tools", "bin", "helm");

/** Release name and namespace every render uses. */
export const RELEASE = "payments";
export const NAMESPACE = "payments";

/**
 * Cluster version the chart is rendered for: the EKS version the platform deploys by default. A helm
 * built with `go install` has no Kubernetes version stamped in, so it is passed explicitly.
 */
export const KUBE_VERSION = `${VERSIONS.kubernetes.default}.0`;

export const ENVIRONMENTS = ["dev", "preprod", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** A rendered Kubernetes object; fields beyond the type meta are checked by the validators. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Result of a helm run that is expected to fail. */
export interface HelmFailure {
  status: number | null;
  stderr: string;
}

export function requireHelm(): string {
  if (!existsSync(HELM)) {
    throw new Error(
      `helm was not found at ${HELM}. Build the pinned helm first with: bash scripts/install-tools.sh ` +
        "(npm test runs it for you).",
    );
  }
  return HELM;
}

export function valuesFile(env: Environment): string {
  return path.join(CHART_DIR, `values-${env}.yaml`);
}

/**
 * Value overrides: `--set` strings, and `--set-json` ones (for empty lists and objects). `platform`
 * picks the values the environment stack supplies through ArgoCD: by default the ones built from
 * the stack file (`platform-values.ts`), `false` for none, or a file (a planned stack's values).
 */
export interface Overrides {
  set?: readonly string[];
  setJson?: readonly string[];
  platform?: false | string;
}

/** Arguments selecting an environment's values, the stack's values, then the overrides. */
function valuesArgs(env: Environment | undefined, overrides: Overrides): string[] {
  const args: string[] = [];
  if (env !== undefined) args.push("--values", valuesFile(env));
  if (overrides.platform !== false) {
    args.push("--values", overrides.platform ?? platformValuesFile(env ?? "dev"));
  }
  for (const set of overrides.set ?? []) args.push("--set", set);
  for (const set of overrides.setJson ?? []) args.push("--set-json", set);
  return args;
}

function runHelm(args: readonly string[]): string {
  return execFileSync(requireHelm(), args, {
    cwd: REPO_ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function templateArgs(env: Environment | undefined, overrides: Overrides): string[] {
  return [
    "template",
    RELEASE,
    CHART_DIR,
    "--namespace",
    NAMESPACE,
    "--kube-version",
    KUBE_VERSION,
    ...valuesArgs(env, overrides),
  ];
}

/** `helm template` with an environment's values; returns every rendered object. */
export function renderChart(env: Environment | undefined, overrides: Overrides = {}): K8sObject[] {
  const out = runHelm(templateArgs(env, overrides));
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(out)) {
    if (doc.errors.length > 0) {
      throw new Error(`helm rendered invalid YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== "object" || Array.isArray(value)) {
      throw new Error(`helm rendered a document that is not an object: ${JSON.stringify(value)}`);
    }
    const obj = value as K8sObject;
    if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string" || !obj.metadata?.name) {
      throw new Error(`rendered object without apiVersion, kind or metadata.name: ${JSON.stringify(value)}`);
    }
    objects.push(obj);
  }
  return objects;
}

/** `helm lint --strict` with an environment's values; returns helm's output (throws when lint fails). */
export function lintChart(env: Environment | undefined): string {
  return runHelm(["lint", "--strict", CHART_DIR, "--kube-version", KUBE_VERSION, ...valuesArgs(env, {})]);
}

/** `helm template` that must fail: returns its exit status and stderr, or throws if it rendered. */
export function renderExpectingFailure(env: Environment | undefined, overrides: Overrides): HelmFailure {
  try {
    runHelm(templateArgs(env, overrides));
  } catch (err) {
    const e = err as { status?: number | null; stderr?: string | Buffer };
    return { status: e.status ?? null, stderr: String(e.stderr ?? "") };
  }
  throw new Error(`helm template unexpectedly succeeded with overrides ${JSON.stringify(overrides)}`);
}
