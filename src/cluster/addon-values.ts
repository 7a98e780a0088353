import type { PolicyDocument } from "../core/policy-document";
import { policy, SECRETS_READ_ACTIONS } from "../core/policy-document";
import { CRITICAL_ADDONS_TOLERATION, SYSTEM_NODE_SELECTOR } from "./system-nodes";

/**
 * The Helm-installed add-ons that belong with a cluster, as plain data: their namespaces and
 * service accounts, their Helm values, the IAM documents of those that call AWS (through EKS Pod
 * Identity), and External Secrets' ClusterSecretStore. Tests validate the store against the
 * External Secrets v1 schema.
 */

export const LOAD_BALANCER_CONTROLLER = {
  namespace: "kube-system",
  serviceAccount: "aws-load-balancer-controller",
};
export const EXTERNAL_SECRETS = { namespace: "external-secrets", serviceAccount: "external-secrets" };
/** The logical name of External Secrets' Pod Identity role (physical: `<project>-<stack>-external-secrets`). */
export const EXTERNAL_SECRETS_ROLE = "external-secrets";
/** external-dns (environment clusters only): publishes the ALBs' names in the environment's hosted zone. */
export const EXTERNAL_DNS = { namespace: "external-dns", serviceAccount: "external-dns" };
export const ARGO_ROLLOUTS = { namespace: "argo-rollouts" };
/**
 * ArgoCD's namespace, and the service accounts of the components that talk to the environment
 * clusters (named explicitly in the values, so the Pod Identity associations bind exactly these).
 */
export const ARGO_CD = {
  namespace: "argocd",
  controllerServiceAccount: "argocd-application-controller",
  serverServiceAccount: "argocd-server",
} as const;
/** The ClusterSecretStore every ExternalSecret of the cluster names. */
export const SECRET_STORE_NAME = "aws-secrets-manager";
/** metrics-server (every cluster): the resource metrics the HPAs scale on. */
export const METRICS_SERVER = { namespace: "kube-system" } as const;
/** Stakater Reloader (environment clusters): restarts workloads whose Secrets change. */
export const RELOADER = { namespace: "reloader" } as const;
/**
 * The Datadog agent (environment clusters). Its API and application keys come from the environment's
 * `<env>/observability/datadog` Secrets Manager entry (`api-key`, `app-key`), an input set once per
 * environment (README, "Observability"), through an ExternalSecret into `keysSecret`.
 */
export const DATADOG = {
  namespace: "datadog",
  keysSecret: "datadog-keys",
  /** The node agent's APM intake: a hostPort, reached by the workloads on their node's IP. */
  tracePort: 8126,
} as const;

/** The Secrets Manager entry holding an environment's Datadog API and application keys. */
export function datadogKeysSecretName(environment: string): string {
  return `${environment}/observability/datadog`;
}

/** The keys the Datadog keys entry holds (JSON), which the agent and Argo Rollouts read. */
export const DATADOG_KEY_PROPERTIES = ["api-key", "app-key"] as const;

