import { stringify } from "yaml";

/**
 * A PR environment's ArgoCD Application: the chart from the pull request's own commit (this
 * repository, `charts/payments`), with dev's values and what makes the PR environment its own (its
 * environment name and secrets path, its SecretStore, its workload roles, no Ingress: nothing of it
 * is published), into its namespace on dev's cluster. It belongs to the `payments-previews` project,
 * which admits only this repository as a source and only `payments-pr-*` namespaces on dev's
 * cluster as destinations. The PR workflow creates it through ArgoCD's API after the PR's stack is
 * up, and deletes it (with everything it deployed) before the stack is destroyed.
 */

/** The AppProject of PR environments' Applications. */
export const PR_PROJECT = "payments-previews";
/** Where the chart lives in this repository. */
export const CHART_PATH = "charts/payments";
/** ArgoCD's finalizer: deleting the Application deletes what it deployed first. */
export const RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io";

/** The git URL ArgoCD reads this repository at (SSH, with a read-only deploy key). */
export function gitRepositoryUrl(repository: string): string {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new Error(`"${repository}" is not a GitHub repository (owner/name)`);
  }
  return `git@github.com:${repository}.git`;
}

/** A PR environment's Application name. */
export function prApplicationName(pullRequest: number): string {
  return `payments-pr-${pullRequest}`;
}

/** What a PR environment's stack outputs (`pulumi stack output --json -s pr-<n>`) give the Application. */
export interface PrStackOutputs {
  readonly pullRequest: number;
  readonly clusterName: string;
  readonly namespace: string;
  readonly workloadRoleArns: { readonly api: string; readonly admin: string; readonly worker: string };
}

/** Reads and checks the PR stack's outputs. */
export function parsePrStackOutputs(raw: unknown): PrStackOutputs {
  const o = (raw ?? {}) as Record<string, unknown>;
  const roles = (o.workloadRoleArns ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const str = (v: unknown, what: string) => {
    if (typeof v !== "string" || v.length === 0) problems.push(`${what} is missing`);
    return String(v);
  };
  const out = {
    pullRequest: Number(o.pullRequest),
    clusterName: str(o.clusterName, "clusterName"),
    namespace: str(o.namespace, "namespace"),
    workloadRoleArns: {
      api: str(roles.api, "workloadRoleArns.api"),
      admin: str(roles.admin, "workloadRoleArns.admin"),
      worker: str(roles.worker, "workloadRoleArns.worker"),
    },
  };
  if (!Number.isInteger(out.pullRequest) || out.pullRequest < 1) problems.push("pullRequest is missing");
  if (problems.length > 0) throw new Error(`the PR stack's outputs are incomplete: ${problems.join(", ")}`);
  return out;
}

/** The chart values a PR environment runs with, on top of the chart's `values-dev.yaml`. */
export function prHelmValues(o: PrStackOutputs, secretStore: string) {
  const role = (roleArn: string) => ({ serviceAccount: { roleArn } });
  const noIngress = { ingress: { enabled: false } };
  return {
    environment: `pr-${o.pullRequest}`,
    externalSecrets: { secretStore },
    // Nothing of a PR environment is published: no Ingress, so no ALB rule and no DNS record.
    ingressClasses: { public: { dnsNames: [] }, internal: { dnsNames: [] } },
    workloads: {
      "payments-web": { ...noIngress },
      "payments-api": { ...noIngress, ...role(o.workloadRoleArns.api) },
      "admin-web": { ...noIngress, ...role(o.workloadRoleArns.admin) },
      // No Lambda worker in a PR environment: the in-cluster worker consumes its queue.
      "payments-worker": { enabled: true, ...role(o.workloadRoleArns.worker) },
    },
  };
}

/** The Application of a PR environment at a commit of the pull request. */
export function prApplicationManifest(a: {
  readonly outputs: PrStackOutputs;
  /** The pull request's head commit (40 hex digits). */
  readonly revision: string;
  readonly repository: string;
  readonly secretStore: string;
}) {
  if (!/^[0-9a-f]{40}$/.test(a.revision)) {
    throw new Error(
      `"${a.revision}" is not a commit (40 hex digits): a PR environment runs one exact commit`,
    );
  }
  const o = a.outputs;
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: prApplicationName(o.pullRequest),
      namespace: "argocd",
      labels: { "platform.payments/pull-request": String(o.pullRequest) },
      finalizers: [RESOURCES_FINALIZER],
    },
    spec: {
      project: PR_PROJECT,
      source: {
        repoURL: gitRepositoryUrl(a.repository),
        path: CHART_PATH,
        targetRevision: a.revision,
        helm: {
          releaseName: "payments",
          valueFiles: ["values-dev.yaml"],
          // As YAML text (`values`), which every ArgoCD version reads the same way.
          values: stringify(prHelmValues(o, a.secretStore)),
        },
      },
      destination: { name: o.clusterName, namespace: o.namespace },
      // The namespace is the PR stack's; ArgoCD never creates or deletes it.
      syncPolicy: { syncOptions: ["RespectIgnoreDifferences=true"] },
      ignoreDifferences: [
        { group: "", kind: "Service", jsonPointers: ["/spec/selector/rollouts-pod-template-hash"] },
      ],
      revisionHistoryLimit: 3,
    },
  };
}
