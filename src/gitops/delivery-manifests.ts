import { stringify } from "yaml";
import { PR_ENVIRONMENTS_ROLE_NAME, PR_NAMESPACE_PREFIX } from "../core/pr-names";
import {
  ARGOCD_NAMESPACE,
  DEPLOYER_GROUP,
  DEPLOYER_PR_NAMESPACE_ROLE,
  DEPLOYER_READ_ROLE,
  type GroupKind,
  PAYMENTS_APP,
  PAYMENTS_CHART_KINDS,
  type RbacRule,
  SECRET_TYPE_LABEL,
} from "./gitops-manifests";

/**
 * The objects of application delivery through ArgoCD, as plain data (tests validate each against
 * its real schema): the chart registry's credentials from External Secrets' ECR token generator,
 * ArgoCD's API behind an internal load balancer, the API accounts the pipelines use and their RBAC,
 * the PR environments' project and this repository's credentials, and, on the base cluster, what
 * PR environments may do there.
 */

/** The ArgoCD repository secret of the chart registry (written by External Secrets). */
export const CHART_REGISTRY_SECRET = "chart-registry";
/** ECR tokens last 12 hours: External Secrets generates a new one every 6. */
export const CHART_TOKEN_REFRESH = "6h";
/** The AppProject of PR environments' Applications (the promotion CLI names it too). */
export const PREVIEWS_PROJECT = "payments-previews";
/** The ArgoCD repository secret of this repository (PR environments deploy the chart from git). */
export const GIT_REPOSITORY_SECRET = "platform-repository";
/** The Secrets Manager entry holding this repository's read-only deploy key (`sshPrivateKey`), set once by hand. */
export const GIT_DEPLOY_KEY_SECRET = "management/argocd/platform-repository";
/** The Service exposing ArgoCD's API on an internal network load balancer. */
export const ARGOCD_API_SERVICE = "argocd-server-internal";

/** ArgoCD's API accounts (API keys only, no UI login), one per pipeline. */
export const ARGOCD_ACCOUNTS = {
  /** Promotes the environments: get, update (the chart version) and sync the `payments` Applications. */
  promoter: "promoter",
  /** Creates, syncs and deletes PR environments' Applications in `payments-previews`. */
  prEnvironments: "pr-environments",
} as const;

const GENERATOR = {
  apiVersion: "generators.external-secrets.io/v1alpha1",
  kind: "ECRAuthorizationToken",
} as const;

/**
 * The chart registry's credentials without a CronJob: External Secrets' ECRAuthorizationToken
 * generator asks ECR for a token as `roleArn` (assumed with the operator's own Pod Identity
 * credentials), and an ExternalSecret renders it into ArgoCD's repository secret every 6 hours.
 */
export function chartRegistryCredentialsManifests(a: {
  readonly registry: string;
  readonly region: string;
  readonly roleArn: string;
}) {
  const metadata = { name: CHART_REGISTRY_SECRET, namespace: ARGOCD_NAMESPACE };
  return {
    generator: { ...GENERATOR, metadata, spec: { region: a.region, role: a.roleArn } },
    externalSecret: {
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata,
      spec: {
        refreshInterval: CHART_TOKEN_REFRESH,
        target: {
          name: CHART_REGISTRY_SECRET,
          creationPolicy: "Owner",
          template: {
            engineVersion: "v2",
            metadata: { labels: { [SECRET_TYPE_LABEL]: "repository" } },
            data: {
              name: CHART_REGISTRY_SECRET,
              type: "helm",
              enableOCI: "true",
              url: a.registry,
              username: "{{ .username }}",
              password: "{{ .password }}",
            },
          },
        },
        dataFrom: [{ sourceRef: { generatorRef: { ...GENERATOR, name: CHART_REGISTRY_SECRET } } }],
      },
    },
  };
}

/**
 * ArgoCD's `argocd-cm` additions and `argocd-rbac-cm` policy: two API accounts, each limited to
 * what its pipeline does, nothing by default. `applications, update` is what setting a chart
 * version takes; the AppProjects still bound what an update may point at.
 */
