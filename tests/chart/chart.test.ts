/**
 * charts/payments rendered by the real helm for each environment: lint, strict schema validation of
 * every object, and the release rules (canary analysis, ingress classes, secrets, availability,
 * security, network policies).
 */
import type { IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1";
import type { IContainer, IPodSpec } from "kubernetes-models/v1";
import { beforeAll, describe, expect, it } from "vitest";
import { describe as describeObject, VALIDATORS, validateObject } from "../support/k8s-schema";
import { restrictedViolations } from "../support/pod-security";
import { ENVIRONMENTS, type Environment, type K8sObject, lintChart, NAMESPACE, renderChart } from "./helm";
import { containersOf, type Named, podTemplates, Rendered, selects } from "./rendered";

const HTTP_WORKLOADS = ["payments-web", "payments-api", "admin-web"] as const;
const PUBLIC_WORKLOADS = ["payments-web", "payments-api"] as const;
const PUBLIC_CLASS = "alb-public";
const INTERNAL_CLASS = "alb-internal";
const SLO_TEMPLATE = "payments-dd-slo";
const SMOKE_TEMPLATE = "payments-smoke-test";

/** Each environment's account and VPC (Pulumi.<env>.yaml) and its subnet plan's ALB subnets. */
const PLATFORM: Record<
  Environment,
  { account: string; vpc: string; publicLb: string[]; internalLb: string[] }
> = {
  dev: {
    account: "529381746102",
    vpc: "10.10.0.0/16",
    publicLb: ["10.10.192.0/22", "10.10.196.0/22", "10.10.200.0/22"],
    internalLb: ["10.10.0.0/18", "10.10.64.0/18", "10.10.128.0/18"],
  },
  preprod: {
    account: "640192837465",
    vpc: "10.20.0.0/16",
    publicLb: ["10.20.192.0/22", "10.20.196.0/22", "10.20.200.0/22"],
    internalLb: ["10.20.0.0/18", "10.20.64.0/18", "10.20.128.0/18"],
  },
  prod: {
    account: "751029384756",
    vpc: "10.30.0.0/16",
    publicLb: ["10.30.192.0/22", "10.30.196.0/22", "10.30.200.0/22"],
    internalLb: ["10.30.0.0/18", "10.30.64.0/18", "10.30.128.0/18"],
  },
};

/** Object name of a workload's objects for the `payments` release. */
const obj = (workload: string): string => `payments-${workload}`;

/** Every problem of every object, as `Kind/name: problem`. */
function validationProblems(objects: readonly K8sObject[]): string[] {
  return objects.flatMap((o) => validateObject(o).map((p) => `${describeObject(o)}: ${p}`));
}

type Step = NonNullable<NonNullable<NonNullable<IRollout["spec"]>["strategy"]>["canary"]>["steps"];

function stepsOf(rollout: IRollout): NonNullable<Step> {
  const steps = rollout.spec?.strategy?.canary?.steps;
  if (steps === undefined || steps.length === 0) throw new Error("Rollout has no canary steps");
  return steps;
}

function analysisTemplatesOfStep(step: NonNullable<Step>[number]): string[] {
  return (step.analysis?.templates ?? []).map((t) => t.templateName ?? "");
}

/** Effective minimum replicas: spec.replicas, or the floor of the HPA scaling the Rollout. */
function minReplicas(r: Rendered, rollout: Named<IRollout>): number {
  const hpa = r
    .all("HorizontalPodAutoscaler")
    .find(
      (h) =>
        h.spec?.scaleTargetRef.kind === "Rollout" && h.spec.scaleTargetRef.name === rollout.metadata.name,
    );
  if (hpa !== undefined) {
    expect(rollout.spec?.replicas, `${rollout.metadata.name}: replicas is left to the HPA`).toBeUndefined();
    return hpa.spec?.minReplicas ?? 1;
  }
  return rollout.spec?.replicas ?? 1;
}

function expectHardenedContainer(owner: string, pod: IPodSpec, c: IContainer): void {
  const where = `${owner} container ${c.name}`;
  for (const kind of ["requests", "limits"] as const) {
    for (const resource of ["cpu", "memory"]) {
      expect(c.resources?.[kind]?.[resource], `${where}: resources.${kind}.${resource}`).toBeDefined();
    }
  }
  const sc = c.securityContext;
  expect(sc, `${where}: securityContext`).toBeDefined();
  expect(sc?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot, `${where}: runAsNonRoot`).toBe(true);
  expect(sc?.readOnlyRootFilesystem, `${where}: readOnlyRootFilesystem`).toBe(true);
  expect(sc?.allowPrivilegeEscalation, `${where}: allowPrivilegeEscalation`).toBe(false);
  expect(sc?.privileged ?? false, `${where}: privileged`).toBe(false);
  expect(sc?.capabilities?.drop, `${where}: capabilities.drop`).toContain("ALL");
  expect(sc?.capabilities?.add ?? [], `${where}: capabilities.add`).toEqual([]);
  expect(sc?.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type, `${where}: seccomp`).toBe(
    "RuntimeDefault",
  );
  expect(pod.securityContext?.runAsUser ?? sc?.runAsUser, `${where}: non-root uid`).toBeGreaterThan(0);
  expect(pod.hostNetwork ?? false, `${owner}: hostNetwork`).toBe(false);
  expect(pod.automountServiceAccountToken, `${owner}: automountServiceAccountToken`).toBe(false);
  // Images by repository and an immutable tag or a digest.
  expect(c.image, `${where}: image`).toMatch(
    /^[a-z0-9][a-z0-9.:/_-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[a-f0-9]{64})$/,
  );
  expect(c.image, `${where}: image tag`).not.toMatch(/:latest$/i);
}

/** The environment stack's IAM role of each workload (`platform-<env>-<role>`); the web front end has none. */
const WORKLOAD_ROLES: Record<string, string | undefined> = {
  "payments-web": undefined,
  "payments-api": "payments-api",
  "admin-web": "payments-admin",
  "payments-worker": "payments-worker-eks",
};

describe.each(ENVIRONMENTS)("charts/payments with values-%s.yaml", (env: Environment) => {
  let r: Rendered;
  beforeAll(() => {
    r = new Rendered(renderChart(env));
  });

  it("passes helm lint --strict", () => {
    expect(lintChart(env)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it("renders only kinds that have a schema validator, and every object validates strictly", () => {
    expect(r.objects.length).toBeGreaterThan(20);
    for (const o of r.objects)
      expect(VALIDATORS.has(`${o.apiVersion}/${o.kind}`), describeObject(o)).toBe(true);
    expect(validationProblems(r.objects)).toEqual([]);
  });

  it("renders every object into the release namespace, with a unique name per kind", () => {
    const keys = r.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const o of r.objects) expect(o.metadata.namespace, describeObject(o)).toBe(NAMESPACE);
  });

  it("deploys payments-web, payments-api and admin-web as Rollouts with stable and canary Services", () => {
    expect(
      r
        .all("Rollout")
        .map((x) => x.metadata.name)
        .sort(),
    ).toEqual(HTTP_WORKLOADS.map(obj).sort());
    for (const w of HTTP_WORKLOADS) {
      const rollout = r.get("Rollout", obj(w));
      const canary = rollout.spec?.strategy?.canary;
      expect(canary?.stableService).toBe(`${obj(w)}-stable`);
      expect(canary?.canaryService).toBe(`${obj(w)}-canary`);
      const podLabels = rollout.spec?.template?.metadata?.labels ?? {};
      for (const svcName of [canary?.stableService, canary?.canaryService]) {
        const svc = r.get("Service", svcName ?? "");
        expect(selects(svc.spec?.selector, podLabels), `${svcName} selects ${w}'s pods`).toBe(true);
        expect(svc.spec?.ports?.[0]?.targetPort).toBe("http");
      }
      expect(selects(rollout.spec?.selector?.matchLabels, podLabels)).toBe(true);
    }
  });

  it("routes canary traffic through the ALB ingress on the workload's ingress class", () => {
    for (const w of HTTP_WORKLOADS) {
      const rollout = r.get("Rollout", obj(w));
      const alb = rollout.spec?.strategy?.canary?.trafficRouting?.alb;
      expect(alb, `${w}: trafficRouting.alb`).toBeDefined();
      const ingress = r.get("Ingress", alb?.ingress ?? "");
      const stable = r.get("Service", rollout.spec?.strategy?.canary?.stableService ?? "");
      expect(alb?.rootService).toBe(stable.metadata.name);
      expect(alb?.servicePort).toBe(stable.spec?.ports?.[0]?.port);
      const backends = (ingress.spec?.rules ?? []).flatMap((rule) => rule.http?.paths ?? []);
      expect(backends.length).toBeGreaterThan(0);
      for (const p of backends) {
        expect(p.backend.service?.name).toBe(stable.metadata.name);
        expect(p.backend.service?.port?.name).toBe("use-annotation");
      }
      const expectedClass = (PUBLIC_WORKLOADS as readonly string[]).includes(w)
        ? PUBLIC_CLASS
        : INTERNAL_CLASS;
      expect(ingress.spec?.ingressClassName, `${w}: ingress class`).toBe(expectedClass);
      expect(ingress.metadata.annotations?.["kubernetes.io/ingress.class"]).toBeUndefined();
    }
  });

  it("never puts admin-web on the public ingress class", () => {
    const adminIngresses = r.all("Ingress").filter((i) => Rendered.component(i) === "admin-web");
    expect(adminIngresses.length).toBe(1);
    for (const ingress of adminIngresses) expect(ingress.spec?.ingressClassName).toBe(INTERNAL_CLASS);
    const publicOnes = r.all("Ingress").filter((i) => i.spec?.ingressClassName === PUBLIC_CLASS);
    expect(publicOnes.map(Rendered.component).sort()).toEqual([...PUBLIC_WORKLOADS].sort());
    // Nothing public routes to an admin-web Service either.
    for (const ingress of publicOnes) {
      for (const rule of ingress.spec?.rules ?? []) {
        for (const p of rule.http?.paths ?? [])
          expect(p.backend.service?.name ?? "").not.toContain("admin-web");
      }
    }
  });

  it("analyses every canary before it reaches full weight", () => {
    const templates = new Set(r.all("AnalysisTemplate").map((t) => t.metadata.name));
    for (const rollout of r.all("Rollout")) {
      const steps = stepsOf(rollout);
      const last = steps[steps.length - 1];
      expect(
        last?.analysis,
        `${rollout.metadata.name}: the last step before promotion is an analysis`,
      ).toBeDefined();
      for (const step of steps) {
        expect(step.setWeight ?? 0, `${rollout.metadata.name}: no step sets full weight`).toBeLessThan(100);
        for (const name of analysisTemplatesOfStep(step)) expect(templates).toContain(name);
      }
    }
  });

  if (env === "prod") {
    it("gates prod canaries with the Datadog SLO template: p95 latency and error rate, failure limit 1", () => {
      const slo = r.get("AnalysisTemplate", SLO_TEMPLATE);
      expect((slo.spec?.args ?? []).map((a) => a.name).sort()).toEqual(["environment", "service"]);
      const metrics = new Map((slo.spec?.metrics ?? []).map((m) => [m.name, m]));
      expect([...metrics.keys()].sort()).toEqual(["error_rate", "p95_latency"]);
      const latency = metrics.get("p95_latency");
      const errors = metrics.get("error_rate");
      expect(latency?.successCondition).toBe("result < 0.35");
      expect(errors?.successCondition).toBe("default(result, 0) < 0.05");
      for (const m of [latency, errors]) {
        expect(m?.failureLimit).toBe(1);
        expect(m?.interval).toBe("1m");
        expect(m?.count, "a step analysis must end").toBeGreaterThan(0);
        const dd = m?.provider.datadog;
        expect(dd?.secretRef).toEqual({ name: "datadog", namespaced: true });
        const queries = [dd?.query, ...Object.values(dd?.queries ?? {})].filter((q): q is string => !!q);
        expect(queries.length).toBeGreaterThan(0);
        for (const q of queries) {
          expect(q).toContain("service:{{args.service}}");
          expect(q).toContain("env:{{args.environment}}");
        }
      }
      expect(errors?.provider.datadog?.formula).toMatch(/errors.*\/.*requests/);
      // The Datadog API keys come from the environment's keys input, which the agent reads too.
      const ddSecret = r.get("ExternalSecret", "datadog");
      expect(ddSecret.spec?.data?.map((d) => [d.remoteRef.key, d.remoteRef.property])).toEqual([
        ["prod/observability/datadog", "api-key"],
        ["prod/observability/datadog", "app-key"],
      ]);
      expect(Object.keys(ddSecret.spec?.target?.template?.data ?? {}).sort()).toEqual([
        "address",
        "api-key",
        "app-key",
      ]);
      expect(r.find("AnalysisTemplate", SMOKE_TEMPLATE)).toBeUndefined();
    });

    it("runs both SLO metrics for the right service and environment before each prod canary reaches 100 %", () => {
      for (const w of HTTP_WORKLOADS) {
        const steps = stepsOf(r.get("Rollout", obj(w)));
        const analyses = steps.filter((s) => s.analysis !== undefined);
        expect(analyses.length, `${w}: analysis steps`).toBeGreaterThanOrEqual(1);
        for (const step of analyses) {
          expect(analysisTemplatesOfStep(step)).toEqual([SLO_TEMPLATE]);
          const args = Object.fromEntries((step.analysis?.args ?? []).map((a) => [a.name, a.value]));
          expect(args).toEqual({ service: w, environment: "prod" });
        }
        // The first analysis runs at a small weight, long before full traffic.
        const firstAnalysis = steps.findIndex((s) => s.analysis !== undefined);
        const weightsBefore = steps
          .slice(0, firstAnalysis)
          .flatMap((s) => (s.setWeight ? [s.setWeight] : []));
        expect(Math.max(...weightsBefore)).toBeLessThanOrEqual(25);
      }
    });
  } else {
    it(`gates ${env} canaries with the smoke-test Job against the canary Service`, () => {
      expect(r.find("AnalysisTemplate", SLO_TEMPLATE)).toBeUndefined();
      const smoke = r.get("AnalysisTemplate", SMOKE_TEMPLATE);
      expect((smoke.spec?.args ?? []).map((a) => a.name)).toEqual(["url"]);
      const metric = smoke.spec?.metrics?.[0];
      const container = metric?.provider.job?.spec.template.spec?.containers[0];
      // curl mirrored into the management ECR (immutable tags), never pulled from Docker Hub.
      expect(container?.image).toMatch(
        /^318274619203\.dkr\.ecr\.eu-west-2\.amazonaws\.com\/mirror\/curlimages\/curl:\d+\.\d+\.\d+$/,
      );
      expect(container?.args).toContain("--fail");
      expect(container?.args?.[container.args.length - 1]).toBe("{{args.url}}");
      expect(metric?.provider.job?.spec.template.spec?.restartPolicy).toBe("Never");
      for (const w of HTTP_WORKLOADS) {
        const rollout = r.get("Rollout", obj(w));
        const analyses = stepsOf(rollout).filter((s) => s.analysis !== undefined);
        expect(analyses.length).toBeGreaterThanOrEqual(1);
        for (const step of analyses) {
          expect(analysisTemplatesOfStep(step)).toEqual([SMOKE_TEMPLATE]);
          const url = step.analysis?.args?.find((a) => a.name === "url")?.value;
          const canary = rollout.spec?.strategy?.canary?.canaryService;
          expect(url).toBe(`http://${canary}.${NAMESPACE}.svc/readyz`);
          expect(r.find("Service", canary ?? "")).toBeDefined();
        }
      }
    });
  }

  it("reads each workload's secrets from <environment>/payments/<workload> through the ClusterSecretStore", () => {
    for (const w of HTTP_WORKLOADS) {
      const es = r.get("ExternalSecret", obj(w));
      expect(es.spec?.secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: "aws-secrets-manager" });
      expect(es.spec?.refreshInterval).toMatch(/^\d+[smh]$/);
      expect(es.spec?.dataFrom?.map((d) => d.extract?.key)).toEqual([`${env}/payments/${w}`]);
      const target = es.spec?.target?.name;
      expect(target).toBeTruthy();
      const rollout = r.get("Rollout", obj(w));
      const container = rollout.spec?.template?.spec?.containers[0];
      expect(container?.envFrom?.map((e) => e.secretRef?.name)).toEqual([target]);
      // Reloader rolls the pods when that Secret changes (a rotated value reaches running pods).
      expect(rollout.metadata.annotations?.["secret.reloader.stakater.com/reload"]).toBe(target);
      expect(container?.env?.find((e) => e.name === "ENVIRONMENT")?.value).toBe(env);
    }
  });

  it("gives every container limits, the restricted security context and (workloads) all three probes", () => {
    const pods = podTemplates(r);
    expect(pods.filter((p) => p.role === "workload").length).toBe(HTTP_WORKLOADS.length);
    for (const pod of pods) {
      expect(pod.spec.securityContext?.runAsNonRoot, pod.owner).toBe(true);
      expect(pod.spec.securityContext?.seccompProfile?.type, pod.owner).toBe("RuntimeDefault");
      for (const c of containersOf(pod)) {
        expectHardenedContainer(pod.owner, pod.spec, c);
        if (pod.role === "workload") {
          for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"] as const) {
            expect(c[probe]?.httpGet?.port, `${pod.owner}: ${probe}`).toBe("http");
          }
        }
      }
    }
  });

  it("runs each workload under its own service account carrying its IAM role", () => {
    const names = new Set<string>();
    for (const rollout of r.all("Rollout")) {
      const w = Rendered.component(rollout);
      const saName = rollout.spec?.template?.spec?.serviceAccountName ?? "";
      expect(names.has(saName), `${w} shares ${saName}`).toBe(false);
      names.add(saName);
      const sa = r.get("ServiceAccount", saName);
      // The platform binds the role with an EKS Pod Identity association; the account records it.
      // (tests/chart/platform-contract.test.ts checks these against the environment stack.)
      const role = WORKLOAD_ROLES[w];
      expect(sa.metadata.annotations?.["payments.platform/iam-role-arn"]).toBe(
        role && `arn:aws:iam::${PLATFORM[env].account}:role/platform-${env}-${role}`,
      );
      expect(sa.metadata.annotations?.["eks.amazonaws.com/role-arn"]).toBeUndefined();
      expect(sa.automountServiceAccountToken).toBe(false);
    }
  });

  it("has a PodDisruptionBudget wherever more than one replica runs, and HPAs that scale the Rollouts", () => {
    for (const rollout of r.all("Rollout")) {
      const replicas = minReplicas(r, rollout);
      const podLabels = rollout.spec?.template?.metadata?.labels ?? {};
      const pdbs = r
        .all("PodDisruptionBudget")
        .filter((p) => selects(p.spec?.selector?.matchLabels, podLabels));
      if (replicas > 1) {
        expect(pdbs.length, `${rollout.metadata.name}: PDB with ${replicas} replicas`).toBe(1);
        const minAvailable = pdbs[0]?.spec?.minAvailable;
        if (typeof minAvailable === "number") expect(minAvailable).toBeLessThan(replicas);
      } else {
        expect(pdbs.length, `${rollout.metadata.name}: no PDB for a single replica`).toBe(0);
      }
      if (env === "prod")
        expect(replicas, `${rollout.metadata.name}: prod replicas`).toBeGreaterThanOrEqual(3);
      if (env === "dev") expect(replicas).toBe(1);
    }
    for (const hpa of r.all("HorizontalPodAutoscaler")) {
      const ref = hpa.spec?.scaleTargetRef;
      expect(ref?.apiVersion).toBe("argoproj.io/v1alpha1");
      expect(ref?.kind).toBe("Rollout");
      expect(r.find("Rollout", ref?.name ?? "")).toBeDefined();
      expect(hpa.spec?.maxReplicas).toBeGreaterThanOrEqual(hpa.spec?.minReplicas ?? 1);
      if (env === "prod") expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(3);
    }
    if (env !== "dev") expect(r.all("HorizontalPodAutoscaler").length).toBe(HTTP_WORKLOADS.length);
  });

  it("spreads each workload's pods across zones (topology spread and anti-affinity)", () => {
    for (const rollout of r.all("Rollout")) {
      const spec = rollout.spec?.template?.spec;
      const podLabels = rollout.spec?.template?.metadata?.labels ?? {};
      const zoneSpread = spec?.topologySpreadConstraints?.find(
        (t) => t.topologyKey === "topology.kubernetes.io/zone",
      );
      expect(zoneSpread, `${rollout.metadata.name}: zone spread`).toBeDefined();
      expect(selects(zoneSpread?.labelSelector?.matchLabels, podLabels)).toBe(true);
      expect(zoneSpread?.whenUnsatisfiable).toBe(env === "dev" ? "ScheduleAnyway" : "DoNotSchedule");
      const anti = spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      const zoneAnti = anti.find((a) => a.podAffinityTerm.topologyKey === "topology.kubernetes.io/zone");
      expect(zoneAnti, `${rollout.metadata.name}: zone anti-affinity`).toBeDefined();
      expect(selects(zoneAnti?.podAffinityTerm.labelSelector?.matchLabels, podLabels)).toBe(true);
    }
  });

  it("every pod it renders, workloads and analysis Jobs, passes the restricted Pod Security Standard the namespace enforces", () => {
    const pods = podTemplates(r);
    expect(pods.map((p) => p.role)).toEqual(expect.arrayContaining(["workload"]));
    for (const pod of pods) expect(restrictedViolations(pod.spec), pod.owner).toEqual([]);
  });

  it("the restricted check itself rejects a pod that escalates privileges or runs as root", () => {
    const pod = structuredClone(podTemplates(r)[0]!.spec);
    pod.containers[0]!.securityContext = {
      ...pod.containers[0]!.securityContext,
      allowPrivilegeEscalation: true,
    };
    pod.securityContext = { ...pod.securityContext, runAsNonRoot: false };
    expect(restrictedViolations(pod).join("; ")).toMatch(/allowPrivilegeEscalation must be false/);
  });

  it("denies all traffic by default and allows only the flows the design needs", () => {
    const policies = r.all("NetworkPolicy");
    const deny = r.get("NetworkPolicy", "payments-default-deny");
    expect(deny.spec?.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(deny.spec?.ingress).toBeUndefined();
    expect(deny.spec?.egress).toBeUndefined();
    // Every pod the chart runs, analysis Jobs included, is under the default deny.
    for (const pod of podTemplates(r)) {
      expect(
        selects(deny.spec?.podSelector?.matchLabels, pod.labels),
        `${pod.owner} under default deny`,
      ).toBe(true);
    }
    const dns = r.get("NetworkPolicy", "payments-allow-dns");
    expect(dns.spec?.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [
          { port: 53, protocol: "UDP" },
          { port: 53, protocol: "TCP" },
        ],
      },
    ]);
    const vpcCidr = PLATFORM[env].vpc;
    const podLabelsOf = (w: string) => r.get("Rollout", obj(w)).spec?.template?.metadata?.labels ?? {};
    const policyOf = (w: string) => {
      const own = policies.filter((p) => Rendered.component(p) === w && p.metadata.name === obj(w));
      expect(own.length, `${w}: one policy`).toBe(1);
      return own[0]!;
    };
    for (const w of HTTP_WORKLOADS) {
      const p = policyOf(w);
      expect(selects(p.spec?.podSelector?.matchLabels, podLabelsOf(w))).toBe(true);
      // Load balancer traffic (IP targets) from its ALB's subnets only, on the container port only.
      const ingressRules = p.spec?.ingress ?? [];
      const lbSubnets = (PUBLIC_WORKLOADS as readonly string[]).includes(w)
        ? PLATFORM[env].publicLb
        : PLATFORM[env].internalLb;
      const fromLb = ingressRules.filter((rule) => rule.from?.some((f) => f.ipBlock !== undefined));
      expect(fromLb.length, `${w}: one rule from its load balancer`).toBe(1);
      expect(fromLb[0]?.from?.map((f) => f.ipBlock?.cidr)).toEqual(lbSubnets);
      expect(fromLb[0]?.ports).toEqual([{ port: 8080, protocol: "TCP" }]);
      // Egress only to named destinations (ipBlocks of the stack's subnets and ranges) and peers.
      const egress = p.spec?.egress ?? [];
      for (const rule of egress) {
        for (const peer of rule.to ?? []) {
          if (peer.ipBlock) expect(peer.ipBlock.cidr, `${w}: nothing in the whole VPC`).not.toBe(vpcCidr);
        }
      }
      // No rule allows everything.
      for (const rule of [...ingressRules, ...egress]) {
        const peers = "from" in rule ? rule.from : "to" in rule ? rule.to : undefined;
        expect(peers?.length ?? 0, `${w}: a rule without peers allows any source`).toBeGreaterThan(0);
        for (const peer of peers ?? []) expect(peer.ipBlock?.cidr).not.toBe("0.0.0.0/0");
      }
    }
    // admin-web may call payments-api; payments-web may not.
    const apiCallers = (policyOf("payments-api").spec?.ingress ?? [])
      .flatMap((rule) => rule.from ?? [])
      .map((f) => f.podSelector?.matchLabels?.["app.kubernetes.io/component"])
      .filter((c): c is string => c !== undefined);
    expect(apiCallers).toContain("admin-web");
    expect(apiCallers).not.toContain("payments-web");
    const adminEgressTo = (policyOf("admin-web").spec?.egress ?? [])
      .flatMap((rule) => rule.to ?? [])
      .map((t) => t.podSelector?.matchLabels?.["app.kubernetes.io/component"]);
    expect(adminEgressTo).toContain("payments-api");
    // admin-web takes nothing from other workloads of the release.
    const adminFromPods = (policyOf("admin-web").spec?.ingress ?? [])
      .flatMap((rule) => rule.from ?? [])
      .filter((f) => f.podSelector !== undefined)
      .map((f) => f.podSelector?.matchLabels?.["app.kubernetes.io/component"]);
    expect(adminFromPods.filter((c) => c !== "smoke-test")).toEqual([]);
  });
});

