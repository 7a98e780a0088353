import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PR_BASE_ENVIRONMENT } from "../../src/core/environments";
import { MOCK_GATEWAY_CIDRS } from "../../src/plan/mock-state";
import { type K8sObject, renderChart } from "../chart/helm";
import { VARIANT_CHART_VERSION } from "../support/evaluations";
import { named, ofType, type PlanResult, planStack, planVariant, stackValue } from "../support/harness";
import { validateObject } from "../support/k8s-schema";
import {
  addressIn,
  egressAllowed,
  ingressAllowed,
  type NetworkPolicyLike,
  type Pod,
  podToPodAllowed,
} from "../support/network-policy";
import { allows } from "../support/policy-evaluator";
import {
  type ApplicationSetLike,
  type ClusterSecret,
  generate,
  renderApplications,
} from "./applicationset-render";
import { doc, object, reveal, roleNamed } from "./gitops-plan";

/** The environment stacks as ArgoCD's spokes, and what the hub makes of them. */

const ENVS = ["dev", "preprod", "prod"] as const;
type Env = (typeof ENVS)[number];
const plans = {} as Record<Env | "management", PlanResult>;

// Four whole stacks, evaluated once for the file: more than the default hook timeout on a busy machine.
beforeAll(async () => {
  plans.management = await planStack("management");
  for (const env of ENVS) plans[env] = await planStack(env);
}, 180_000);

const gitops = (env: Env) => stackValue<{ chartVersion: string; autoSync: boolean }>(env, "platform:gitops");
const clusterSecret = (env: Env) => object(plans[env], "kubernetes:core/v1:Secret", "argocd-cluster-secret");

