import { ARGO_CD } from "../cluster";
import { isStackName, STACKS } from "../core/environments";
import { podSecurityLabels } from "../core/pod-security";
import { CHART_VALUES_ANNOTATION } from "./chart-values";

/**
 * ArgoCD's hub-and-spoke objects as plain data (after the gitops-bridge pattern): each environment
 * registers its cluster in the hub as a cluster secret whose labels and annotations carry what the
 * deployment needs; one ApplicationSet with cluster generators turns every such secret into an
 * Application of the payments chart. Tests validate every object against its real schema.
 */

/** Where ArgoCD runs (management cluster) and where the chart goes (environment clusters). */
export const ARGOCD_NAMESPACE = ARGO_CD.namespace;
export const PAYMENTS_NAMESPACE = "payments";
/** The AppProject and ApplicationSet of the payments chart, and the chart's Helm release name. */
export const PAYMENTS_APP = "payments";

/** Labels and annotations of a cluster secret: ArgoCD's own, and the ones the ApplicationSet reads. */
export const SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type";
export const ENVIRONMENT_LABEL = "platform.payments/environment";
/** "true" when the environment asks for automated sync; the hub never grants it to prod. */
export const AUTO_SYNC_LABEL = "platform.payments/auto-sync";
/** The chart version the environment runs: promotion is a change of this annotation. */
export const CHART_VERSION_ANNOTATION = "platform.payments/chart-version";

/** Kubernetes groups of the EKS access entries (RBAC subjects; never `system:`). */
export const DEPLOYER_GROUP = "platform:argocd-deployer";
/** Prefix of the registrar groups: `platform:argocd-registrar-<env>`, one per environment. */
export const REGISTRAR_GROUP_PREFIX = "platform:argocd-registrar-";

/** Prefix of the reader groups: `platform:argocd-reader-<env>`, the registrars' read-only counterparts. */
export const READER_GROUP_PREFIX = "platform:argocd-reader-";

/** The Kubernetes group of an environment's reader (its EKS access entry's only group). */
export function readerGroup(environment: string): string {
  return `${READER_GROUP_PREFIX}${environment}`;
}

/** The Kubernetes group of an environment's registrar (its EKS access entry's only group). */
export function registrarGroup(environment: string): string {
  return `${REGISTRAR_GROUP_PREFIX}${environment}`;
}

/** The namespaced role (and binding) that gives the deployer the chart's custom resources. */
export const DEPLOYER_RBAC_NAME = "argocd-deployer";
/** Prefix of the Role (and binding) in `argocd`, and of the admission policy, of each environment's registrar. */
export const REGISTRAR_RBAC_PREFIX = "argocd-registrar-";
/** Prefix of the Role (and binding) in `argocd` of each environment's reader. */
export const READER_RBAC_PREFIX = "argocd-reader-";
/**
 * The deployer's rights on every kind the chart renders, as a ClusterRole granted nowhere by
 * itself: each PR environment binds it in its own namespace on the base cluster (a RoleBinding),
 * so ArgoCD can deploy the chart there without any namespace-wide grant of its own.
 */
export const DEPLOYER_PR_NAMESPACE_ROLE = "argocd-deployer-pr-namespace";
/** The deployer's cluster-wide read of the chart's kinds on the base cluster (ArgoCD's cache there). */
export const DEPLOYER_READ_ROLE = "argocd-deployer-read";