const podSpread = {
  topologySpreadConstraints: [
    { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" },
  ],
};

/** AWS Load Balancer Controller: 2 replicas, told its cluster, region and VPC (no IMDS lookups). */
export function loadBalancerControllerValues(a: { clusterName: string; region: string; vpcId: string }) {
  return {
    clusterName: a.clusterName,
    region: a.region,
    vpcId: a.vpcId,
    replicaCount: 2,
    serviceAccount: { create: true, name: LOAD_BALANCER_CONTROLLER.serviceAccount },
    podDisruptionBudget: { maxUnavailable: 1 },
    // Only ALBs/NLBs of this cluster: Services default to NLB target type ip.
    enableServiceMutatorWebhook: false,
    // WAF Classic is not used (the regional web ACLs are WAFv2): with it on, the controller reads
    // every ALB's WAF Classic association through waf-regional, which its policy does not grant.
    enableWaf: false,
  };
}

/** External Secrets Operator: CRDs with the chart, 2 controller replicas of which one leads. */
export function externalSecretsValues() {
  return {
    installCRDs: true,
    replicaCount: 2,
    // Without leader election both replicas reconcile every ExternalSecret and generator (the
    // chart's default is off): duplicate reads, conflicting writes, two ECR token refreshes.
    leaderElect: true,
    serviceAccount: { create: true, name: EXTERNAL_SECRETS.serviceAccount },
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    webhook: { replicaCount: 2, podDisruptionBudget: { enabled: true, maxUnavailable: 1 } },
    certController: { replicaCount: 1 },
    ...podSpread,
  };
}

/** Argo Rollouts: 2 controller replicas (leader election), no dashboard. */
export function argoRolloutsValues() {
  return {
    installCRDs: true,
    controller: { replicas: 2, pdb: { enabled: true, maxUnavailable: 1 } },
    dashboard: { enabled: false },
  };
}

/** Additions to ArgoCD's `argocd-cm` (`configs.cm`) and `argocd-rbac-cm` (`configs.rbac`). */
export interface ArgoCdConfigs {
  readonly cm?: Readonly<Record<string, string>>;
  readonly rbac?: Readonly<Record<string, string>>;
}

/** ArgoCD in the management cluster: HA API server and repo server, internal only. */
export function argoCdValues(configs: ArgoCdConfigs = {}) {
  return {
    crds: { install: true, keep: true },
    global: { ...podSpread },
    controller: { serviceAccount: { create: true, name: ARGO_CD.controllerServiceAccount } },
    server: {
      replicas: 2,
      service: { type: "ClusterIP" },
      pdb: { enabled: true, maxUnavailable: 1 },
      serviceAccount: { create: true, name: ARGO_CD.serverServiceAccount },
    },
    repoServer: { replicas: 2, pdb: { enabled: true, maxUnavailable: 1 } },
    applicationSet: { replicas: 2 },
    configs: {
      params: { "server.insecure": false },
      ...(configs.cm ? { cm: { ...configs.cm } } : {}),
      ...(configs.rbac ? { rbac: { ...configs.rbac } } : {}),
    },
    dex: { enabled: false },
  };
}

/** metrics-server on the system nodes: two replicas and a PDB, so the HPAs never lose their metrics. */
export function metricsServerValues() {
  return {
    replicas: 2,
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    tolerations: [CRITICAL_ADDONS_TOLERATION],
    nodeSelector: { ...SYSTEM_NODE_SELECTOR },
    ...podSpread,
  };
}

/**
 * Reloader: watches the Secrets of the payments namespace only and rolls the Argo Rollouts that
 * name them in `secret.reloader.stakater.com/reload` (the chart sets it), by annotating their pod
 * template, so a rotated secret reaches the pods within one External Secrets refresh interval.
 */
export function reloaderValues(a: { readonly namespaces: readonly string[] }) {
  if (a.namespaces.length === 0) throw new Error("reloaderValues: at least one namespace to watch");
  return {
    reloader: {
      isArgoRollouts: true,
      reloadStrategy: "annotations",
      ignoreConfigMaps: true,
      namespaceSelector: `kubernetes.io/metadata.name in (${a.namespaces.join(",")})`,
      readOnlyRootFileSystem: true,
    },
  };
}

/**
 * The Datadog agent of an environment cluster: the node agent on every node (the system nodes
 * included) with APM on the node's port 8126, where the workloads send traces (the chart points
 * `DD_AGENT_HOST` at the node), so the `trace.http.request*` metrics the SLO, the monitors and the
 * prod canary analysis query exist; the cluster agent (two replicas). Keys from `DATADOG.keysSecret`.
 */
export function datadogAgentValues(a: {
  readonly site: string;
  readonly clusterName: string;
  readonly environment: string;
}) {
  return {
    datadog: {
      site: a.site,
      clusterName: a.clusterName,
      apiKeyExistingSecret: DATADOG.keysSecret,
      appKeyExistingSecret: DATADOG.keysSecret,
      tags: [`env:${a.environment}`],
      apm: { portEnabled: true, port: DATADOG.tracePort, socketEnabled: false },
      logs: { enabled: false },
    },
    agents: { tolerations: [CRITICAL_ADDONS_TOLERATION] },
    clusterAgent: {
      enabled: true,
      replicas: 2,
      createPodDisruptionBudget: true,
      admissionController: { enabled: false },
    },
  };
}

/** The ExternalSecret that writes the Datadog keys into `DATADOG.keysSecret` for the agent. */
export function datadogKeysExternalSecretManifest(environment: string) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: DATADOG.keysSecret, namespace: DATADOG.namespace },
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { kind: "ClusterSecretStore", name: SECRET_STORE_NAME },
      target: { name: DATADOG.keysSecret, creationPolicy: "Owner", deletionPolicy: "Retain" },
      data: DATADOG_KEY_PROPERTIES.map((property) => ({
        secretKey: property,
        remoteRef: { key: datadogKeysSecretName(environment), property },
      })),
    },
  };
}

