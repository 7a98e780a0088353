/**
 * Pod Security Admission labels of a namespace (Kubernetes Pod Security Standards). `enforce`
 * rejects a pod that breaks the level; `warn` tells the client; `audit` records it in the audit log.
 * Each mode is pinned to the cluster's Kubernetes minor, so an upgrade never tightens a policy
 * underneath running workloads without a reviewed change.
 */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

const PREFIX = "pod-security.kubernetes.io";

export function podSecurityLabels(a: {
  readonly enforce?: PodSecurityLevel;
  readonly warn?: PodSecurityLevel;
  readonly audit?: PodSecurityLevel;
  /** The cluster's Kubernetes version, e.g. `1.33`. */
  readonly kubernetesVersion: string;
}): Record<string, string> {
  const m = /^(\d+)\.(\d+)/.exec(a.kubernetesVersion);
  if (!m) throw new Error(`podSecurityLabels: "${a.kubernetesVersion}" is not a Kubernetes version`);
  const version = `v${m[1]}.${m[2]}`;
  const out: Record<string, string> = {};
  for (const mode of ["enforce", "warn", "audit"] as const) {
    const level = a[mode];
    if (level === undefined) continue;
    out[`${PREFIX}/${mode}`] = level;
    out[`${PREFIX}/${mode}-version`] = version;
  }
  return out;
}