describe.each(ENVS)("%s as a spoke", (env) => {
  const deployerArn = () =>
    `arn:aws:iam::${stackValue<string>(env, "platform:accountId")}:role/platform-argocd-deployer`;

  it("has a deployer role that trusts the hub's ArgoCD role alone and holds no IAM permissions", () => {
    const p = plans[env];
    const role = roleNamed(p, "platform-argocd-deployer");
    const trust = doc(role.inputs.assumeRolePolicy);
    const by = (arn: string) =>
      allows(trust, { action: "sts:AssumeRole", principal: { arn }, context: { "aws:PrincipalArn": arn } });
    const hub = plans.management.outputs;
    expect(by(String(hub.argocdRoleArn))).toBe(true);
    for (const registrar of Object.values(hub.argocdRegistrarRoleArns as Record<string, string>)) {
      expect(by(registrar)).toBe(false);
    }
    expect(by(stackValue<string>(env, "platform:deployRoleArn"))).toBe(false);
    expect(by("arn:aws:iam::318274619203:role/platform-deploy")).toBe(false);
    expect(trust.Statement).toHaveLength(1);
    const own = (r: { inputs: Record<string, unknown> }) =>
      String(r.inputs.role).startsWith("argocd-deployer-role");
    expect(ofType(p, "aws:iam/rolePolicy:RolePolicy").filter(own)).toEqual([]);
    expect(ofType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(own)).toEqual([]);
    expect(p.outputs.argocdDeployerRoleArn).toBe(deployerArn());
    // The hub's ArgoCD role may assume exactly this role.
    const hubPolicy = doc(
      named(plans.management, "aws:iam/rolePolicy:RolePolicy", "argocd-policy").inputs.policy,
    );
    expect(allows(hubPolicy, { action: "sts:AssumeRole", resource: deployerArn() })).toBe(true);
  });

  it("gives the deployer access to the payments namespace only: AmazonEKSAdminPolicy there and a Role for the custom resources", () => {
    const p = plans[env];
    const entries = ofType(p, "aws:eks/accessEntry:AccessEntry").filter(
      (e) => e.inputs.principalArn === deployerArn(),
    );
    expect(entries.map((e) => e.inputs)).toEqual([
      expect.objectContaining({
        clusterName: `platform-${env}-eks`,
        type: "STANDARD",
        kubernetesGroups: ["platform:argocd-deployer"],
      }),
    ]);
    const policies = ofType(p, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter(
      (a) => a.inputs.principalArn === deployerArn(),
    );
    expect(policies.map((a) => [a.inputs.policyArn, a.inputs.accessScope])).toEqual([
      [
        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
        { type: "namespace", namespaces: ["payments"] },
      ],
    ]);
    const role = object(p, "kubernetes:rbac.authorization.k8s.io/v1:Role", "argocd-deployer");
    const binding = object(p, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "argocd-deployer");
    for (const o of [role, binding]) {
      expect(validateObject(o)).toEqual([]);
      expect(o.metadata.namespace).toBe("payments");
    }
    expect(binding.subjects).toEqual([
      { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "platform:argocd-deployer" },
    ]);
    // No cluster-wide write for the deployer anywhere. ClusterRoles exist only on the PR
    // environments' base cluster, where the deployer's one cluster-wide binding is read-only
    // (see tests/gitops/delivery.test.ts).
    const clusterWide = p.resources.filter((r) => /ClusterRole/.test(r.type));
    expect(clusterWide.every((r) => r.components.includes("gitops-pr-environments"))).toBe(true);
    expect(clusterWide.length > 0).toBe(env === PR_BASE_ENVIRONMENT);
    const deployerBindings = clusterWide.filter(
      (r) =>
        r.type.endsWith(":ClusterRoleBinding") &&
        (r.inputs.subjects as { name: string }[]).some((x) => x.name === "platform:argocd-deployer"),
    );
    expect(deployerBindings.map((b) => (b.inputs.roleRef as { name: string }).name)).toEqual(
      env === PR_BASE_ENVIRONMENT ? ["argocd-deployer-read"] : [],
    );
  });

  it("creates the payments namespace itself, restricted by Pod Security Admission, kept when the resource goes", () => {
    const ns = named(plans[env], "kubernetes:core/v1:Namespace", "payments-namespace");
    expect(validateObject(object(plans[env], "kubernetes:core/v1:Namespace", "payments-namespace"))).toEqual(
      [],
    );
    expect((ns.inputs.metadata as { name: string }).name).toBe("payments");
    // Pod Security Admission: the restricted standard, enforced, pinned to the cluster's version.
    expect((ns.inputs.metadata as { labels: Record<string, string> }).labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "v1.33",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
    });
    // Every other namespace the platform installs into is warned and audited against baseline.
    const patches = ofType(plans[env], "kubernetes:core/v1:NamespacePatch").map(
      (p) => p.inputs.metadata as { name: string; labels: Record<string, string> },
    );
    expect(patches.map((p) => p.name).sort()).toEqual([
      "argo-rollouts",
      "external-dns",
      "external-secrets",
      "reloader",
    ]);
    for (const p of patches) {
      expect(p.labels).toEqual({
        "pod-security.kubernetes.io/warn": "baseline",
        "pod-security.kubernetes.io/warn-version": "v1.33",
        "pod-security.kubernetes.io/audit": "baseline",
        "pod-security.kubernetes.io/audit-version": "v1.33",
      });
    }
    expect(ns.retainOnDelete).toBe(true);
    expect(ns.protect).toBe(env !== "dev");
    expect(ns.provider).toBe("k8s");
  });

  it("registers its cluster in the hub: labels, chart version and how ArgoCD reaches it", () => {
    const secret = clusterSecret(env) as ReturnType<typeof clusterSecret> & {
      stringData: Record<string, string>;
    };
    expect(validateObject(secret)).toEqual([]);
    expect(named(plans[env], "kubernetes:core/v1:Secret", "argocd-cluster-secret").provider).toBe(
      "k8s-argocd-hub",
    );
    expect(secret.metadata).toEqual({
      name: `cluster-platform-${env}-eks`,
      namespace: "argocd",
      labels: {
        "argocd.argoproj.io/secret-type": "cluster",
        "platform.payments/environment": env,
        "platform.payments/auto-sync": String(gitops(env).autoSync),
      },
      annotations: {
        "platform.payments/chart-version": gitops(env).chartVersion,
        // The chart's values only the stack knows, for the ApplicationSet to pass to Helm.
        "platform.payments/chart-values": expect.stringContaining('"wafAclArn"'),
      },
    });
    const { server, config, ...rest } = secret.stringData;
    // The PR environments' base cluster is watched in every namespace (the chart's kinds only).
    expect(rest).toEqual(
      env === PR_BASE_ENVIRONMENT
        ? { name: `platform-${env}-eks`, clusterResources: "false" }
        : { name: `platform-${env}-eks`, namespaces: "payments", clusterResources: "false" },
    );
    expect(server).toMatch(/^https:\/\/[0-9A-F]{32}\.gr7\.eu-west-2\.eks\.amazonaws\.com$/);
    expect(server).not.toBe(plans.management.outputs.argocdClusterEndpoint);
    const parsed = JSON.parse(config!) as {
      awsAuthConfig: { clusterName: string; roleARN: string };
      tlsClientConfig: { insecure: boolean; caData: string };
    };
    expect(parsed.awsAuthConfig).toEqual({ clusterName: `platform-${env}-eks`, roleARN: deployerArn() });
    expect(parsed.tlsClientConfig.insecure).toBe(false);
    expect(Buffer.from(parsed.tlsClientConfig.caData, "base64").toString()).toMatch(
      /^-----BEGIN CERTIFICATE-----/,
    );
    // The registration is allowed by this environment's registrar Role in the hub, and only by it.
    const registrar = (e: Env) =>
      object(
        plans.management,
        "kubernetes:rbac.authorization.k8s.io/v1:Role",
        `argocd-registrar-${e}`,
      ) as unknown as { rules: { resourceNames?: string[] }[] };
    for (const e of ENVS) {
      expect(
        registrar(e)
          .rules.flatMap((r) => r.resourceNames ?? [])
          .includes(secret.metadata.name),
        e,
      ).toBe(e === env);
    }
  });

  it("reaches the hub as the registrar, through its own deploy role", () => {
    const provider = ofType(plans[env], "pulumi:providers:kubernetes").find(
      (r) => r.name === "k8s-argocd-hub",
    );
    const kubeconfig = reveal<{
      clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
      users: { user: { exec: { command: string; args: string[] } } }[];
    }>(provider!.inputs.kubeconfig);
    const hub = plans.management.outputs;
    expect(kubeconfig.clusters[0]!.cluster).toEqual({
      server: hub.argocdClusterEndpoint,
      "certificate-authority-data": hub.argocdClusterCertificateAuthority,
    });
    const { command, args } = kubeconfig.users[0]!.user.exec;
    expect(command).toBe("sh");
    expect(args.slice(3)).toEqual([
      stackValue<string>(env, "platform:deployRoleArn"),
      (hub.argocdRegistrarRoleArns as Record<string, string>)[env],
      "platform-management-eks",
      "eu-west-2",
      `pulumi-platform-${env}-registrar`,
    ]);
  });
});

