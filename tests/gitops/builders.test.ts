import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { argoCdHubPermissions, chartPullPermissions, deployerRoleArn } from "../../src/gitops/gitops-iam";
import {
  AUTO_SYNC_LABEL,
  applicationSetManifest,
  appProjectManifest,
  CHART_VERSION_ANNOTATION,
  chartRegistry,
  clusterSecretManifest,
  clusterSecretName,
  DEPLOYER_GROUP,
  deployerRbacManifests,
  ENVIRONMENT_LABEL,
  PAYMENTS_CHART_KINDS,
  paymentsNamespaceManifest,
  registrarAdmissionPolicyManifests,
  registrarGroup,
  registrarRbacManifests,
} from "../../src/gitops/gitops-manifests";
import { assumedOnlyBy } from "../../src/governance/platform-roles";
import { CHART_DIR, ENVIRONMENTS, renderChart, requireHelm } from "../chart/helm";
import { validateObject } from "../support/k8s-schema";
import { allows } from "../support/policy-evaluator";
import {
  type ApplicationSetLike,
  type ClusterSecret,
  generate,
  renderApplications,
} from "./applicationset-render";

const REGISTRY = chartRegistry("318274619203", "eu-west-2");
const CLUSTERS = ENVIRONMENTS.map((e) => `platform-${e}-eks`);
const APPSET = applicationSetManifest({
  registry: REGISTRY,
  chart: "payments",
  environments: [...ENVIRONMENTS],
});
const ARGOCD_ROLE = "arn:aws:iam::318274619203:role/platform-management-argocd";
const DEPLOYER = "arn:aws:iam::529381746102:role/platform-argocd-deployer";

function secretFor(env: string, autoSync: boolean, chartVersion = "1.2.3") {
  return clusterSecretManifest({
    environment: env,
    clusterName: `platform-${env}-eks`,
    server: `https://${env.toUpperCase()}.gr7.eu-west-2.eks.amazonaws.com`,
    caData: Buffer.from("-----BEGIN CERTIFICATE-----\n").toString("base64"),
    deployerRoleArn: DEPLOYER,
    chartVersion,
    autoSync,
  });
}

describe("ArgoCD objects are valid against their real schemas", () => {
  const objects = [
    appProjectManifest({ registry: REGISTRY, clusterNames: CLUSTERS }),
    APPSET,
    secretFor("dev", true),
    ...ENVIRONMENTS.flatMap((environment) => {
      const own = { environment, clusterSecretName: clusterSecretName(`platform-${environment}-eks`) };
      return [
        ...Object.values(registrarRbacManifests(own)),
        ...Object.values(registrarAdmissionPolicyManifests(own)),
      ];
    }),
    ...Object.values(deployerRbacManifests()),
    paymentsNamespaceManifest({ kubernetesVersion: "1.33" }),
  ];

  it.each(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]))("%s", (_, o) => {
    expect(validateObject(o)).toEqual([]);
  });

  it("catches a misspelt field in the ApplicationSet and the AppProject", () => {
    const appset = structuredClone(APPSET) as unknown as {
      spec: { template: { spec: Record<string, unknown> } };
    };
    appset.spec.template.spec.ignoreDifference = [];
    expect(validateObject(appset)).toEqual(["unknown field /spec/template/spec/ignoreDifference"]);
    const project = structuredClone(
      appProjectManifest({ registry: REGISTRY, clusterNames: CLUSTERS }),
    ) as unknown as {
      spec: Record<string, unknown>;
    };
    project.spec.sourceRepo = ["*"];
    expect(validateObject(project)).toEqual(["unknown field /spec/sourceRepo"]);
  });
});

