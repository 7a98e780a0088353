import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PR_NAMESPACE_PREFIX } from "../../src/core/pr-names";
import {
  ARGOCD_ACCOUNTS,
  argoCdApiAccess,
  PR_ENVIRONMENTS_GROUP,
  prEnvironmentsClusterManifests,
} from "../../src/gitops/delivery-manifests";
import { named, ofType, type PlanResult, planStack, stackValue } from "../support/harness";
import { validateObject } from "../support/k8s-schema";
import { allows } from "../support/policy-evaluator";
import { doc, object, roleNamed } from "./gitops-plan";

/** What application delivery needs of ArgoCD: registry credentials, the API, accounts, PR environments. */

const MGMT = stackValue<string>("management", "platform:accountId");
const plans = {} as Record<"management" | "dev" | "preprod" | "prod", PlanResult>;
beforeAll(async () => {
  for (const s of ["management", "dev", "preprod", "prod"] as const) plans[s] = await planStack(s);
});

describe("the chart registry's credentials", () => {
  it("come from External Secrets' ECR token generator every 6 hours, into ArgoCD's repository secret, without a CronJob", () => {
    const p = plans.management;
    const generator = object(
      p,
      "kubernetes:generators.external-secrets.io/v1alpha1:ECRAuthorizationToken",
      "chart-registry-token",
    );
    const es = object(
      p,
      "kubernetes:external-secrets.io/v1:ExternalSecret",
      "chart-registry-credentials",
    ) as unknown as {
      metadata: { namespace: string };
      spec: {
        refreshInterval: string;
        target: { template: { metadata: { labels: Record<string, string> }; data: Record<string, string> } };
        dataFrom: { sourceRef: { generatorRef: { kind: string; name: string } } }[];
      };
    };
    expect(validateObject(generator)).toEqual([]);
    expect(validateObject(es)).toEqual([]);
    expect(es.metadata.namespace).toBe("argocd");
    expect(es.spec.refreshInterval).toBe("6h");
    expect(es.spec.target.template.metadata.labels).toEqual({
      "argocd.argoproj.io/secret-type": "repository",
    });
    expect(es.spec.target.template.data).toMatchObject({
      type: "helm",
      enableOCI: "true",
      url: p.outputs.chartRegistry,
      username: "{{ .username }}",
      password: "{{ .password }}",
    });
    expect(es.spec.dataFrom[0]!.sourceRef.generatorRef).toMatchObject({
      kind: "ECRAuthorizationToken",
      name: generator.metadata.name,
    });
    expect((generator.spec as { role: string }).role).toBe(p.outputs.argocdChartPullRoleArn);
    expect(ofType(p, "kubernetes:batch/v1:CronJob")).toEqual([]);
  });

  it("are asked for as a role that pulls charts and nothing else, which only the hub's External Secrets may assume", () => {
    const p = plans.management;
    const role = roleNamed(p, "platform-management-argocd-chart-pull");
    const eso = `arn:aws:iam::${MGMT}:role/platform-management-external-secrets`;
    expect(
      ofType(p, "aws:iam/role:Role").some((r) => r.inputs.name === "platform-management-external-secrets"),
    ).toBe(true);
    const trust = doc(role.inputs.assumeRolePolicy);
    const by = (arn: string) =>
      allows(trust, { action: "sts:AssumeRole", principal: { arn }, context: { "aws:PrincipalArn": arn } });
    expect(by(eso)).toBe(true);
    expect(by(`arn:aws:iam::${MGMT}:role/platform-management-argocd`)).toBe(false);
    const pull = doc(named(p, "aws:iam/rolePolicy:RolePolicy", "argocd-chart-pull-policy").inputs.policy);
    const repo = (n: string) => `arn:aws:ecr:eu-west-2:${MGMT}:repository/${n}`;
    expect(allows(pull, { action: "ecr:BatchGetImage", resource: repo("charts/payments") })).toBe(true);
    expect(allows(pull, { action: "ecr:BatchGetImage", resource: repo("payments-api") })).toBe(false);
    expect(allows(pull, { action: "ecr:PutImage", resource: repo("charts/payments") })).toBe(false);
    const assume = named(p, "aws:iam/rolePolicy:RolePolicy", "external-secrets-assume-chart-pull");
    expect(assume.inputs.role).toBe("platform-management-external-secrets");
    expect(
      allows(doc(assume.inputs.policy), {
        action: "sts:AssumeRole",
        resource: String(p.outputs.argocdChartPullRoleArn),
      }),
    ).toBe(true);
    expect(
      allows(doc(assume.inputs.policy), {
        action: "sts:AssumeRole",
        resource: `arn:aws:iam::${MGMT}:role/platform-deploy`,
      }),
    ).toBe(false);
  });
});