describe("what ArgoCD makes of the three registrations", () => {
  const applications = () => {
    const appset = object(
      plans.management,
      "kubernetes:argoproj.io/v1alpha1:ApplicationSet",
      "payments-applicationset",
    ) as unknown as ApplicationSetLike;
    const secrets = ENVS.map((env) => clusterSecret(env) as unknown as ClusterSecret);
    return renderApplications(appset, generate(appset, secrets)) as {
      metadata: { name: string; annotations: Record<string, string> };
      spec: {
        project: string;
        source: { repoURL: string; chart: string; targetRevision: string; helm: { valueFiles: string[] } };
        destination: { name: string; namespace: string };
        syncPolicy: { automated?: unknown; syncOptions: string[] };
      };
    }[];
  };

  it("one schema-valid Application per environment, allowed by the project", () => {
    const apps = applications();
    expect(apps.map((a) => a.metadata.name).sort()).toEqual([
      "payments-dev",
      "payments-preprod",
      "payments-prod",
    ]);
    const project = object(
      plans.management,
      "kubernetes:argoproj.io/v1alpha1:AppProject",
      "payments-project",
    ) as unknown as {
      spec: { sourceRepos: string[]; destinations: { name: string; namespace: string }[] };
    };
    for (const app of apps) {
      expect(validateObject(app), app.metadata.name).toEqual([]);
      expect(app.spec.project).toBe("payments");
      expect(project.spec.sourceRepos).toContain(app.spec.source.repoURL);
      expect(project.spec.destinations).toContainEqual(app.spec.destination);
    }
  });

  it("each runs its stack's chart version with its own values file", () => {
    for (const app of applications()) {
      const env = app.metadata.name.replace("payments-", "") as Env;
      expect(app.spec.source).toMatchObject({
        repoURL: plans.management.outputs.chartRegistry,
        chart: "payments",
        targetRevision: gitops(env).chartVersion,
        helm: { valueFiles: [`values-${env}.yaml`] },
      });
      expect(app.spec.destination).toEqual({ name: `platform-${env}-eks`, namespace: "payments" });
      expect(app.spec.syncPolicy.syncOptions).toEqual(["RespectIgnoreDifferences=true"]);
    }
  });

  it("dev and preprod sync automatically with prune and self-heal; prod is not auto-synced", () => {
    const sync = Object.fromEntries(
      applications().map((a) => [a.metadata.name, a.spec.syncPolicy.automated ?? null]),
    );
    expect(sync).toEqual({
      "payments-dev": { prune: true, selfHeal: true },
      "payments-preprod": { prune: true, selfHeal: true },
      "payments-prod": null,
    });
  });

  it("promotion is a change of the chart-version annotation, and nothing else", async () => {
    const promoted = await planVariant("dev:optional-settings");
    const before = clusterSecret("dev");
    const after = object(promoted, "kubernetes:core/v1:Secret", "argocd-cluster-secret");
    expect(after.metadata.annotations).toEqual({
      ...before.metadata.annotations,
      "platform.payments/chart-version": VARIANT_CHART_VERSION,
    });
    expect({ ...after, metadata: { ...after.metadata, annotations: {} } }).toEqual({
      ...before,
      metadata: { ...before.metadata, annotations: {} },
    });
  });
});

