import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  clusterSecretStoreManifest,
  DATADOG,
  EXTERNAL_DNS,
  externalDnsPolicy,
  externalDnsValues,
  externalSecretsPolicy,
  INGRESS_CLASSES,
  loadBalancerControllerPolicy,
  SECRET_STORE_NAME,
} from "../../src/cluster/addon-values";
import type { PolicyDocument } from "../../src/core/policy-document";
import { VERSIONS } from "../../src/core/versions";
import { named, ofType, type PlanResult, planStack, stackValue } from "../support/harness";
import { validateObject as validateStrictly } from "../support/k8s-schema";

/** The chart's ingress classes (charts/payments/values.yaml): the platform must offer exactly these. */
const CHART = (
  parse(fs.readFileSync(path.join(__dirname, "../../charts/payments/values.yaml"), "utf8")) as {
    ingressClasses: Record<"public" | "internal", { className: string; annotations: Record<string, string> }>;
  }
).ingressClasses;

const STACKS = ["dev", "preprod", "prod", "management"] as const;

/** Kubernetes objects of the add-ons other than Karpenter's (cluster-plan.test.ts) and ArgoCD's (tests/gitops). */
const customResources = (p: PlanResult) =>
  p.resources.filter(
    (r) =>
      r.type.startsWith("kubernetes:") &&
      !/^kubernetes:(helm\.sh|karpenter\.)/.test(r.type) &&
      !r.components.some((c) => c.startsWith("gitops")),
  );

