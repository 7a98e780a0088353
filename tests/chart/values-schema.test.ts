/**
 * Values that break charts/payments/values.schema.json, or the chart's own render-time guards, are
 * rejected by the real helm with an error that names the offending value.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CHART_DIR, type Environment, type Overrides, renderExpectingFailure } from "./helm";

const SCHEMA_ERROR = "values don't meet the specifications of the schema(s)";

interface Case {
  what: string;
  env?: Environment;
  overrides: Overrides;
  /** Fragments the error must contain (the value's path and why it is wrong). */
  expect: string[];
}

const schemaCases: Case[] = [
  {
    what: "an unknown environment",
    overrides: { set: ["environment=staging"] },
    expect: [
      "at '/environment'",
      "'staging' does not match pattern '^(dev|preprod|prod|pr-[1-9][0-9]{0,5})$'",
    ],
  },
  {
    what: "a PR environment with a leading zero",
    overrides: { set: ["environment=pr-0123"] },
    expect: ["at '/environment'", "'pr-0123' does not match pattern"],
  },
  {
    what: "a SecretStore name that is not a Kubernetes name",
    overrides: { set: ["externalSecrets.secretStore=PR_Secrets"] },
    expect: ["at '/externalSecrets/secretStore'"],
  },
  {
    what: "a string where the replica count goes",
    overrides: { set: ["defaults.replicas=three"] },
    expect: ["at '/defaults/replicas'", "got string, want integer"],
  },
  {
    what: "a misspelt key in the defaults",
    overrides: { set: ["defaults.replicaz=3"] },
    expect: ["at '/defaults'", "additional properties 'replicaz' not allowed"],
  },
  {
    what: "a misspelt key in a workload's ingress",
    env: "prod",
    overrides: { set: ["workloads.payments-web.ingress.hots=www.example.com"] },
    expect: ["at '/workloads/payments-web/ingress'", "additional properties 'hots' not allowed"],
  },
  {
    what: "an ALB DNS name that is not a lowercase DNS name",
    overrides: { set: ["ingressClasses.public.dnsNames[0]=Origin_Dev"] },
    expect: ["at '/ingressClasses/public/dnsNames/0'", "does not match pattern"],
  },
  {
    what: "an unknown workload",
    overrides: { set: ["workloads.payments-cron.enabled=true"] },
    expect: ["at '/workloads'", "additional properties 'payments-cron' not allowed"],
  },
  {
    what: "the mutable `latest` image tag",
    overrides: { set: ["workloads.payments-api.image.tag=latest"] },
    expect: ["at '/workloads/payments-api/image/tag'"],
  },
  {
    what: "a malformed image digest",
    overrides: { set: ["workloads.payments-api.image.digest=sha256:abc"] },
    expect: ["at '/workloads/payments-api/image/digest'", "does not match pattern"],
  },
  {
    what: "admin-web on the public ingress",
    env: "prod",
    overrides: { set: ["workloads.admin-web.ingress.visibility=public"] },
    expect: ["at '/workloads/admin-web/ingress/visibility'", "value must be 'internal'"],
  },
  {
    what: "a canary step that sends full weight before the analysis",
    env: "prod",
    overrides: { set: ["defaults.canary.steps[0].setWeight=100"] },
    expect: ["at '/defaults/canary/steps/0/setWeight'", "maximum: got 100, want 99"],
  },
  {
    what: "a container without a CPU limit",
    overrides: { set: ["defaults.resources.limits.cpu=null"] },
    expect: ["at '/defaults/resources/limits'", "missing property 'cpu'"],
  },
  {
    what: "an unknown analysis template",
    overrides: { set: ["analysis.templates={prometheus}"] },
    expect: ["at '/analysis/templates/0'", "value must be one of 'datadog-slo', 'smoke-test'"],
  },
  {
    what: "a Datadog query that is not parameterised by environment",
    overrides: {
      set: [
        "analysis.datadog.queries.p95Latency=p95:trace.http.request{service:{{args.service}}\\,env:prod}",
      ],
    },
    expect: ["at '/analysis/datadog/queries/p95Latency'", "does not match pattern"],
  },
  {
    what: "a destination CIDR that is not one",
    overrides: { set: ["networkPolicy.destinations.postgres.cidrs[0]=10.0.0.0/33"] },
    expect: ["at '/networkPolicy/destinations/postgres/cidrs/0'", "does not match pattern"],
  },
  {
    what: "an IAM role that is not an ARN",
    overrides: { set: ["workloads.payments-api.serviceAccount.roleArn=payments-api"] },
    expect: ["at '/workloads/payments-api/serviceAccount/roleArn'", "does not match pattern"],
  },
  {
    what: "a boolean given as a string",
    overrides: { set: ["networkPolicy.enabled=yes"] },
    expect: ["at '/networkPolicy/enabled'", "got string, want boolean"],
  },
  {
    what: "an unknown way of binding IAM roles",
    overrides: { set: ["defaults.serviceAccount.iamMode=kiam"] },
    expect: ["at '/defaults/serviceAccount/iamMode'", "value must be one of 'podIdentity', 'irsa'"],
  },
  {
    what: "enabling a workload from the defaults",
    overrides: { set: ["defaults.enabled=true"] },
    expect: ["at '/defaults/enabled'"],
  },
];