/**
 * The payments chart as ArgoCD renders it in each environment: the hub's ApplicationSet turns each
 * spoke's planned cluster secret into an Application, whose values (the environment's values file and
 * the stack's chart-values annotation) the real helm renders. What reaches the cluster is checked
 * against the stack: the NetworkPolicies' reachability table, the public ALB's restriction, and the
 * SLO the canary analysis and the Datadog monitors enforce.
 */
describe.each(ENVS)("the payments chart as ArgoCD deploys it to %s", (env) => {
  type Obj = K8sObject & { spec?: Record<string, unknown> };
  let objects: Obj[];
  let chartValues: Record<string, unknown>;
  beforeAll(() => {
    const appset = object(
      plans.management,
      "kubernetes:argoproj.io/v1alpha1:ApplicationSet",
      "payments-applicationset",
    ) as unknown as ApplicationSetLike;
    const [app] = renderApplications(
      appset,
      generate(appset, [clusterSecret(env) as unknown as ClusterSecret]),
    );
    const helm = (app!.spec as { source: { helm: { valueFiles: string[]; values: string } } }).source.helm;
    expect(helm.valueFiles).toEqual([`values-${env}.yaml`]);
    chartValues = JSON.parse(helm.values) as Record<string, unknown>;
    const file = path.join(mkdtempSync(path.join(tmpdir(), "argocd-values-")), "values.json");
    writeFileSync(file, helm.values);
    objects = renderChart(env, { platform: file, set: ["workloads.payments-worker.enabled=true"] }) as Obj[];
  });

  const subnets = (tier: string) =>
    ofType(plans[env], "aws:ec2/subnet:Subnet")
      .filter((s) => (s.inputs.tags as Record<string, string>).Tier === tier)
      .map((s) => String(s.inputs.cidrBlock));

  it("renders objects that all validate strictly", () => {
    expect(
      objects.flatMap((o) => validateObject(o).map((p) => `${o.kind}/${o.metadata.name}: ${p}`)),
    ).toEqual([]);
  });

  it("admits exactly the flows of the reachability table, and nothing broader", () => {
    const policies = objects.filter((o) => o.kind === "NetworkPolicy") as unknown as NetworkPolicyLike[];
    const podOf = (w: string): Pod => {
      const rollout = objects.find((o) => o.kind === "Rollout" && o.metadata.name === `payments-${w}`);
      const tpl = (rollout!.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
      return {
        namespace: "payments",
        labels: tpl.metadata.labels,
        ip: "10.250.0.9",
        namedPorts: { http: 8080 },
      };
    };
    const paymentsNs = { "kubernetes.io/metadata.name": "payments" };
    const [privateA] = subnets("private");
    const [dataA, dataB] = subnets("data");
    const [publicA] = subnets("public");
    const provider = stackValue<{ providerEgressCidrs: string[] }>(
      env,
      "platform:payments",
    ).providerEgressCidrs;
    const dns = {
      pod: { namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, ip: "172.20.0.10" },
      namespaceLabels: { "kubernetes.io/metadata.name": "kube-system" },
    };
    const to = (ip: string) => ({ ip });
    // destination → [endpoint, port, protocol]
    const destinations = {
      dns: [dns, 53, "UDP"],
      "pod identity agent": [to("169.254.170.23"), 80, "TCP"],
      "interface endpoints": [to(addressIn(privateA!, 20)), 443, "TCP"],
      "S3 gateway": [to(addressIn(MOCK_GATEWAY_CIDRS.s3[0]!, 7)), 443, "TCP"],
      "DynamoDB gateway": [to(addressIn(MOCK_GATEWAY_CIDRS.dynamodb[0]!, 7)), 443, "TCP"],
      postgres: [to(addressIn(dataB!, 40)), 5432, "TCP"],
      opensearch: [to(addressIn(dataA!, 40)), 443, "TCP"],
      "payment provider": [to(addressIn(provider[0]!, 5)), 443, "TCP"],
      "Datadog agent": [to(addressIn(privateA!, 300)), 8126, "TCP"],
      "the internet": [to("1.1.1.1"), 443, "TCP"],
      "a data subnet on another port": [to(addressIn(dataA!, 40)), 22, "TCP"],
      "postgres on the wrong port": [to(addressIn(dataB!, 40)), 443 + 1, "TCP"],
      "the public subnets": [to(addressIn(publicA!, 9)), 443, "TCP"],
      "the management VPC": [to("10.0.0.10"), 443, "TCP"],
    } as const;
    const always = ["dns", "Datadog agent"];
    const aws = ["pod identity agent", "interface endpoints", "S3 gateway", "DynamoDB gateway", "postgres"];
    const expected: Record<string, string[]> = {
      "payments-web": always,
      "payments-api": [...always, ...aws, "opensearch", "payment provider"],
      "admin-web": [...always, ...aws],
      "payments-worker": [...always, ...aws, "opensearch"],
    };
    const table: Record<string, string[]> = {};
    for (const w of Object.keys(expected)) {
      const pod = podOf(w);
      table[w] = Object.entries(destinations)
        .filter(([, [endpoint, port, protocol]]) => egressAllowed(policies, pod, endpoint, port, protocol))
        .map(([name]) => name);
    }
    const order = Object.keys(destinations);
    const inOrder = (names: string[]) => [...names].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    expect(table).toEqual(Object.fromEntries(Object.entries(expected).map(([w, d]) => [w, inOrder(d)])));
    // Between the workloads: admin-web calls payments-api; nothing else calls anything.
    const calls: string[] = [];
    for (const from of Object.keys(expected))
      for (const target of Object.keys(expected))
        if (
          from !== target &&
          podToPodAllowed(
            policies,
            { pod: podOf(from), namespaceLabels: paymentsNs },
            { pod: podOf(target), namespaceLabels: paymentsNs },
            8080,
          )
        )
          calls.push(`${from} -> ${target}`);
    expect(calls.sort()).toEqual(["admin-web -> payments-api", "admin-web -> payments-web"]);
    // The public ALB's subnets reach the public workloads, the internal ALB's admin-web only.
    const alb = (ip: string, w: string) => ingressAllowed(policies, podOf(w), { ip }, 8080);
    expect(alb(addressIn(publicA!, 9), "payments-api")).toBe(true);
    expect(alb(addressIn(publicA!, 9), "admin-web")).toBe(false);
    expect(alb(addressIn(privateA!, 20), "admin-web")).toBe(true);
    expect(alb("1.1.1.1", "payments-api")).toBe(false);
  });

  it("restricts every public ALB to CloudFront's origin-facing prefix list and the origin-verify web ACL", () => {
    const outputs = plans[env].outputs;
    const publicIngresses = objects.filter(
      (o) =>
        o.kind === "Ingress" && (o.spec as { ingressClassName?: string }).ingressClassName === "alb-public",
    );
    expect(publicIngresses.length).toBeGreaterThanOrEqual(2);
    for (const ingress of publicIngresses) {
      const a = ingress.metadata.annotations ?? {};
      expect(a["alb.ingress.kubernetes.io/wafv2-acl-arn"], ingress.metadata.name).toBe(
        outputs.edgeOriginWebAclArn,
      );
      expect(a["alb.ingress.kubernetes.io/security-group-prefix-lists"]).toBe(
        outputs.cloudfrontOriginPrefixListId,
      );
      // One listener port: the prefix list's 55 entries fit a security group's 60 rules once, not twice.
      expect(a["alb.ingress.kubernetes.io/listen-ports"]).toBe('[{"HTTPS": 443}]');
      expect(a["alb.ingress.kubernetes.io/inbound-cidrs"]).toBeUndefined();
    }
    // The web ACL blocks by default and admits only CloudFront's current origin-verify value.
    const acl = reveal<{
      scope: string;
      defaultAction: Record<string, unknown>;
      rules: { action: Record<string, unknown>; statement: Record<string, unknown> }[];
    }>(named(plans[env], "aws:wafv2/webAcl:WebAcl", "origin-web-acl").inputs);
    expect(acl.scope).toBe("REGIONAL");
    expect(acl.defaultAction).toEqual({ block: {} });
    const distribution = named(plans[env], "aws:cloudfront/distribution:Distribution", "edge-distribution");
    const header = reveal<{ customHeaders: { name: string; value: string }[] }[]>(
      distribution.inputs.origins,
    )[0]!.customHeaders[0]!;
    expect(header.name).toBe("X-Origin-Verify");
    expect(acl.rules).toHaveLength(1);
    expect(acl.rules[0]!.action).toEqual({ allow: {} });
    expect(reveal(acl.rules[0]!.statement)).toEqual({
      byteMatchStatement: {
        fieldToMatch: { singleHeader: { name: "x-origin-verify" } },
        positionalConstraint: "EXACTLY",
        searchString: header.value,
        textTransformations: [{ priority: 0, type: "NONE" }],
      },
    });
  });

  it("gates canaries on the SLO the Datadog monitors and SLO enforce (one definition)", () => {
    const monitors = ofType(plans[env], "datadog:index/monitor:Monitor").map(
      (m) => m.inputs as { query: string },
    );
    const slo = named(
      plans[env],
      "datadog:index/serviceLevelObjective:ServiceLevelObjective",
      "payments-slo",
    );
    expect((slo.inputs.monitorIds as unknown[]).length).toBe(4);
    const dd = (chartValues.analysis as { datadog: Record<string, unknown> }).datadog;
    expect(dd).toMatchObject({ latencyThresholdSeconds: 0.35, errorRateThreshold: 0.05 });
    // Every environment's monitors use the thresholds its stack hands the chart.
    const latencyMonitors = monitors.filter((m) => m.query.startsWith("percentile("));
    expect(latencyMonitors).toHaveLength(2);
    for (const m of latencyMonitors) expect(m.query.endsWith(` > ${dd.latencyThresholdSeconds}`)).toBe(true);
    const template = objects.find(
      (o) => o.kind === "AnalysisTemplate" && o.metadata.name === "payments-dd-slo",
    );
    if (env !== "prod") {
      expect(template).toBeUndefined();
      return;
    }
    type Metric = {
      name: string;
      successCondition: string;
      provider: {
        datadog: { interval: string; query?: string; queries?: Record<string, string>; formula?: string };
      };
    };
    const metrics = (template!.spec as { metrics: Metric[] }).metrics;
    const latency = metrics.find((m) => m.name === "p95_latency")!;
    const errors = metrics.find((m) => m.name === "error_rate")!;
    const threshold = (condition: string) => Number(/< ([0-9.]+)$/.exec(condition)?.[1]);
    const window = Number.parseInt(latency.provider.datadog.interval, 10) / 60;
    for (const service of ["payments-web", "payments-api"]) {
      const args = (q: string) =>
        q.replaceAll("{{args.service}}", service).replaceAll("{{args.environment}}", env);
      expect(monitors.map((m) => m.query)).toContain(
        `percentile(last_${window}m):${args(latency.provider.datadog.query!)} > ${threshold(latency.successCondition)}`,
      );
      const q = errors.provider.datadog.queries!;
      expect(monitors.map((m) => m.query)).toContain(
        `sum(last_${window}m):${args(q.errors!)} / ${args(q.requests!)} > ${threshold(errors.successCondition)}`,
      );
    }
  });
});