describe.each(STACKS)("%s add-ons", (stack) => {
  it("installs the pinned charts the cluster needs, ArgoCD only in management, Rollouts and external-dns only in the environments", async () => {
    const p = await planStack(stack);
    const releases = Object.fromEntries(
      ofType(p, "kubernetes:helm.sh/v3:Release")
        .filter((r) => !r.name.startsWith("karpenter"))
        .map((r) => [r.name, `${r.inputs.chart}@${r.inputs.version}`]),
    );
    const pin = (c: { chart: string; version: string }) => `${c.chart}@${c.version}`;
    expect(releases).toEqual({
      "aws-load-balancer-controller": pin(VERSIONS.charts.awsLoadBalancerController),
      "external-secrets": pin(VERSIONS.charts.externalSecrets),
      // The HPAs' resource metrics, in every cluster.
      "metrics-server": pin(VERSIONS.charts.metricsServer),
      ...(stack === "management"
        ? { "argo-cd": pin(VERSIONS.charts.argoCd) }
        : {
            "argo-rollouts": pin(VERSIONS.charts.argoRollouts),
            "external-dns": pin(VERSIONS.charts.externalDns),
            reloader: pin(VERSIONS.charts.reloader),
            datadog: pin(VERSIONS.charts.datadog),
          }),
    });
  });

  it("enforces NetworkPolicies with the VPC CNI's network policy agent", async () => {
    const p = await planStack(stack);
    const cni = named(p, "aws:eks/addon:Addon", "vpc-cni");
    expect(JSON.parse(String(cni.inputs.configurationValues))).toMatchObject({ enableNetworkPolicy: "true" });
  });

  it("runs two External Secrets controllers of which one leads (the chart elects none by default)", async () => {
    const p = await planStack(stack);
    const values = named(p, "kubernetes:helm.sh/v3:Release", "external-secrets").inputs.values;
    expect(values).toMatchObject({ replicaCount: 2, leaderElect: true });
  });

  it("limits External Secrets to the stack's own secrets, through Pod Identity", async () => {
    const p = await planStack(stack);
    const account = stackValue<string>(stack, "platform:accountId");
    const assoc = named(
      p,
      "aws:eks/podIdentityAssociation:PodIdentityAssociation",
      "external-secrets-pod-identity",
    );
    expect(assoc.inputs).toMatchObject({ namespace: "external-secrets", serviceAccount: "external-secrets" });
    const doc = JSON.parse(
      named(p, "aws:iam/rolePolicy:RolePolicy", "external-secrets-policy").inputs.policy as string,
    );
    expect(doc.Statement[0].Resource).toBe(`arn:aws:secretsmanager:eu-west-2:${account}:secret:${stack}/*`);
    const lbc = named(
      p,
      "aws:eks/podIdentityAssociation:PodIdentityAssociation",
      "aws-load-balancer-controller-pod-identity",
    );
    expect(lbc.inputs).toMatchObject({
      namespace: "kube-system",
      serviceAccount: "aws-load-balancer-controller",
    });
    const values = named(p, "kubernetes:helm.sh/v3:Release", "aws-load-balancer-controller").inputs.values;
    expect(values).toMatchObject({
      clusterName: `platform-${stack}-eks`,
      region: "eu-west-2",
      vpcId: p.outputs.vpcId,
      // Its policy grants WAFv2, not WAF Classic: with WAF Classic on, every ALB reconcile would be denied.
      enableWaf: false,
    });
  });

  it("creates only schema-valid custom resources: the ClusterSecretStore, and the Datadog keys in environments", async () => {
    const p = await planStack(stack);
    const objects = customResources(p).filter(
      (o) => !/IngressClass|NamespacePatch/.test(o.type) && !o.components.includes("data-grants"),
    );
    expect(objects.map((o) => o.type)).toEqual([
      "kubernetes:external-secrets.io/v1:ClusterSecretStore",
      ...(stack === "management"
        ? []
        : ["kubernetes:core/v1:Namespace", "kubernetes:external-secrets.io/v1:ExternalSecret"]),
    ]);
    for (const o of objects) {
      const [, apiVersion, kind] = /^kubernetes:(.+):(\w+)$/.exec(o.type)!;
      const obj = { apiVersion: apiVersion!.replace(/^core\//, ""), kind, ...o.inputs };
      expect(validateStrictly(obj), `${o.type} ${o.name}`).toEqual([]);
    }
    for (const o of objects) expect(o.provider).toBe("k8s");
  });

  it("warns and audits every add-on namespace but kube-system against the baseline Pod Security Standard", async () => {
    const p = await planStack(stack);
    const patches = ofType(p, "kubernetes:core/v1:NamespacePatch");
    const names = patches.map((n) => (n.inputs.metadata as { name: string }).name).sort();
    expect(names).toEqual(
      stack === "management"
        ? ["argocd", "external-secrets"]
        : ["argo-rollouts", "external-dns", "external-secrets", "reloader"],
    );
    for (const n of patches) {
      const ns = { apiVersion: "v1", kind: "Namespace", metadata: n.inputs.metadata };
      expect(validateStrictly(ns)).toEqual([]);
      expect((n.inputs.metadata as { labels: Record<string, string> }).labels).toMatchObject({
        "pod-security.kubernetes.io/warn": "baseline",
        "pod-security.kubernetes.io/audit": "baseline",
      });
      expect(n.provider).toBe("k8s");
    }
  });

  it("offers the chart's public and internal ALB classes in environment clusters, the scheme fixed per class", async () => {
    const p = await planStack(stack);
    const classes = ofType(p, "kubernetes:networking.k8s.io/v1:IngressClass");
    const params = ofType(p, "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams");
    if (stack === "management") {
      expect(classes).toEqual([]);
      return;
    }
    const schemeOf = (className: string) => {
      const cls = classes.find((c) => (c.inputs.metadata as { name: string }).name === className);
      expect(cls, className).toBeDefined();
      expect(
        validateStrictly({ apiVersion: "networking.k8s.io/v1", kind: "IngressClass", ...cls!.inputs }),
      ).toEqual([]);
      const ref = (cls!.inputs.spec as { controller: string; parameters: { name: string } }).parameters.name;
      expect((cls!.inputs.spec as { controller: string }).controller).toBe("ingress.k8s.aws/alb");
      const param = params.find((x) => (x.inputs.metadata as { name: string }).name === ref);
      return (
        (param?.inputs.spec as {
          scheme: string;
          loadBalancerAttributes: { key: string; value: string }[];
        }) ?? { scheme: "", loadBalancerAttributes: [] }
      );
    };
    expect(schemeOf(CHART.public.className).scheme).toBe("internet-facing");
    expect(schemeOf(CHART.internal.className).scheme).toBe("internal");
    const protection = schemeOf(CHART.public.className).loadBalancerAttributes.find(
      (a) => a.key === "deletion_protection.enabled",
    );
    expect(protection?.value).toBe(String(stack !== "dev"));
    // Both ALBs log their requests to the stack's access-log bucket, each under its class's name.
    const bucket = named(p, "aws:s3/bucket:Bucket", "alb-logs-bucket").inputs.bucket;
    for (const className of [CHART.public.className, CHART.internal.className]) {
      const attributes = Object.fromEntries(
        schemeOf(className).loadBalancerAttributes.map((a) => [a.key, a.value]),
      );
      expect(attributes).toMatchObject({
        "access_logs.s3.enabled": "true",
        "access_logs.s3.bucket": bucket,
        "access_logs.s3.prefix": className,
      });
    }
  });
});

describe.each(["dev", "preprod", "prod"] as const)("%s observability in the cluster", (stack) => {
  it("runs the Datadog agent with APM on the nodes' trace port, keys synced from the environment's input", async () => {
    const p = await planStack(stack);
    const release = named(p, "kubernetes:helm.sh/v3:Release", "datadog");
    const values = release.inputs.values as {
      datadog: Record<string, unknown> & { apm: Record<string, unknown> };
      clusterAgent: Record<string, unknown>;
    };
    expect(values.datadog).toMatchObject({
      site: stackValue<{ datadogSite: string }>(stack, "platform:observability").datadogSite,
      clusterName: `platform-${stack}-eks`,
      apiKeyExistingSecret: DATADOG.keysSecret,
      appKeyExistingSecret: DATADOG.keysSecret,
      tags: [`env:${stack}`],
    });
    // The chart sends traces to the node's port: the agent must listen there.
    const chart = parse(
      fs.readFileSync(path.join(__dirname, "../../charts/payments/values.yaml"), "utf8"),
    ) as {
      datadog: { agent: { tracePort: number } };
    };
    expect(values.datadog.apm).toMatchObject({ portEnabled: true, port: chart.datadog.agent.tracePort });
    // A missing key never blocks the deploy: the agent starts once its keys are synced.
    expect(release.inputs).toMatchObject({ skipAwait: true, atomic: false });
    const keys = named(p, "kubernetes:external-secrets.io/v1:ExternalSecret", "datadog-keys").inputs as {
      spec: { data: { secretKey: string; remoteRef: { key: string; property: string } }[] };
    };
    expect(keys.spec.data).toEqual(
      ["api-key", "app-key"].map((property) => ({
        secretKey: property,
        remoteRef: { key: `${stack}/observability/datadog`, property },
      })),
    );
    // The input the keys come from exists, empty, encrypted with the data key.
    const input = ofType(p, "aws:secretsmanager/secret:Secret").find(
      (s) => s.inputs.name === `${stack}/observability/datadog`,
    );
    expect(input).toBeDefined();
    expect(ofType(p, "aws:secretsmanager/secretVersion:SecretVersion").map((v) => v.name)).not.toContain(
      "datadog-keys-value",
    );
  });

  it("runs Reloader for the payments namespace, rolling Argo Rollouts", async () => {
    const p = await planStack(stack);
    const values = named(p, "kubernetes:helm.sh/v3:Release", "reloader").inputs.values as {
      reloader: Record<string, unknown>;
    };
    expect(values.reloader).toMatchObject({
      isArgoRollouts: true,
      namespaceSelector: "kubernetes.io/metadata.name in (payments)",
    });
  });
});

describe.each(["dev", "preprod", "prod"] as const)("%s external-dns", (stack) => {
  const edge = () =>
    stackValue<{ domain: string; hostedZoneId: string; hostnames: string[] }>(stack, "platform:edge");

  it("is restricted to the environment's zone and domain, upsert-only, ignoring the Ingress rule hosts", async () => {
    const p = await planStack(stack);
    const { domain, hostedZoneId } = edge();
    const release = named(p, "kubernetes:helm.sh/v3:Release", "external-dns");
    expect(release.inputs).toMatchObject({
      namespace: "external-dns",
      chart: VERSIONS.charts.externalDns.chart,
      version: VERSIONS.charts.externalDns.version,
      repositoryOpts: { repo: VERSIONS.charts.externalDns.repo },
    });
    const values = release.inputs.values as ReturnType<typeof externalDnsValues>;
    expect(values).toMatchObject({
      provider: { name: "aws" },
      sources: ["ingress"],
      domainFilters: [domain],
      policy: "upsert-only",
      registry: "txt",
      txtOwnerId: `platform-${stack}-eks`,
    });
    expect(values.extraArgs).toEqual(
      expect.arrayContaining([
        `--zone-id-filter=${hostedZoneId}`,
        "--ignore-ingress-rules-spec",
        "--aws-zone-type=public",
      ]),
    );
    expect(values.extraArgs.filter((a) => a.startsWith("--zone-id-filter="))).toHaveLength(1);
  });

  it("changes records in exactly that zone, through the Pod Identity association of the values' service account", async () => {
    const p = await planStack(stack);
    const { hostedZoneId } = edge();
    const values = named(p, "kubernetes:helm.sh/v3:Release", "external-dns").inputs.values as ReturnType<
      typeof externalDnsValues
    >;
    const assoc = named(
      p,
      "aws:eks/podIdentityAssociation:PodIdentityAssociation",
      "external-dns-pod-identity",
    );
    expect(assoc.inputs).toMatchObject({
      namespace: "external-dns",
      serviceAccount: values.serviceAccount.name,
    });
    expect(values.serviceAccount.create).toBe(true);
    const doc = JSON.parse(
      named(p, "aws:iam/rolePolicy:RolePolicy", "external-dns-policy").inputs.policy as string,
    ) as PolicyDocument;
    const changes = doc.Statement.filter((s) =>
      [s.Action].flat().some((a) => /^route53:(ChangeResourceRecordSets|\*)$|^\*$/.test(String(a))),
    );
    expect(changes).toHaveLength(1);
    expect(changes[0]?.Resource).toBe(`arn:aws:route53:::hostedzone/${hostedZoneId}`);
  });
});

describe("add-on builders", () => {
  it("external-dns may only read outside its zone, and only ListHostedZones on every resource", () => {
    const doc = externalDnsPolicy({ domain: "prod.payments.example.com", hostedZoneId: "Z0PROD" });
    const zone = "arn:aws:route53:::hostedzone/Z0PROD";
    const actions = (s: (typeof doc.Statement)[number]) => [s.Action].flat().map(String);
    for (const s of doc.Statement) {
      expect(s.Effect).toBe("Allow");
      for (const a of actions(s)) expect(a).toMatch(/^route53:(Change|List)[A-Za-z]+$/);
      if (s.Resource === "*") expect(actions(s)).toEqual(["route53:ListHostedZones"]);
      else expect(s.Resource).toBe(zone);
    }
    const all = doc.Statement.flatMap(actions);
    expect(new Set(all)).toEqual(
      new Set([
        "route53:ChangeResourceRecordSets",
        "route53:ListHostedZones",
        "route53:ListResourceRecordSets",
        "route53:ListTagsForResource",
        "route53:ListTagsForResources",
      ]),
    );
  });

  it("external-dns publishes only the annotated hostnames of Ingresses, never deleting a record", () => {
    const values = externalDnsValues({
      domain: "dev.payments.example.com",
      hostedZoneId: "Z0DEV",
      clusterName: "platform-dev-eks",
    });
    expect(values.sources).toEqual(["ingress"]);
    expect(values.policy).toBe("upsert-only");
    expect(values.extraArgs).toContain("--ignore-ingress-rules-spec");
    expect(values.extraArgs).toContain("--zone-id-filter=Z0DEV");
    expect(values.serviceAccount.name).toBe(EXTERNAL_DNS.serviceAccount);
  });

  it("ingress classes match the chart's class names and ALB groups", () => {
    for (const c of Object.values(INGRESS_CLASSES)) {
      const chart = Object.values(CHART).find((x) => x.className === c.className);
      expect(chart, c.className).toBeDefined();
      expect(chart?.annotations["alb.ingress.kubernetes.io/group.name"]).toBe(c.group);
    }
  });

  it("the ClusterSecretStore is schema-valid, and a misspelt field is caught", () => {
    const store = clusterSecretStoreManifest("eu-west-2");
    expect(store.metadata.name).toBe(SECRET_STORE_NAME);
    expect(validateStrictly(store)).toEqual([]);
    const typo = structuredClone(store) as { spec: { provider: { aws: Record<string, unknown> } } };
    typo.spec.provider.aws.regoin = "eu-west-2";
    expect(validateStrictly(typo)).toEqual(["unknown field /spec/provider/aws/regoin"]);
    const wrong = structuredClone(store) as { spec: { provider: { aws: Record<string, unknown> } } };
    wrong.spec.provider.aws.service = "S3";
    expect(validateStrictly(wrong).join("\n")).toMatch(/service/);
  });

  it("External Secrets decrypts only through Secrets Manager", () => {
    const doc = externalSecretsPolicy({
      region: "eu-west-2",
      accountId: "751029384756",
      environment: "prod",
    });
    expect(doc.Statement[1]).toMatchObject({
      Action: "kms:Decrypt",
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-2.amazonaws.com" } },
    });
    expect(JSON.stringify(doc)).not.toContain("secret:*");
  });

  it("the load balancer controller changes and deletes only resources tagged for a cluster", () => {
    const doc = loadBalancerControllerPolicy();
    const destructive = doc.Statement.filter((s) =>
      [s.Action]
        .flat()
        .some((a) =>
          /^(ec2:DeleteSecurityGroup|elasticloadbalancing:Delete(LoadBalancer|TargetGroup))$/.test(String(a)),
        ),
    );
    expect(destructive.length).toBeGreaterThan(0);
    for (const s of destructive)
      expect(s.Condition?.Null).toEqual({ "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" });
    expect(new Set(doc.Statement.map((s) => s.Sid)).size).toBe(doc.Statement.length);
  });
});