describe("the payments AppProject", () => {
  const project = appProjectManifest({ registry: REGISTRY, clusterNames: CLUSTERS });

  it("admits only the chart registry, the environments' clusters and the payments namespace", () => {
    expect(project.spec.sourceRepos).toEqual(["318274619203.dkr.ecr.eu-west-2.amazonaws.com/charts"]);
    expect(project.spec.destinations).toEqual(CLUSTERS.map((name) => ({ name, namespace: "payments" })));
    expect(JSON.stringify(project.spec)).not.toContain("*");
  });

  it("admits no cluster-scoped kind and warns about orphaned resources", () => {
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
    expect(project.spec.orphanedResources.warn).toBe(true);
  });

  it("admits exactly the kinds the chart renders, all of them namespaced", () => {
    const rendered = new Map<string, { group: string; kind: string }>();
    for (const env of ENVIRONMENTS) {
      for (const o of renderChart(env, { set: ["workloads.payments-worker.enabled=true"] })) {
        expect(o.metadata.namespace, `${o.kind}/${o.metadata.name} is namespaced`).toBe("payments");
        const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0]! : "";
        rendered.set(`${group}/${o.kind}`, { group, kind: o.kind });
      }
    }
    const key = (k: { group: string; kind: string }) => `${k.group}/${k.kind}`;
    expect(new Set(project.spec.namespaceResourceWhitelist.map(key))).toEqual(new Set(rendered.keys()));
    expect(new Set(PAYMENTS_CHART_KINDS.map(key))).toEqual(new Set(rendered.keys()));
  });

  it("ships every environment's values file in the packaged chart, where the ApplicationSet points", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "chart-package-"));
    try {
      execFileSync(requireHelm(), ["package", CHART_DIR, "--destination", dir], { stdio: "ignore" });
      const tgz = execFileSync("sh", ["-c", `ls ${dir}/payments-*.tgz`], { encoding: "utf8" }).trim();
      const files = execFileSync("tar", ["-tzf", tgz], { encoding: "utf8" }).split("\n");
      for (const env of ENVIRONMENTS) expect(files).toContain(`payments/values-${env}.yaml`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(path.join(CHART_DIR, "values-prod.yaml"))).toBe(true);
  });
});