describe("charts/payments with its values.yaml defaults only", () => {
  it("passes helm lint --strict and renders objects that validate strictly", () => {
    expect(lintChart(undefined)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(validationProblems(renderChart(undefined))).toEqual([]);
  });
});

describe("charts/payments with IRSA instead of EKS Pod Identity (values-dev.yaml)", () => {
  it("annotates the service accounts for IAM Roles for Service Accounts", () => {
    const r = new Rendered(renderChart("dev", { set: ["defaults.serviceAccount.iamMode=irsa"] }));
    expect(validationProblems(r.objects)).toEqual([]);
    for (const sa of r.all("ServiceAccount")) {
      const role = WORKLOAD_ROLES[Rendered.component(sa)];
      expect(sa.metadata.annotations).toEqual(
        role
          ? { "eks.amazonaws.com/role-arn": `arn:aws:iam::${PLATFORM.dev.account}:role/platform-dev-${role}` }
          : undefined,
      );
    }
  });
});

describe("charts/payments with the optional EKS payments-worker (values-prod.yaml)", () => {
  let r: Rendered;
  beforeAll(() => {
    r = new Rendered(renderChart("prod", { set: ["workloads.payments-worker.enabled=true"] }));
  });

  it("validates, and runs the worker as a replica-weighted canary without an Ingress", () => {
    expect(validationProblems(r.objects)).toEqual([]);
    const worker = r.get("Rollout", obj("payments-worker"));
    expect(worker.spec?.strategy?.canary?.trafficRouting).toBeUndefined();
    expect(r.all("Ingress").filter((i) => Rendered.component(i) === "payments-worker")).toEqual([]);
    expect(r.get("ExternalSecret", obj("payments-worker")).spec?.dataFrom?.[0]?.extract?.key).toBe(
      "prod/payments/payments-worker",
    );
    // No HTTP traffic, so no Datadog HTTP SLO for it: its health endpoint is smoke-tested instead.
    const steps = stepsOf(worker);
    expect(steps[steps.length - 1]?.analysis?.templates).toEqual([{ templateName: SMOKE_TEMPLATE }]);
    expect(r.find("AnalysisTemplate", SMOKE_TEMPLATE)).toBeDefined();
    expect(r.find("AnalysisTemplate", SLO_TEMPLATE)).toBeDefined();
    expect(minReplicas(r, worker)).toBeGreaterThanOrEqual(3);
    expect(r.find("PodDisruptionBudget", obj("payments-worker"))).toBeDefined();
    // The worker reaches RDS in the VPC.
    const egress = r.get("NetworkPolicy", obj("payments-worker")).spec?.egress ?? [];
    expect(egress.flatMap((rule) => rule.ports ?? [])).toContainEqual({ port: 5432, protocol: "TCP" });
    for (const pod of podTemplates(r))
      for (const c of containersOf(pod)) expectHardenedContainer(pod.owner, pod.spec, c);
  });
});

describe("strict validation of rendered objects", () => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = renderChart("preprod");
  });

  const pick = (kind: string): K8sObject => {
    const found = objects.find((o) => o.kind === kind);
    if (found === undefined) throw new Error(`no ${kind} rendered`);
    return structuredClone(found);
  };

  /** Renames a property at `path` (dot-separated, numeric segments index arrays). */
  function rename(o: K8sObject, path: string, to: string): K8sObject {
    const keys = path.split(".");
    const last = keys.pop()!;
    let node: Record<string, unknown> = o;
    for (const key of keys) node = node[key] as Record<string, unknown>;
    expect(node[last], `${path} exists`).toBeDefined();
    node[to] = node[last];
    delete node[last];
    return o;
  }

  it("maps every kind the chart renders to a validator", () => {
    const kinds = new Set(objects.map((o) => `${o.apiVersion}/${o.kind}`));
    for (const k of kinds) expect(VALIDATORS.has(k), k).toBe(true);
  });

  it.each([
    ["Rollout", "spec.template.spec.containers.0.readinessProbe", "readinesProbe"],
    ["Rollout", "spec.strategy.canary.stableService", "stableSevice"],
    [
      "Rollout",
      "spec.template.spec.containers.0.securityContext.readOnlyRootFilesystem",
      "readOnlyRootFilesytem",
    ],
    ["AnalysisTemplate", "spec.metrics.0.failureLimit", "failureLimt"],
    ["AnalysisTemplate", "spec.metrics.0.provider.job.spec.backoffLimit", "backofLimit"],
    ["ExternalSecret", "spec.secretStoreRef", "secretStore"],
    ["NetworkPolicy", "spec.policyTypes", "policyType"],
    ["Ingress", "spec.ingressClassName", "ingressClass"],
    ["Service", "spec.ports.0.targetPort", "targetport"],
    ["PodDisruptionBudget", "spec.minAvailable", "minAvailible"],
    ["HorizontalPodAutoscaler", "spec.scaleTargetRef", "scaleTarget"],
    ["ServiceAccount", "automountServiceAccountToken", "automountToken"],
  ])("rejects a %s whose %s is misspelt %s", (kind, path, typo) => {
    const o = rename(pick(kind), path, typo);
    const problems = validateObject(o);
    const pointer = `/${path.split(".").slice(0, -1).concat(typo).join("/")}`;
    expect(problems).toContain(`unknown field ${pointer}`);
  });

  it("rejects wrong types and values the schemas define", () => {
    const rollout = pick("Rollout");
    (rollout.spec as Record<string, unknown>).revisionHistoryLimit = "three";
    expect(validateObject(rollout).join("\n")).toMatch(/schema: .*revisionHistoryLimit must be integer/);
    const es = pick("ExternalSecret");
    (es.spec as { target: Record<string, unknown> }).target.creationPolicy = "Sometimes";
    expect(validateObject(es).join("\n")).toMatch(
      /schema: .*creationPolicy must be equal to one of the allowed values/,
    );
    const wrongVersion = pick("ExternalSecret");
    wrongVersion.apiVersion = "external-secrets.io/v1alpha0";
    expect(validateObject(wrongVersion)).toEqual([
      "no schema validator for external-secrets.io/v1alpha0/ExternalSecret: map it in tests/support/k8s-schema.ts before creating it",
    ]);
  });

  it("fails on a kind no validator is mapped for", () => {
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: {} };
    expect(validateObject(deployment)[0]).toMatch(/^no schema validator for apps\/v1\/Deployment/);
  });

  it("accepts free-form maps (labels, annotations, selectors) without flagging their keys", () => {
    const rollout = pick("Rollout");
    rollout.metadata.annotations = { "example.com/anything": "x" };
    expect(validateObject(rollout)).toEqual([]);
  });
});