const guardCases: Case[] = [
  {
    what: "a PDB that would block every drain",
    env: "prod",
    overrides: { set: ["defaults.pdb.minAvailable=3"] },
    expect: ["workloads.admin-web.pdb.minAvailable (3) must be below the workload's minimum replicas (3)"],
  },
  {
    what: "the internal ingress class pointing at the public load balancer",
    overrides: { set: ["ingressClasses.internal.className=alb-public"] },
    expect: ["ingressClasses.public.className and ingressClasses.internal.className must differ"],
  },
  {
    what: "an external-dns hostname set on one Ingress instead of through its class's dnsNames",
    env: "dev",
    overrides: {
      set: [
        "workloads.payments-web.ingress.annotations.external-dns\\.alpha\\.kubernetes\\.io/hostname=www.dev.payments.example.com",
      ],
    },
    expect: [
      "workloads.payments-web: set the external-dns.alpha.kubernetes.io/hostname annotation through ingressClasses.public.dnsNames only",
    ],
  },
  {
    what: "two workloads on the same host and path of one load balancer",
    env: "dev",
    overrides: { set: ["workloads.payments-api.ingress.host=www.dev.payments.example.com"] },
    expect: ["workloads.payments-api and workloads.payments-web both route www.dev.payments.example.com/"],
  },
  {
    what: "two workloads sharing one service account (and so one IAM role)",
    env: "prod",
    overrides: { set: ["workloads.admin-web.serviceAccount.name=payments-api"] },
    expect: ["workloads.admin-web and workloads.payments-api share the service account payments-api"],
  },
  {
    what: "an HPA whose floor is above its ceiling",
    env: "prod",
    overrides: { set: ["defaults.hpa.maxReplicas=2"] },
    expect: ["hpa: minReplicas (3) is above maxReplicas (2)"],
  },
  {
    what: "an Ingress its load balancer could not reach through the network policies",
    env: "dev",
    overrides: { setJson: ["networkPolicy.ingressSources.internal.cidrs=[]"] },
    expect: ["workloads.admin-web has an Ingress but networkPolicy.ingressSources.internal lists no cidrs"],
  },
  {
    what: "a public Ingress without the stack's origin restriction",
    env: "prod",
    overrides: { platform: false },
    expect: [
      "workloads.payments-api is on the public ALB, but ingressClasses.public.originRestriction has no wafAclArn or prefixListIds",
    ],
  },
  {
    what: "a workload opening the public ALB with its own annotation",
    env: "dev",
    overrides: {
      set: [
        "workloads.payments-web.ingress.annotations.alb\\.ingress\\.kubernetes\\.io/inbound-cidrs=0.0.0.0/0",
      ],
    },
    expect: [
      "workloads.payments-web: alb.ingress.kubernetes.io/inbound-cidrs is set by the platform on the public ALB",
    ],
  },
];

