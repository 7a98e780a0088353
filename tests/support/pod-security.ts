/**
 * The Kubernetes Pod Security Standards' `restricted` profile (which includes `baseline`), as the
 * Pod Security Admission controller applies it to a pod spec: what a namespace labelled
 * `pod-security.kubernetes.io/enforce: restricted` would reject. Each check is one control of
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ (Kubernetes 1.33).
 */
import type { IContainer, IPodSpec } from "kubernetes-models/v1";

const RESTRICTED_VOLUMES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

/** The reasons the `restricted` profile would reject this pod spec (empty: admitted). */
export function restrictedViolations(spec: IPodSpec): string[] {
  const out: string[] = [];
  const podSc = spec.securityContext ?? {};
  const containers: IContainer[] = [
    ...(spec.initContainers ?? []),
    ...spec.containers,
    ...((spec.ephemeralContainers ?? []) as IContainer[]),
  ];

  // baseline
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push("host namespaces");
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== "name");
    if (type === "hostPath") out.push(`volume ${v.name}: hostPath`);
    if (type && !RESTRICTED_VOLUMES.has(type))
      out.push(`volume ${v.name}: ${type} is not a restricted volume type`);
  }
  if (
    podSc.seLinuxOptions?.type &&
    !["container_t", "container_init_t", "container_kvm_t"].includes(podSc.seLinuxOptions.type)
  ) {
    out.push("pod: SELinux type");
  }
  for (const s of podSc.sysctls ?? []) out.push(`pod: sysctl ${s.name}`);

  const podNonRoot = podSc.runAsNonRoot === true;
  const podSeccomp = podSc.seccompProfile?.type;
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged) out.push(`${where}: privileged`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${where}: hostPort ${p.hostPort}`);
    if (sc.procMount && sc.procMount !== "Default") out.push(`${where}: procMount`);
    if (sc.windowsOptions?.hostProcess) out.push(`${where}: hostProcess`);
    for (const cap of sc.capabilities?.add ?? []) {
      if (!BASELINE_CAPABILITIES.has(cap)) out.push(`${where}: adds capability ${cap}`);
    }
    // restricted
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation must be false`);
    const nonRoot = sc.runAsNonRoot ?? podNonRoot;
    if (nonRoot !== true) out.push(`${where}: runAsNonRoot must be true`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) out.push(`${where}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
      out.push(`${where}: seccompProfile must be RuntimeDefault or Localhost`);
    }
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) out.push(`${where}: must drop ALL capabilities`);
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap !== "NET_BIND_SERVICE") out.push(`${where}: may add only NET_BIND_SERVICE, not ${cap}`);
    }
  }
  if (podSc.runAsUser === 0) out.push("pod: runAsUser 0");
  return out;
}