/** What external-dns may touch: one public hosted zone and the names under one domain. */
export interface ExternalDnsScope {
  /** The environment's public domain (`platform:edge.domain`). */
  readonly domain: string;
  /** Its Route 53 hosted zone (`platform:edge.hostedZoneId`). */
  readonly hostedZoneId: string;
}

/**
 * external-dns in an environment cluster: it publishes only the names the chart's Ingresses carry in
 * their `external-dns.alpha.kubernetes.io/hostname` annotation (the origin name on the public ALB, the
 * internal names on the internal ALB). `--ignore-ingress-rules-spec` keeps it away from the Ingress
 * rule hosts (`www`, `api`), which are CloudFront aliases Pulumi manages. `upsert-only` never deletes
 * a record, and the TXT registry, owned by the cluster, stops it overwriting records it did not create.
 * The zone filter is passed as a flag (`--zone-id-filter`): the chart has no value for it.
 */
export function externalDnsValues(a: ExternalDnsScope & { clusterName: string }) {
  return {
    provider: { name: "aws" },
    sources: ["ingress"],
    domainFilters: [a.domain],
    policy: "upsert-only",
    registry: "txt",
    txtOwnerId: a.clusterName,
    extraArgs: [
      `--zone-id-filter=${a.hostedZoneId}`,
      "--ignore-ingress-rules-spec",
      "--aws-zone-type=public",
    ],
    serviceAccount: { create: true, name: EXTERNAL_DNS.serviceAccount },
  };
}

/**
 * external-dns may change records in the environment's hosted zone only. Route 53 authorises
 * `ListHostedZones` on `*` alone; the other reads name the zone.
 */
export function externalDnsPolicy(a: ExternalDnsScope): PolicyDocument {
  const zone = `arn:aws:route53:::hostedzone/${a.hostedZoneId}`;
  return policy(
    {
      Sid: "ChangeRecordsInTheEnvironmentsZone",
      Effect: "Allow",
      Action: "route53:ChangeResourceRecordSets",
      Resource: zone,
    },
    {
      Sid: "ReadTheEnvironmentsZone",
      Effect: "Allow",
      Action: [
        "route53:ListResourceRecordSets",
        "route53:ListTagsForResource",
        "route53:ListTagsForResources",
      ],
      Resource: zone,
    },
    {
      Sid: "ListHostedZones",
      Effect: "Allow",
      Action: "route53:ListHostedZones",
      Resource: "*",
    },
  );
}

/** The ClusterSecretStore: AWS Secrets Manager in the stack's region, with the operator's Pod Identity credentials. */
export function clusterSecretStoreManifest(region: string) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ClusterSecretStore",
    metadata: { name: SECRET_STORE_NAME },
    spec: { provider: { aws: { service: "SecretsManager", region } } },
  };
}