/** `<account>.dkr.ecr.<region>.amazonaws.com/charts`: the OCI Helm registry path ArgoCD pulls from. */
export function chartRegistry(accountId: string, region: string, prefix = "charts"): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com/${prefix.replace(/\/+$/, "")}`;
}

/** The hub's cluster secret of an environment cluster. */
export function clusterSecretName(clusterName: string): string {
  return `cluster-${clusterName}`;
}

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/**
 * Every kind the payments chart renders (all namespaced: it renders no cluster-scoped kind). The
 * project admits these and nothing else; a test renders the chart and compares.
 */
export const PAYMENTS_CHART_KINDS: readonly GroupKind[] = [
  { group: "", kind: "Service" },
  { group: "", kind: "ServiceAccount" },
  { group: "networking.k8s.io", kind: "Ingress" },
  { group: "networking.k8s.io", kind: "NetworkPolicy" },
  { group: "policy", kind: "PodDisruptionBudget" },
  { group: "autoscaling", kind: "HorizontalPodAutoscaler" },
  { group: "argoproj.io", kind: "Rollout" },
  { group: "argoproj.io", kind: "AnalysisTemplate" },
  { group: "external-secrets.io", kind: "ExternalSecret" },
];

/** An RBAC rule. */
export interface RbacRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly resourceNames?: string[];
  readonly verbs: string[];
}

const WRITE = ["get", "list", "watch", "create", "update", "patch", "delete"];
const READ = ["get", "list", "watch"];

/**
 * What the deployer needs beyond `AmazonEKSAdminPolicy`, which covers the built-in API groups only:
 * the chart's custom resources (Argo Rollouts, External Secrets), and read access to what Argo
 * Rollouts creates from them, so ArgoCD shows canaries and their analyses.
 */
export const DEPLOYER_CUSTOM_RESOURCE_RULES: readonly RbacRule[] = [
  { apiGroups: ["argoproj.io"], resources: ["rollouts", "analysistemplates"], verbs: WRITE },
  { apiGroups: ["argoproj.io"], resources: ["analysisruns", "experiments"], verbs: READ },
  { apiGroups: ["external-secrets.io"], resources: ["externalsecrets"], verbs: WRITE },
];

/**
 * The payments AppProject: the chart registry as the only source, the environments' clusters
 * (by cluster name) and the `payments` namespace as the only destinations, no cluster-scoped kind,
 * only the chart's kinds, and warnings for resources in `payments` that no Application owns.
 */
export function appProjectManifest(a: {
  readonly registry: string;
  readonly clusterNames: readonly string[];
}) {
  if (a.clusterNames.length === 0) throw new Error("appProjectManifest: at least one destination cluster");
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: PAYMENTS_APP, namespace: ARGOCD_NAMESPACE },
    spec: {
      sourceRepos: [a.registry],
      destinations: a.clusterNames.map((name) => ({ name, namespace: PAYMENTS_NAMESPACE })),
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: PAYMENTS_CHART_KINDS.map((k) => ({ ...k })),
      orphanedResources: {
        warn: true,
        // What the platform itself keeps in the namespace.
        ignore: [
          { group: "rbac.authorization.k8s.io", kind: "Role", name: DEPLOYER_RBAC_NAME },
          { group: "rbac.authorization.k8s.io", kind: "RoleBinding", name: DEPLOYER_RBAC_NAME },
          { group: "", kind: "ConfigMap", name: "kube-root-ca.crt" },
          { group: "", kind: "ServiceAccount", name: "default" },
        ],
      },
    },
  };
}

/** A label selector requirement of a cluster generator. */
export interface Requirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values?: string[];
}

/** Go-template expressions of the ApplicationSet, evaluated per cluster secret. */
const ENV = `index .metadata.labels "${ENVIRONMENT_LABEL}"`;
const CHART_VERSION = `index .metadata.annotations "${CHART_VERSION_ANNOTATION}"`;
const CHART_VALUES = `index .metadata.annotations "${CHART_VALUES_ANNOTATION}"`;

/**
 * The patch applied to each generated Application: automated sync (prune, self-heal, retries)
 * where the generator that matched the cluster says `autoSync: "true"`, and an annotation naming
 * the sync mode either way (a patch always has content, never `null`).
 */
export const SYNC_TEMPLATE_PATCH = [
  "metadata:",
  "  annotations:",
  `    platform.payments/sync: '{{ if eq .values.autoSync "true" }}automated{{ else }}manual{{ end }}'`,
  '{{- if eq .values.autoSync "true" }}',
  "spec:",
  "  syncPolicy:",
  "    automated:",
  "      prune: true",
  "      selfHeal: true",
  "    retry:",
  "      limit: 5",
  "      backoff:",
  "        duration: 30s",
  "        factor: 2",
  "        maxDuration: 5m",
  "{{- end }}",
  "",
].join("\n");

/**
 * The payments ApplicationSet. Cluster generators select the cluster secrets labelled with a
 * served environment; which generator matches decides the sync mode: dev and preprod sync
 * automatically when their secret asks for it, prod never does, whatever its secret says. Each
 * environment cluster matches exactly one generator, so yields exactly one Application,
 * `payments-<env>`: the chart from the registry at the secret's chart-version annotation, with
 * the chart's `values-<env>.yaml`, into `payments` on that cluster.
 */
export function applicationSetManifest(a: {
  readonly registry: string;
  readonly chart: string;
  readonly environments: readonly string[];
}) {
  if (a.environments.length === 0) throw new Error("applicationSetManifest: at least one environment");
  const manualOnly = a.environments.filter((e) => isStackName(e) && STACKS[e].gated);
  const mayAutoSync = a.environments.filter((e) => !manualOnly.includes(e));
  const clusters = (requirements: Requirement[], autoSync: boolean) => ({
    clusters: {
      selector: { matchExpressions: requirements.map((r) => ({ ...r })) },
      values: { autoSync: String(autoSync) },
    },
  });
  const envIn = (envs: string[]): Requirement => ({ key: ENVIRONMENT_LABEL, operator: "In", values: envs });
  const generators = [
    ...(mayAutoSync.length > 0
      ? [
          clusters([envIn(mayAutoSync), { key: AUTO_SYNC_LABEL, operator: "In", values: ["true"] }], true),
          clusters(
            [envIn(mayAutoSync), { key: AUTO_SYNC_LABEL, operator: "NotIn", values: ["true"] }],
            false,
          ),
        ]
      : []),
    ...(manualOnly.length > 0 ? [clusters([envIn(manualOnly)], false)] : []),
  ];
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: { name: PAYMENTS_APP, namespace: ARGOCD_NAMESPACE },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators,
      // Removing an environment removes its Application, never the workloads it deployed.
      syncPolicy: { preserveResourcesOnDeletion: true },
      // The chart version an Application runs is set by the promotion pipeline through ArgoCD's API
      // (npm run promote); the secret's annotation only seeds a newly generated Application, so the
      // ApplicationSet never reverts a promotion (the stack files record each one in git).
      ignoreApplicationDifferences: [{ jsonPointers: ["/spec/source/targetRevision"] }],
      template: {
        metadata: {
          name: `${PAYMENTS_APP}-{{ ${ENV} }}`,
          labels: { [ENVIRONMENT_LABEL]: `{{ ${ENV} }}` },
        },
        spec: {
          project: PAYMENTS_APP,
          source: {
            repoURL: a.registry,
            chart: a.chart,
            // A missing annotation names a version that cannot exist: the sync fails, nothing unpinned deploys.
            targetRevision: `{{ ${CHART_VERSION} | default "0.0.0-unset" }}`,
            // The environment's own values (CIDRs, the ALB's origin restriction, the SLO), written by its
            // stack; missing, the chart refuses to render a public Ingress, so nothing deploys open.
            helm: {
              releaseName: PAYMENTS_APP,
              valueFiles: [`values-{{ ${ENV} }}.yaml`],
              values: `{{ ${CHART_VALUES} | default "{}" }}`,
            },
          },
          destination: { name: "{{ .name }}", namespace: PAYMENTS_NAMESPACE },
          // What Argo Rollouts changes during a canary: the weighted forward action it writes into
          // the Ingress and the pod-template hash it adds to the stable and canary Services' selectors.
          ignoreDifferences: [
            {
              group: "networking.k8s.io",
              kind: "Ingress",
              jqPathExpressions: [
                '.metadata.annotations[(.metadata.annotations // {} | keys[] | select(startswith("alb.ingress.kubernetes.io/actions.")))]',
              ],
            },
            { group: "", kind: "Service", jsonPointers: ["/spec/selector/rollouts-pod-template-hash"] },
            // What Reloader writes into a Rollout's pod template when one of its Secrets changes.
            {
              group: "argoproj.io",
              kind: "Rollout",
              jsonPointers: ["/spec/template/metadata/annotations/reloader.stakater.com~1last-reloaded-from"],
            },
          ],
          // No CreateNamespace: each cluster is registered namespaced (`payments` only, no cluster
          // resources), where ArgoCD refuses to manage a Namespace; the spoke creates it.
          syncPolicy: { syncOptions: ["RespectIgnoreDifferences=true"] },
          revisionHistoryLimit: 10,
        },
      },
      templatePatch: SYNC_TEMPLATE_PATCH,
    },
  };
}

/**
 * An environment cluster's registration in the hub: ArgoCD reaches `server` with an EKS token
 * for the environment's deployer role (`awsAuthConfig`, assumed from ArgoCD's own Pod Identity
 * role), watches only the `payments` namespace and manages no cluster-scoped resource there.
 */
export function clusterSecretManifest(a: {
  readonly environment: string;
  readonly clusterName: string;
  readonly server: string;
  readonly caData: string;
  readonly deployerRoleArn: string;
  readonly chartVersion: string;
  readonly autoSync: boolean;
  /** The environment's chart values (`paymentsChartValues`), passed to Helm by the ApplicationSet. */
  readonly chartValues?: Readonly<Record<string, unknown>>;
  /** Watch every namespace (the PR environments' base cluster) rather than `payments` only. */
  readonly allNamespaces?: boolean;
}) {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: clusterSecretName(a.clusterName),
      namespace: ARGOCD_NAMESPACE,
      labels: {
        [SECRET_TYPE_LABEL]: "cluster",
        [ENVIRONMENT_LABEL]: a.environment,
        [AUTO_SYNC_LABEL]: String(a.autoSync),
      },
      annotations: {
        [CHART_VERSION_ANNOTATION]: a.chartVersion,
        ...(a.chartValues ? { [CHART_VALUES_ANNOTATION]: JSON.stringify(a.chartValues) } : {}),
      },
    },
    type: "Opaque",
    stringData: {
      name: a.clusterName,
      server: a.server,
      // The base environment's cluster also hosts the PR environments' namespaces, which ArgoCD
      // cannot list ahead of time: there it watches every namespace (the chart's kinds only, see
      // argoCdApiAccess) and manages no cluster-scoped resource.
      ...(a.allNamespaces ? {} : { namespaces: PAYMENTS_NAMESPACE }),
      clusterResources: "false",
      config: JSON.stringify({
        awsAuthConfig: { clusterName: a.clusterName, roleARN: a.deployerRoleArn },
        tlsClientConfig: { insecure: false, caData: a.caData },
      }),
    },
  };
}

/** A namespaced Role and the RoleBinding that gives it to a subject. */
function roleWithBinding(a: {
  readonly name: string;
  readonly namespace: string;
  readonly rules: readonly RbacRule[];
  readonly subject: { readonly kind: "Group" | "ServiceAccount"; readonly name: string };
}) {
  const metadata = { name: a.name, namespace: a.namespace };
  return {
    role: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata,
      rules: a.rules.map((r): RbacRule => ({ ...r })),
    },
    binding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: a.name },
      subjects: [
        a.subject.kind === "Group"
          ? { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: a.subject.name }
          : { kind: "ServiceAccount", name: a.subject.name, namespace: a.namespace },
      ],
    },
  };
}

/**
 * An environment registrar's rights in the hub: create secrets in `argocd`, and read, change or
 * delete only its own environment's cluster secret. Nothing else in the namespace (ArgoCD's own
 * secrets and config, the other environments' cluster secrets) and nothing outside it. RBAC cannot
 * name an object that does not exist yet, so `create` is granted for the namespace; the registrar's
 * admission policy (`registrarAdmissionPolicyManifests`) narrows it to the one secret.
 */
export function registrarRbacManifests(a: {
  readonly environment: string;
  readonly clusterSecretName: string;
}) {
  return roleWithBinding({
    name: `${REGISTRAR_RBAC_PREFIX}${a.environment}`,
    namespace: ARGOCD_NAMESPACE,
    rules: [
      { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
      {
        apiGroups: [""],
        resources: ["secrets"],
        resourceNames: [a.clusterSecretName],
        verbs: ["get", "update", "patch", "delete"],
      },
    ],
    subject: { kind: "Group", name: registrarGroup(a.environment) },
  });
}

/**
 * The reader's rights: read its own environment's cluster secret, nothing else (what a preview's
 * refresh reads; a preview's server-side dry run is refused and the provider diffs client-side).
 */
export function readerRbacManifests(a: { readonly environment: string; readonly clusterSecretName: string }) {
  return roleWithBinding({
    name: `${READER_RBAC_PREFIX}${a.environment}`,
    namespace: ARGOCD_NAMESPACE,
    rules: [
      { apiGroups: [""], resources: ["secrets"], resourceNames: [a.clusterSecretName], verbs: ["get"] },
    ],
    subject: { kind: "Group", name: readerGroup(a.environment) },
  });
}

/**
 * What RBAC cannot say, enforced by the API server (a ValidatingAdmissionPolicy, GA since
 * Kubernetes 1.30): a request from an environment's registrar group may create, change or delete
 * only that environment's cluster secret, and the secret must carry that environment's label, so
 * one environment can neither register a cluster under another's name nor relabel its own secret
 * to receive another environment's Application. `failurePolicy: Fail`: if the policy cannot be
 * evaluated, the request is refused.
 */
export function registrarAdmissionPolicyManifests(a: {
  readonly environment: string;
  readonly clusterSecretName: string;
}) {
  const name = `${REGISTRAR_RBAC_PREFIX}${a.environment}`;
  const group = registrarGroup(a.environment);
  const labels = "object.metadata.labels";
  return {
    policy: {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: [""],
              apiVersions: ["v1"],
              operations: ["CREATE", "UPDATE", "DELETE"],
              resources: ["secrets"],
            },
          ],
        },
        matchConditions: [{ name: "from-registrar", expression: `'${group}' in request.userInfo.groups` }],
        validations: [
          {
            expression: `request.name == '${a.clusterSecretName}'`,
            message: `the ${a.environment} registrar may write only the secret ${a.clusterSecretName}`,
            reason: "Forbidden",
          },
          {
            expression: `request.operation == 'DELETE' || (has(object.metadata.labels) && '${ENVIRONMENT_LABEL}' in ${labels} && ${labels}['${ENVIRONMENT_LABEL}'] == '${a.environment}')`,
            message: `the ${a.environment} cluster secret must carry ${ENVIRONMENT_LABEL}=${a.environment}`,
            reason: "Forbidden",
          },
        ],
      },
    },
    binding: {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name },
      spec: {
        policyName: name,
        validationActions: ["Deny"],
        matchResources: {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ARGOCD_NAMESPACE } },
        },
      },
    },
  };
}

/** The deployer's custom-resource rights in `payments` (the access policy covers the built-in kinds). */
export function deployerRbacManifests() {
  return roleWithBinding({
    name: DEPLOYER_RBAC_NAME,
    namespace: PAYMENTS_NAMESPACE,
    rules: DEPLOYER_CUSTOM_RESOURCE_RULES,
    subject: { kind: "Group", name: DEPLOYER_GROUP },
  });
}

/**
 * The namespace ArgoCD deploys the chart into, created by the environment stack (ArgoCD may not).
 * Pod Security Admission enforces the `restricted` standard there (and warns and audits against
 * it): every pod the chart renders, including the smoke-test Jobs of the canary analysis, runs as
 * non-root with no privilege escalation, all capabilities dropped and the runtime's seccomp profile.
 */
export function paymentsNamespaceManifest(a: { readonly kubernetesVersion: string }) {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: PAYMENTS_NAMESPACE,
      labels: {
        "app.kubernetes.io/part-of": "payments",
        ...podSecurityLabels({
          enforce: "restricted",
          warn: "restricted",
          audit: "restricted",
          kubernetesVersion: a.kubernetesVersion,
        }),
      },
    },
  };
}