describe("the payments ApplicationSet", () => {
  it("selects cluster secrets by environment label: each environment cluster by exactly one generator", () => {
    for (const env of ENVIRONMENTS) {
      for (const autoSync of [true, false]) {
        const params = generate(APPSET as ApplicationSetLike, [secretFor(env, autoSync) as ClusterSecret]);
        expect(params, `${env} autoSync=${autoSync}`).toHaveLength(1);
        expect(params[0]!.values.autoSync).toBe(String(autoSync && env !== "prod"));
      }
    }
    // Unlabelled secrets, other environments, and secrets that are not cluster secrets are ignored.
    const stray = secretFor("dev", true) as ClusterSecret;
    delete stray.metadata.labels[ENVIRONMENT_LABEL];
    const staging = secretFor("staging", true) as ClusterSecret;
    const repo = { ...(secretFor("dev", true) as ClusterSecret) };
    repo.metadata = {
      ...repo.metadata,
      labels: { ...repo.metadata.labels, "argocd.argoproj.io/secret-type": "repository" },
    };
    expect(generate(APPSET as ApplicationSetLike, [stray, staging, repo])).toEqual([]);
  });

  it("never auto-syncs prod, even when its secret asks for it", () => {
    const prod = secretFor("prod", true) as ClusterSecret;
    expect(prod.metadata.labels[AUTO_SYNC_LABEL]).toBe("true");
    const [app] = renderApplications(
      APPSET as ApplicationSetLike,
      generate(APPSET as ApplicationSetLike, [prod]),
    );
    expect((app!.spec as { syncPolicy: Record<string, unknown> }).syncPolicy.automated).toBeUndefined();
    expect(
      (app!.metadata as { annotations: Record<string, string> }).annotations["platform.payments/sync"],
    ).toBe("manual");
  });

  it("serves only the environments it is given", () => {
    const prodOnly = applicationSetManifest({
      registry: REGISTRY,
      chart: "payments",
      environments: ["prod"],
    });
    expect(prodOnly.spec.generators).toHaveLength(1);
    expect(generate(prodOnly as ApplicationSetLike, [secretFor("dev", true) as ClusterSecret])).toEqual([]);
    expect(() =>
      applicationSetManifest({ registry: REGISTRY, chart: "payments", environments: [] }),
    ).toThrow();
  });

  it("renders the chart at the secret's chart version with the environment's values, into payments", () => {
    const secrets = [
      secretFor("dev", true, "1.4.0"),
      secretFor("preprod", false, "1.3.0"),
    ] as ClusterSecret[];
    const apps = renderApplications(
      APPSET as ApplicationSetLike,
      generate(APPSET as ApplicationSetLike, secrets),
    );
    for (const app of apps)
      expect(validateObject(app), String((app.metadata as { name: string }).name)).toEqual([]);
    const [dev, preprod] = apps as {
      metadata: { name: string };
      spec: { source: Record<string, unknown>; destination: unknown; syncPolicy: Record<string, unknown> };
    }[];
    expect(dev!.metadata.name).toBe("payments-dev");
    expect(dev!.spec.source).toEqual({
      repoURL: REGISTRY,
      chart: "payments",
      targetRevision: "1.4.0",
      // No chart-values annotation: no values, so the chart refuses to render a public Ingress.
      helm: { releaseName: "payments", valueFiles: ["values-dev.yaml"], values: "{}" },
    });
    expect(dev!.spec.destination).toEqual({ name: "platform-dev-eks", namespace: "payments" });
    expect(dev!.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(preprod!.spec.source.targetRevision).toBe("1.3.0");
    expect(preprod!.spec.syncPolicy.automated).toBeUndefined();
    expect(preprod!.spec.syncPolicy.syncOptions).toEqual(["RespectIgnoreDifferences=true"]);
  });

  it("names a version that cannot exist when the chart-version annotation is missing", () => {
    const secret = secretFor("dev", true) as ClusterSecret;
    delete secret.metadata.annotations[CHART_VERSION_ANNOTATION];
    const [app] = renderApplications(
      APPSET as ApplicationSetLike,
      generate(APPSET as ApplicationSetLike, [secret]),
    );
    expect((app!.spec as { source: { targetRevision: string } }).source.targetRevision).toBe("0.0.0-unset");
  });

  it("passes the stack's chart values (the secret's chart-values annotation) to Helm verbatim", () => {
    const chartValues = {
      networkPolicy: { destinations: { postgres: { cidrs: ["10.30.208.0/22"] } } },
      analysis: { datadog: { latencyThresholdSeconds: 0.35 } },
    };
    const secret = clusterSecretManifest({
      environment: "prod",
      clusterName: "platform-prod-eks",
      server: "https://PROD.gr7.eu-west-2.eks.amazonaws.com",
      caData: Buffer.from("-----BEGIN CERTIFICATE-----\n").toString("base64"),
      deployerRoleArn: DEPLOYER,
      chartVersion: "1.2.3",
      autoSync: false,
      chartValues,
    }) as unknown as ClusterSecret;
    expect(JSON.parse(secret.metadata.annotations["platform.payments/chart-values"]!)).toEqual(chartValues);
    const [app] = renderApplications(
      APPSET as ApplicationSetLike,
      generate(APPSET as ApplicationSetLike, [secret]),
    );
    const helm = (app!.spec as { source: { helm: { values: string } } }).source.helm;
    expect(JSON.parse(helm.values)).toEqual(chartValues);
    expect(validateObject(app!)).toEqual([]);
  });

  it("ignores what Argo Rollouts changes during a canary, and respects that when syncing", () => {
    const spec = APPSET.spec.template.spec;
    expect(spec.ignoreDifferences).toEqual([
      {
        group: "networking.k8s.io",
        kind: "Ingress",
        jqPathExpressions: [expect.stringContaining('startswith("alb.ingress.kubernetes.io/actions.")')],
      },
      { group: "", kind: "Service", jsonPointers: ["/spec/selector/rollouts-pod-template-hash"] },
      // Reloader's restart marker on a Rollout whose Secret changed.
      {
        group: "argoproj.io",
        kind: "Rollout",
        jsonPointers: ["/spec/template/metadata/annotations/reloader.stakater.com~1last-reloaded-from"],
      },
    ]);
    expect(spec.syncPolicy.syncOptions).toContain("RespectIgnoreDifferences=true");
  });
});

describe("cluster secrets", () => {
  it("carry the environment label, the sync wish, the chart version and how to reach the cluster", () => {
    const s = secretFor("preprod", true, "0.3.1");
    expect(s.metadata).toEqual({
      name: "cluster-platform-preprod-eks",
      namespace: "argocd",
      labels: {
        "argocd.argoproj.io/secret-type": "cluster",
        "platform.payments/environment": "preprod",
        "platform.payments/auto-sync": "true",
      },
      annotations: { "platform.payments/chart-version": "0.3.1" },
    });
    expect(s.stringData).toMatchObject({
      name: "platform-preprod-eks",
      server: "https://PREPROD.gr7.eu-west-2.eks.amazonaws.com",
      namespaces: "payments",
      clusterResources: "false",
    });
    expect(JSON.parse(s.stringData.config)).toEqual({
      awsAuthConfig: { clusterName: "platform-preprod-eks", roleARN: DEPLOYER },
      tlsClientConfig: { insecure: false, caData: expect.any(String) },
    });
  });
});

describe("Kubernetes RBAC of the hub and the spokes", () => {
  it("each registrar may create secrets in argocd and change only its own environment's cluster secret", () => {
    for (const environment of ENVIRONMENTS) {
      const own = clusterSecretName(`platform-${environment}-eks`);
      const { role, binding } = registrarRbacManifests({ environment, clusterSecretName: own });
      expect(role.metadata).toEqual({ name: `argocd-registrar-${environment}`, namespace: "argocd" });
      expect(role.rules.every((r) => r.apiGroups.join() === "" && r.resources.join() === "secrets")).toBe(
        true,
      );
      expect(role.rules).toEqual([
        { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
        {
          apiGroups: [""],
          resources: ["secrets"],
          resourceNames: [own],
          verbs: ["get", "update", "patch", "delete"],
        },
      ]);
      expect(binding.subjects).toEqual([
        { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: registrarGroup(environment) },
      ]);
      expect(binding.roleRef).toEqual({
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Role",
        name: role.metadata.name,
      });
    }
  });

  it("each registrar's admission policy admits only its own secret, labelled with its own environment", () => {
    const own = { environment: "dev", clusterSecretName: "cluster-platform-dev-eks" };
    const { policy, binding } = registrarAdmissionPolicyManifests(own);
    expect(policy.spec.failurePolicy).toBe("Fail");
    expect(policy.spec.matchConstraints.resourceRules).toEqual([
      {
        apiGroups: [""],
        apiVersions: ["v1"],
        operations: ["CREATE", "UPDATE", "DELETE"],
        resources: ["secrets"],
      },
    ]);
    // Applies to requests of the dev registrar's group only, in argocd only, and denies.
    expect(policy.spec.matchConditions).toEqual([
      { name: "from-registrar", expression: "'platform:argocd-registrar-dev' in request.userInfo.groups" },
    ]);
    expect(binding.spec).toEqual({
      policyName: policy.metadata.name,
      validationActions: ["Deny"],
      matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "argocd" } } },
    });
    const [name, label] = policy.spec.validations.map((v) => v.expression);
    expect(name).toBe("request.name == 'cluster-platform-dev-eks'");
    expect(label).toContain(`object.metadata.labels['${ENVIRONMENT_LABEL}'] == 'dev'`);
    expect(label).toMatch(/^request\.operation == 'DELETE' \|\| /);
  });

  it("the deployer gets, in payments only, every custom resource kind the chart renders", () => {
    const { role, binding } = deployerRbacManifests();
    expect(role.kind).toBe("Role");
    expect(role.metadata.namespace).toBe("payments");
    expect(binding.subjects).toEqual([
      { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: DEPLOYER_GROUP },
    ]);
    // AmazonEKSAdminPolicy covers the built-in API groups; the Role must cover the rest.
    const builtIn = ["", "networking.k8s.io", "policy", "autoscaling"];
    const custom = PAYMENTS_CHART_KINDS.filter((k) => !builtIn.includes(k.group));
    expect(custom.length).toBeGreaterThan(0);
    for (const k of custom) {
      const rule = role.rules.find(
        (r) => r.apiGroups.includes(k.group) && r.resources.includes(`${k.kind.toLowerCase()}s`),
      );
      expect(rule?.verbs, `${k.group}/${k.kind}`).toEqual(
        expect.arrayContaining(["get", "list", "watch", "create", "update", "patch", "delete"]),
      );
    }
    expect(role.rules.flatMap((r) => r.verbs)).not.toContain("*");
  });
});