describe("values.schema.json, through helm", () => {
  it.each(schemaCases)("rejects $what", (c) => {
    const failure = renderExpectingFailure(c.env, c.overrides);
    expect(failure.status).not.toBe(0);
    expect(failure.stderr).toContain(SCHEMA_ERROR);
    for (const fragment of c.expect) expect(failure.stderr).toContain(fragment);
  });

  it("accepts the environments whose values files ship with the chart, and PR environments", () => {
    const schema = JSON.parse(readFileSync(path.join(CHART_DIR, "values.schema.json"), "utf8")) as {
      properties: { environment: { pattern: string } };
    };
    const pattern = new RegExp(schema.properties.environment.pattern);
    for (const env of ["dev", "preprod", "prod"]) {
      const values = parse(readFileSync(path.join(CHART_DIR, `values-${env}.yaml`), "utf8")) as {
        environment: string;
      };
      expect(values.environment).toBe(env);
      expect(pattern.test(env)).toBe(true);
    }
    for (const pr of ["pr-1", "pr-123", "pr-999999"]) expect(pattern.test(pr), pr).toBe(true);
    for (const bad of ["staging", "pr-0", "pr-01", "pr-", "PR-1", "pr-1234567"])
      expect(pattern.test(bad), bad).toBe(false);
  });
});

/** Maps whose keys are free-form (labels, annotations, variables): documented as a whole. */
const FREE_FORM = new Set([
  "annotations",
  "podLabels",
  "env",
  "nodeSelector",
  "podAnnotations",
  "commonLabels",
]);

/** Documented paths of values.yaml: leaves and free-form maps, with workload names as `<name>`. */
function valuePaths(node: unknown, at: string[], out: Set<string>): Set<string> {
  const last = at[at.length - 1] ?? "";
  if (node !== null && typeof node === "object" && !Array.isArray(node) && !FREE_FORM.has(last)) {
    for (const [key, child] of Object.entries(node)) valuePaths(child, [...at, key], out);
    return out;
  }
  const parts = at[0] === "workloads" ? ["workloads", "<name>", ...at.slice(2)] : at;
  out.add(parts.join("."));
  return out;
}

describe("the chart README", () => {
  it("documents exactly the keys of values.yaml", () => {
    const values: unknown = parse(readFileSync(path.join(CHART_DIR, "values.yaml"), "utf8"));
    const inValues = valuePaths(values, [], new Set());
    const readme = readFileSync(path.join(CHART_DIR, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n## Values\n"), readme.indexOf("\n## Tests\n"));
    expect(section.length).toBeGreaterThan(100);
    const inReadme = new Set(
      [...section.matchAll(/^\| `([A-Za-z<][\w.<>-]*)` \|/gm)]
        .map((m) => m[1] ?? "")
        .filter((key) => !key.endsWith(".<setting>")),
    );
    expect(
      [...inValues].filter((k) => !inReadme.has(k)),
      "in values.yaml, missing from README",
    ).toEqual([]);
    expect(
      [...inReadme].filter((k) => !inValues.has(k)),
      "in README, not in values.yaml",
    ).toEqual([]);
  });
});

describe("the chart's render-time guards, through helm", () => {
  it.each(guardCases)("rejects $what", (c) => {
    const failure = renderExpectingFailure(c.env, c.overrides);
    expect(failure.status).not.toBe(0);
    expect(failure.stderr).not.toContain(SCHEMA_ERROR);
    for (const fragment of c.expect) expect(failure.stderr).toContain(fragment);
  });
});
