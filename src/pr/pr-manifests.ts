import { DEPLOYER_GROUP, DEPLOYER_PR_NAMESPACE_ROLE } from "../gitops";

/**
 * The Kubernetes objects of a PR environment's namespace on the base cluster, as plain data (tests
 * validate them against their real schemas).
 */

/** The namespaced SecretStore the PR's chart reads its secrets through (`externalSecrets.store`). */
export const PR_SECRET_STORE = "pr-secrets";
/** Label on every PR namespace: the pull request it belongs to (what the reaper and operators look for). */
export const PR_LABEL = "platform.payments/pull-request";

/** The SecretStore's provider: AWS Secrets Manager in the region, through the PR's secrets reader role. */
export function secretStoreSpec(region: string, roleArn: string) {
  return { provider: { aws: { service: "SecretsManager", region, role: roleArn } } };
}

export function prNamespaceManifests(a: {
  readonly namespace: string;
  readonly pullRequest: number;
  readonly region: string;
  /** The secrets reader role (absent: a placeholder, for the objects' static parts). */
  readonly roleArn?: string;
}) {
  const labels = { "app.kubernetes.io/part-of": "payments", [PR_LABEL]: String(a.pullRequest) };
  return {
    namespace: { apiVersion: "v1", kind: "Namespace", metadata: { name: a.namespace, labels } },
    /** ArgoCD's deployer gets the chart's kinds here (its EKS access entry covers `payments` only). */
    deployerBinding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "argocd-deployer", namespace: a.namespace, labels },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: DEPLOYER_PR_NAMESPACE_ROLE,
      },
      subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: DEPLOYER_GROUP }],
    },
    secretStore: {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: PR_SECRET_STORE, namespace: a.namespace, labels },
      spec: secretStoreSpec(a.region, a.roleArn ?? "arn:aws:iam::000000000000:role/unset"),
    },
  };
}