export function argoCdApiAccess() {
  const p = (role: string, action: string, project: string) =>
    `p, role:${role}, applications, ${action}, ${project}/*, allow`;
  const promoter = ["get", "update", "sync"].map((a) => p("payments-promoter", a, PAYMENTS_APP));
  const previews = ["get", "create", "update", "delete", "sync"].map((a) =>
    p("pr-environments", a, PREVIEWS_PROJECT),
  );
  return {
    cm: {
      [`accounts.${ARGOCD_ACCOUNTS.promoter}`]: "apiKey",
      [`accounts.${ARGOCD_ACCOUNTS.prEnvironments}`]: "apiKey",
      // ArgoCD only ever deploys the payments chart: its caches hold the chart's kinds (and the
      // canaries' analyses) and nothing else, in every cluster. On the base cluster, where it
      // watches every namespace for the PR environments, it so never reads Pods or Secrets.
      "resource.inclusions": stringify(
        WATCHED_KINDS.map((k) => ({ apiGroups: [k.group], kinds: [k.kind], clusters: ["*"] })),
      ),
    },
    rbac: {
      "policy.default": "",
      "policy.csv": [
        ...promoter,
        `g, ${ARGOCD_ACCOUNTS.promoter}, role:payments-promoter`,
        ...previews,
        `g, ${ARGOCD_ACCOUNTS.prEnvironments}, role:pr-environments`,
        "",
      ].join("\n"),
    },
  };
}

/** What ArgoCD watches: the chart's kinds, and the analyses Argo Rollouts runs for a canary. */
export const WATCHED_KINDS: readonly GroupKind[] = [
  ...PAYMENTS_CHART_KINDS,
  { group: "argoproj.io", kind: "AnalysisRun" },
  { group: "argoproj.io", kind: "Experiment" },
];

/** The RBAC resource of a kind (`NetworkPolicy` → `networkpolicies`, `Ingress` → `ingresses`). */
export function resourceOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith("y")) return `${k.slice(0, -1)}ies`;
  if (k.endsWith("s")) return `${k}es`;
  return `${k}s`;
}

/** Rules over kinds, one per API group. */
function rulesFor(kinds: readonly GroupKind[], verbs: readonly string[]): RbacRule[] {
  const groups = [...new Set(kinds.map((k) => k.group))];
  return groups.map((g) => ({
    apiGroups: [g],
    resources: kinds.filter((k) => k.group === g).map((k) => resourceOf(k.kind)),
    verbs: [...verbs],
  }));
}

const READ = ["get", "list", "watch"];
const WRITE = [...READ, "create", "update", "patch", "delete"];

/** ArgoCD's TLS policy on the load balancer: TLS 1.3, and 1.2 for older clients. */
export const ARGOCD_API_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * ArgoCD's API server behind an internal network load balancer (AWS Load Balancer Controller, IP
 * targets) that terminates TLS with an ACM certificate for the API's name and re-encrypts to
 * argocd-server; reachable only from `sourceRanges` (the management VPC, where the tailnet's
 * subnet routers forward CI runners and staff from, and the VPN range).
 */
export function argoCdApiServiceManifest(a: {
  readonly certificateArn: string;
  readonly sourceRanges: readonly string[];
}) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: ARGOCD_API_SERVICE,
      namespace: ARGOCD_NAMESPACE,
      annotations: {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": a.certificateArn,
        "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "https",
        "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": ARGOCD_API_TLS_POLICY,
        "service.beta.kubernetes.io/aws-load-balancer-backend-protocol": "ssl",
      },
      labels: { "app.kubernetes.io/part-of": "argocd" },
    },
    spec: {
      type: "LoadBalancer",
      loadBalancerClass: "service.k8s.aws/nlb",
      loadBalancerSourceRanges: [...a.sourceRanges],
      // The argo-cd chart's release `argo-cd`: its API server pods.
      selector: { "app.kubernetes.io/name": "argocd-server", "app.kubernetes.io/instance": "argo-cd" },
      ports: [{ name: "https", port: 443, targetPort: 8080, protocol: "TCP" }],
    },
  };
}

/**
 * The PR environments' project: this repository's chart as the only source, only `payments-pr-*`
 * namespaces on the base cluster as destinations, only the chart's kinds, nothing cluster-scoped.
 */
export function previewsProjectManifest(a: { readonly repoURL: string; readonly clusterName: string }) {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: PREVIEWS_PROJECT, namespace: ARGOCD_NAMESPACE },
    spec: {
      sourceRepos: [a.repoURL],
      destinations: [{ name: a.clusterName, namespace: `${PR_NAMESPACE_PREFIX}*` }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: PAYMENTS_CHART_KINDS.map((k) => ({ ...k })),
    },
  };
}

/** This repository's read-only deploy key, from Secrets Manager into ArgoCD's repository secret. */
export function gitRepositoryCredentialsManifest(a: {
  readonly repoURL: string;
  readonly secretStore: string;
}) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: GIT_REPOSITORY_SECRET, namespace: ARGOCD_NAMESPACE },
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { kind: "ClusterSecretStore", name: a.secretStore },
      target: {
        name: GIT_REPOSITORY_SECRET,
        creationPolicy: "Owner",
        template: {
          engineVersion: "v2",
          metadata: { labels: { [SECRET_TYPE_LABEL]: "repository" } },
          data: {
            name: GIT_REPOSITORY_SECRET,
            type: "git",
            url: a.repoURL,
            sshPrivateKey: "{{ .sshPrivateKey }}",
          },
        },
      },
      data: [
        { secretKey: "sshPrivateKey", remoteRef: { key: GIT_DEPLOY_KEY_SECRET, property: "sshPrivateKey" } },
      ],
    },
  };
}