describe("IAM documents", () => {
  it("ArgoCD's role may assume the deployer roles it is given and nothing else", () => {
    const doc = argoCdHubPermissions([DEPLOYER, deployerRoleArn("751029384756")]);
    const can = (action: string, resource: string) => allows(doc, { action, resource });
    expect(can("sts:AssumeRole", DEPLOYER)).toBe(true);
    expect(can("sts:AssumeRole", "arn:aws:iam::751029384756:role/platform-argocd-deployer")).toBe(true);
    expect(can("sts:AssumeRole", "arn:aws:iam::529381746102:role/platform-deploy")).toBe(false);
    expect(can("sts:AssumeRole", "arn:aws:iam::640192837465:role/platform-argocd-deployer")).toBe(false);
    expect(can("eks:DescribeCluster", "*")).toBe(false);
    expect(doc.Statement).toHaveLength(1);
    expect(() => argoCdHubPermissions(["arn:aws:iam::529381746102:role/platform-deploy"])).toThrow(
      /deployer/,
    );
    expect(() => argoCdHubPermissions(["arn:aws:iam::*:role/platform-argocd-deployer"])).toThrow();
    expect(() => argoCdHubPermissions([])).toThrow();
  });

  it("a deployer role trusts ArgoCD's role alone", () => {
    const trust = assumedOnlyBy([ARGOCD_ROLE]);
    const by = (arn: string) => allows(trust, { action: "sts:AssumeRole", principal: { arn } });
    expect(by(ARGOCD_ROLE)).toBe(true);
    expect(by("arn:aws:iam::318274619203:role/platform-deploy")).toBe(false);
    expect(by("arn:aws:iam::318274619203:root")).toBe(false);
  });

  it("the token refresher can get a registry token and pull charts, never push", () => {
    const doc = chartPullPermissions({
      region: "eu-west-2",
      accountId: "318274619203",
      repositoryPrefix: "charts/",
    });
    const repo = (name: string) => `arn:aws:ecr:eu-west-2:318274619203:repository/${name}`;
    const can = (action: string, resource: string) => allows(doc, { action, resource });
    expect(can("ecr:GetAuthorizationToken", "*")).toBe(true);
    expect(can("ecr:BatchGetImage", repo("charts/payments"))).toBe(true);
    expect(can("ecr:GetDownloadUrlForLayer", repo("charts/payments"))).toBe(true);
    expect(can("ecr:BatchGetImage", repo("payments-api"))).toBe(false);
    for (const push of ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:DeleteRepository"]) {
      expect(can(push, repo("charts/payments")), push).toBe(false);
    }
  });
});