/** External Secrets may read only this environment's secrets: `<env>/*` in its own account and region. */
export function externalSecretsPolicy(a: {
  region: string;
  accountId: string;
  environment: string;
}): PolicyDocument {
  const secrets = `arn:aws:secretsmanager:${a.region}:${a.accountId}:secret:${a.environment}/*`;
  return policy(
    {
      Sid: "ReadThisEnvironmentsSecrets",
      Effect: "Allow",
      Action: [...SECRETS_READ_ACTIONS],
      Resource: secrets,
    },
    {
      Sid: "DecryptThroughSecretsManager",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: `arn:aws:kms:${a.region}:${a.accountId}:key/*`,
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${a.region}.amazonaws.com` } },
    },
  );
}

/** The AWS Load Balancer Controller's policy (after its v2 reference policy): it changes only what it tagged. */
export function loadBalancerControllerPolicy(): PolicyDocument {
  const clusterTag = "elbv2.k8s.aws/cluster";
  const tagged = { Null: { [`aws:ResourceTag/${clusterTag}`]: "false" } };
  const elb = (r: string) => `arn:aws:elasticloadbalancing:*:*:${r}`;
  return policy(
    {
      Sid: "CreateElbServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    {
      Sid: "Describe",
      Effect: "Allow",
      Action: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeTags",
        "ec2:DescribeRouteTables",
        "ec2:GetSecurityGroupsForVpc",
        "ec2:DescribeIpamPools",
        "elasticloadbalancing:Describe*",
        "acm:ListCertificates",
        "acm:DescribeCertificate",
        // Certificate discovery looks at IAM server certificates too.
        "iam:ListServerCertificates",
        "iam:GetServerCertificate",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "shield:GetSubscriptionState",
        "shield:DescribeProtection",
      ],
      Resource: "*",
    },
    {
      Sid: "AttachWafAndShield",
      Effect: "Allow",
      Action: [
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "shield:CreateProtection",
        "shield:DeleteProtection",
      ],
      Resource: "*",
    },
    {
      Sid: "CreateSecurityGroups",
      Effect: "Allow",
      Action: [
        "ec2:CreateSecurityGroup",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
      ],
      Resource: "*",
    },
    {
      Sid: "TagSecurityGroupsOnCreate",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: "arn:aws:ec2:*:*:security-group/*",
      Condition: {
        StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" },
        Null: { [`aws:RequestTag/${clusterTag}`]: "false" },
      },
    },
    {
      Sid: "ManageOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags", "ec2:DeleteSecurityGroup"],
      Resource: "arn:aws:ec2:*:*:security-group/*",
      Condition: tagged,
    },
    {
      Sid: "CreateTaggedLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: "*",
      Condition: { Null: { [`aws:RequestTag/${clusterTag}`]: "false" } },
    },
    {
      Sid: "ManageListenersAndRules",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:SetWebAcl",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:SetRulePriorities",
      ],
      Resource: "*",
    },
    {
      Sid: "TagLoadBalancersOnCreate",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")],
      Condition: {
        StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
        Null: { [`aws:RequestTag/${clusterTag}`]: "false" },
      },
    },
    {
      Sid: "TagOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")],
      Condition: tagged,
    },
    {
      Sid: "TagListeners",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [
        elb("listener/net/*/*/*"),
        elb("listener/app/*/*/*"),
        elb("listener-rule/net/*/*/*"),
        elb("listener-rule/app/*/*/*"),
      ],
    },
    {
      Sid: "ModifyOwnLoadBalancers",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyListenerAttributes",
      ],
      Resource: "*",
      Condition: tagged,
    },
    {
      Sid: "RegisterTargets",
      Effect: "Allow",
      Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      Resource: elb("targetgroup/*/*"),
    },
  );
}

/**
 * The two ALB ingress classes every environment cluster offers. The scheme is fixed by the
 * class's IngressClassParams, which the controller enforces over any Ingress annotation, so an
 * Ingress on `alb-internal` (admin-web) can never become internet-facing. The names match the
 * chart's `ingressClasses` (a test checks), and each class shares one ALB per group.
 */
export const INGRESS_CLASSES = {
  public: { className: "alb-public", scheme: "internet-facing", group: "payments-public" },
  internal: { className: "alb-internal", scheme: "internal", group: "payments-internal" },
} as const;

/** TLS policy of every ALB listener: TLS 1.3, and 1.2 for older clients. */
export const ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * IngressClassParams (elbv2.k8s.aws/v1beta1) and IngressClass (networking.k8s.io/v1) per class. With
 * `accessLogs`, each class's ALB writes its access logs to that bucket under the class's name (the
 * class's parameters win over any Ingress annotation, so no workload can turn them off).
 */
export function ingressClassManifests(args: {
  readonly deletionProtection: boolean;
  readonly accessLogs?: { readonly bucket: string };
}) {
  const logs = (prefix: string) =>
    args.accessLogs
      ? [
          { key: "access_logs.s3.enabled", value: "true" },
          { key: "access_logs.s3.bucket", value: args.accessLogs.bucket },
          { key: "access_logs.s3.prefix", value: prefix },
        ]
      : [];
  return Object.values(INGRESS_CLASSES).map((c) => ({
    params: {
      apiVersion: "elbv2.k8s.aws/v1beta1",
      kind: "IngressClassParams",
      metadata: { name: c.className },
      spec: {
        scheme: c.scheme,
        group: { name: c.group },
        ipAddressType: "ipv4",
        sslPolicy: ALB_SSL_POLICY,
        loadBalancerAttributes: [
          { key: "deletion_protection.enabled", value: String(args.deletionProtection) },
          { key: "routing.http.drop_invalid_header_fields.enabled", value: "true" },
          ...logs(c.className),
        ],
      },
    },
    ingressClass: {
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      metadata: { name: c.className },
      spec: {
        controller: "ingress.k8s.aws/alb",
        parameters: { apiGroup: "elbv2.k8s.aws", kind: "IngressClassParams", name: c.className },
      },
    },
  }));
}