describe("ArgoCD's API for the pipelines", () => {
  const api = stackValue<{ api: { hostname: string; hostedZoneId: string } }>(
    "management",
    "platform:gitops",
  ).api;

  it("is on an internal network load balancer with a certificate for its name, open to the management VPC and the VPN only", () => {
    const p = plans.management;
    const svc = object(p, "kubernetes:core/v1:Service", "argocd-server-internal") as unknown as {
      metadata: { annotations: Record<string, string> };
      spec: {
        type: string;
        loadBalancerClass: string;
        loadBalancerSourceRanges: string[];
        selector: Record<string, string>;
        ports: { port: number; targetPort: number }[];
      };
    };
    expect(validateObject(svc)).toEqual([]);
    const a = svc.metadata.annotations;
    expect(a["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internal");
    expect(a["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"]).toBe("ip");
    expect(a["service.beta.kubernetes.io/aws-load-balancer-backend-protocol"]).toBe("ssl");
    const cert = named(p, "aws:acm/certificate:Certificate", "argocd-api-certificate");
    expect(cert.inputs.domainName).toBe(api.hostname);
    expect(a["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"]).toMatch(
      /^arn:aws:acm:eu-west-2:\d{12}:certificate\//,
    );
    expect(svc.spec).toMatchObject({ type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb" });
    expect(svc.spec.loadBalancerSourceRanges).toEqual([
      stackValue<{ vpcCidr: string }>("management", "platform:network").vpcCidr,
      stackValue<{ vpnClientCidr: string }>("management", "platform:transit").vpnClientCidr,
    ]);
    expect(svc.spec.selector).toEqual({
      "app.kubernetes.io/name": "argocd-server",
      "app.kubernetes.io/instance": "argo-cd",
    });
    expect(svc.spec.ports).toEqual([{ name: "https", port: 443, targetPort: 8080, protocol: "TCP" }]);
  });

  it("is published under its name, pointing at the load balancer", () => {
    const p = plans.management;
    const record = named(p, "aws:route53/record:Record", "argocd-api-record");
    expect(record.inputs).toMatchObject({ name: api.hostname, zoneId: api.hostedZoneId, type: "CNAME" });
    expect(record.inputs.records).toEqual([p.outputs.argocdApiLoadBalancer]);
    expect(p.outputs.argocdApiUrl).toBe(`https://${api.hostname}`);
    expect(named(p, "aws:route53/record:Record", "argocd-api-certificate-validation").inputs.zoneId).toBe(
      api.hostedZoneId,
    );
  });

  it("has one API account per pipeline, each limited to its project's Applications and its verbs", () => {
    const values = named(plans.management, "kubernetes:helm.sh/v3:Release", "argo-cd").inputs.values as {
      configs: { cm: Record<string, string>; rbac: Record<string, string> };
    };
    expect(values.configs.cm).toEqual(argoCdApiAccess().cm);
    const accounts = Object.entries(values.configs.cm).filter(([k]) => k.startsWith("accounts."));
    expect(Object.fromEntries(accounts)).toEqual({
      "accounts.promoter": "apiKey",
      "accounts.pr-environments": "apiKey",
    });
    expect(values.configs.rbac["policy.default"]).toBe("");
    const lines = values.configs.rbac["policy.csv"]!.split("\n").filter(Boolean);
    const grants = (role: string) =>
      lines.filter((l) => l.startsWith(`p, role:${role},`)).map((l) => l.split(", ").slice(2, 5).join(" "));
    expect(grants("payments-promoter")).toEqual([
      "applications get payments/*",
      "applications update payments/*",
      "applications sync payments/*",
    ]);
    expect(grants("pr-environments").every((g) => g.endsWith(" payments-previews/*"))).toBe(true);
    expect(lines).toContain(`g, ${ARGOCD_ACCOUNTS.promoter}, role:payments-promoter`);
    expect(lines).toContain(`g, ${ARGOCD_ACCOUNTS.prEnvironments}, role:pr-environments`);
    expect(lines.some((l) => /, \*,|role:admin/.test(l))).toBe(false);
  });

  it("lets the ApplicationSet seed a version but never revert one the pipeline set", () => {
    const appset = object(
      plans.management,
      "kubernetes:argoproj.io/v1alpha1:ApplicationSet",
      "payments-applicationset",
    );
    expect((appset.spec as { ignoreApplicationDifferences: unknown }).ignoreApplicationDifferences).toEqual([
      { jsonPointers: ["/spec/source/targetRevision"] },
    ]);
    expect(validateObject(appset)).toEqual([]);
  });
});

describe("PR environments in ArgoCD", () => {
  const repository = stackValue<{ repository: string }>("management", "platform:ci").repository;

  it("have a project of their own: this repository as the only source, payments-pr-* on dev's cluster as the only destinations", () => {
    const project = object(
      plans.management,
      "kubernetes:argoproj.io/v1alpha1:AppProject",
      "payments-previews-project",
    ) as unknown as {
      spec: { sourceRepos: string[]; destinations: unknown[]; clusterResourceWhitelist: unknown[] };
    };
    expect(validateObject(project)).toEqual([]);
    expect(project.spec.sourceRepos).toEqual([`git@github.com:${repository}.git`]);
    expect(project.spec.destinations).toEqual([
      { name: plans.dev.outputs.clusterName, namespace: `${PR_NAMESPACE_PREFIX}*` },
    ]);
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
  });

  it("read the chart with a deploy key kept in Secrets Manager", () => {
    const es = object(
      plans.management,
      "kubernetes:external-secrets.io/v1:ExternalSecret",
      "platform-repository-credentials",
    ) as unknown as {
      spec: {
        secretStoreRef: { kind: string };
        target: { template: { data: Record<string, string> } };
        data: { remoteRef: { key: string } }[];
      };
    };
    expect(validateObject(es)).toEqual([]);
    expect(es.spec.target.template.data).toMatchObject({
      type: "git",
      url: `git@github.com:${repository}.git`,
    });
    const key = named(plans.management, "aws:secretsmanager/secret:Secret", "platform-repository-deploy-key")
      .inputs.name;
    expect(es.spec.data[0]!.remoteRef.key).toBe(key);
    // The hub's External Secrets reads management/* only.
    expect(String(key)).toMatch(/^management\//);
  });

  it("get their namespaces on dev's cluster only, through an access entry with no access policy", () => {
    const entry = ofType(plans.dev, "aws:eks/accessEntry:AccessEntry").find((e) =>
      String(e.inputs.principalArn).endsWith(":role/platform-pr-environments"),
    )!;
    expect(entry.inputs.kubernetesGroups).toEqual([PR_ENVIRONMENTS_GROUP]);
    expect(
      ofType(plans.dev, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").some((a) =>
        String(a.inputs.principalArn).endsWith(":role/platform-pr-environments"),
      ),
    ).toBe(false);
    for (const env of ["preprod", "prod"] as const) {
      expect(
        ofType(plans[env], "aws:eks/accessEntry:AccessEntry").some((e) =>
          String(e.inputs.principalArn).includes("pr-environments"),
        ),
      ).toBe(false);
      expect(ofType(plans[env], "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"), env).toEqual([]);
    }
  });

  it("are deployed by ArgoCD with the chart's kinds bound in each PR namespace, and read-only elsewhere", () => {
    const m = prEnvironmentsClusterManifests();
    const kinds = (rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[], verb: string) =>
      rules.filter((r) => r.verbs.includes(verb)).flatMap((r) => r.resources);
    // In a PR namespace (a RoleBinding there): write on every kind the chart renders.
    expect(kinds(m.deployerPrNamespace.rules, "create").sort()).toEqual(
      [
        "analysistemplates",
        "externalsecrets",
        "horizontalpodautoscalers",
        "ingresses",
        "networkpolicies",
        "poddisruptionbudgets",
        "rollouts",
        "serviceaccounts",
        "services",
      ].sort(),
    );
    // Across namespaces: read only, and never Pods, Secrets or ReplicaSets (whose specs hold values).
    expect(
      m.deployerRead.rules.flatMap((r) => r.verbs).every((v) => ["get", "list", "watch"].includes(v)),
    ).toBe(true);
    const read = m.deployerRead.rules.flatMap((r) => r.resources);
    for (const r of ["secrets", "pods", "replicasets", "configmaps"]) expect(read).not.toContain(r);
    expect(m.deployerReadBinding.subjects.map((s) => s.name)).toEqual(["platform:argocd-deployer"]);
    // ArgoCD watches exactly those kinds, in every cluster.
    const values = named(plans.management, "kubernetes:helm.sh/v3:Release", "argo-cd").inputs.values as {
      configs: { cm: Record<string, string> };
    };
    const inclusions = parse(values.configs.cm["resource.inclusions"]!) as {
      apiGroups: string[];
      kinds: string[];
    }[];
    const watched = inclusions.flatMap((i) => i.kinds);
    expect(watched).toEqual(expect.arrayContaining(["Rollout", "Service", "ExternalSecret", "AnalysisRun"]));
    for (const k of ["Secret", "Pod", "ReplicaSet", "ConfigMap"]) expect(watched).not.toContain(k);
  });

  it("are held to payments-pr-<number> namespaces by an admission policy, whatever RBAC grants", () => {
    const m = prEnvironmentsClusterManifests();
    for (const o of Object.values(m)) expect(validateObject(o), o.kind).toEqual([]);
    for (const [type, name] of [
      ["kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", "pr-environments"],
      ["kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", "pr-environments"],
      ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "pr-environments"],
      ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "pr-environments"],
      ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "argocd-deployer-pr-namespace"],
      ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "argocd-deployer-read"],
      ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "argocd-deployer-read"],
    ] as const) {
      expect(validateObject(object(plans.dev, type, name)), `${type} ${name}`).toEqual([]);
    }
    const spec = m.admissionPolicy.spec;
    expect(spec.failurePolicy).toBe("Fail");
    expect(spec.matchConditions[0]!.expression).toBe(`'${PR_ENVIRONMENTS_GROUP}' in request.userInfo.groups`);
    expect(spec.matchConstraints.resourceRules[0]!.operations).toEqual([
      "CREATE",
      "UPDATE",
      "DELETE",
      "CONNECT",
    ]);
    // The CEL regex the policy applies, checked as a regular expression.
    const re = new RegExp(/matches\('([^']+)'\)/.exec(spec.validations[0]!.expression)![1]!);
    for (const ok of ["payments-pr-1", "payments-pr-123"]) expect(re.test(ok), ok).toBe(true);
    for (const bad of [
      "payments",
      "kube-system",
      "argocd",
      "payments-pr-",
      "payments-pr-01",
      "payments-pr-1-x",
    ]) {
      expect(re.test(bad), bad).toBe(false);
    }
    expect(m.admissionPolicyBinding.spec.validationActions).toEqual(["Deny"]);
    const verbs = m.clusterRole.rules.flatMap((r) => r.verbs);
    expect(verbs).not.toContain("*");
    const bind = m.clusterRole.rules.find((r) => r.verbs.includes("bind"))!;
    expect(bind.resourceNames).toEqual(["argocd-deployer-pr-namespace"]);
    expect(m.clusterRole.rules.some((r) => r.resources.includes("secrets"))).toBe(false);
    expect(m.clusterRole.rules.some((r) => r.resources.includes("clusterrolebindings"))).toBe(false);
  });
});