/** The Kubernetes group of the PR environments' role on the base cluster (its access entry's only group). */
export const PR_ENVIRONMENTS_GROUP = "platform:pr-environments";
/** Name of the PR environments' ClusterRole, binding and admission policy on the base cluster. */
export const PR_ENVIRONMENTS_RBAC = PR_ENVIRONMENTS_ROLE_NAME;

const PR_NAMESPACE_RE = `^${PR_NAMESPACE_PREFIX}[1-9][0-9]{0,5}$`;

/**
 * On the base cluster: the deployer's rights on the chart's kinds as a ClusterRole (bound by each
 * PR environment in its own namespace), its cluster-wide read of what ArgoCD watches (ArgoCD
 * cannot be told the PR namespaces ahead of time), and what the PR environments' role may do: manage namespaces,
 * bind that ClusterRole and create SecretStores, and look at (and port-forward to) what runs there.
 * RBAC cannot limit namespace names, so an admission policy holds the group to `payments-pr-<n>`
 * namespaces: any request it makes elsewhere is refused.
 */
export function prEnvironmentsClusterManifests() {
  const rules: RbacRule[] = [
    {
      apiGroups: [""],
      resources: ["namespaces"],
      verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
    },
    {
      apiGroups: ["rbac.authorization.k8s.io"],
      resources: ["rolebindings"],
      verbs: ["get", "list", "create", "update", "patch", "delete"],
    },
    {
      apiGroups: ["rbac.authorization.k8s.io"],
      resources: ["clusterroles"],
      resourceNames: [DEPLOYER_PR_NAMESPACE_ROLE],
      verbs: ["bind"],
    },
    {
      apiGroups: ["external-secrets.io"],
      resources: ["secretstores"],
      verbs: ["get", "list", "create", "update", "patch", "delete"],
    },
    {
      apiGroups: ["", "apps", "argoproj.io"],
      resources: ["pods", "services", "replicasets", "rollouts"],
      verbs: ["get", "list", "watch"],
    },
    { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
    { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"] },
  ];
  const group = { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: PR_ENVIRONMENTS_GROUP };
  const deployer = { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: DEPLOYER_GROUP };
  const ns = "(request.namespace != '' ? request.namespace : request.name)";
  const analyses = WATCHED_KINDS.filter((k) => !PAYMENTS_CHART_KINDS.includes(k));
  return {
    /** What ArgoCD's deployer may do in a PR environment's namespace (each PR binds it there). */
    deployerPrNamespace: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: DEPLOYER_PR_NAMESPACE_ROLE },
      rules: [...rulesFor(PAYMENTS_CHART_KINDS, WRITE), ...rulesFor(analyses, READ)],
    },
    /** ArgoCD's cache of the base cluster, across namespaces: read-only, and only what it watches. */
    deployerRead: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: DEPLOYER_READ_ROLE },
      rules: rulesFor(WATCHED_KINDS, READ),
    },
    deployerReadBinding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: DEPLOYER_READ_ROLE },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: DEPLOYER_READ_ROLE },
      subjects: [deployer],
    },
    clusterRole: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: PR_ENVIRONMENTS_RBAC },
      rules,
    },
    clusterRoleBinding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: PR_ENVIRONMENTS_RBAC },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: PR_ENVIRONMENTS_RBAC },
      subjects: [group],
    },
    admissionPolicy: {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: PR_ENVIRONMENTS_RBAC },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ["*"],
              apiVersions: ["*"],
              operations: ["CREATE", "UPDATE", "DELETE", "CONNECT"],
              resources: ["*", "*/*"],
            },
          ],
        },
        matchConditions: [
          {
            name: "from-pr-environments",
            expression: `'${PR_ENVIRONMENTS_GROUP}' in request.userInfo.groups`,
          },
        ],
        validations: [
          {
            expression: `${ns}.matches('${PR_NAMESPACE_RE}')`,
            message: `PR environments may change only their own namespaces (${PR_NAMESPACE_PREFIX}<number>)`,
            reason: "Forbidden",
          },
        ],
      },
    },
    admissionPolicyBinding: {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name: PR_ENVIRONMENTS_RBAC },
      spec: { policyName: PR_ENVIRONMENTS_RBAC, validationActions: ["Deny"] },
    },
  };
}
