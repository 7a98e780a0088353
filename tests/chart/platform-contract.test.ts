import { describe, expect, it } from "vitest";
import { named, ofType, planStack, stackValue } from "../support/harness";
import { ENVIRONMENTS, type K8sObject, NAMESPACE, renderChart } from "./helm";

/**
 * The chart and the platform must agree on the names that join them: the secrets the chart's
 * ExternalSecrets read must be created by the environment stack, and every service account that
 * carries an IAM role must be the one that role's Pod Identity association binds.
 */
describe.each(ENVIRONMENTS)("charts/payments against the %s stack", (env) => {
  const objects = renderChart(env, { set: ["workloads.payments-worker.enabled=true"] });
  const kind = (k: string) =>
    objects.filter((o) => o.kind === k) as (K8sObject & { spec?: Record<string, unknown> })[];

  it("reads only secrets the stack creates, under the environment's path", async () => {
    const plan = await planStack(env);
    const created = new Set(ofType(plan, "aws:secretsmanager/secret:Secret").map((s) => s.inputs.name));
    const keys = kind("ExternalSecret").flatMap((es) => {
      const spec = es.spec as {
        dataFrom?: { extract?: { key?: string } }[];
        data?: { remoteRef?: { key?: string } }[];
      };
      return [
        ...(spec.dataFrom ?? []).map((d) => d.extract?.key),
        ...(spec.data ?? []).map((d) => d.remoteRef?.key),
      ];
    });
    const workloadKeys = keys.filter((k) => k?.startsWith(`${env}/payments/`));
    expect(workloadKeys.length).toBeGreaterThanOrEqual(4);
    // Every key, the Datadog keys input of the prod canary analysis included, is one the stack creates.
    for (const key of keys) expect(created, `${key}`).toContain(key);
    if (env === "prod") expect(keys).toContain("prod/observability/datadog");
  });

  it("binds every service account that carries a role through the stack's Pod Identity association for it", async () => {
    const plan = await planStack(env);
    const associations = ofType(plan, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map((a) => ({
      namespace: a.inputs.namespace,
      serviceAccount: a.inputs.serviceAccount,
      roleArn: a.inputs.roleArn,
    }));
    const roles = new Map(ofType(plan, "aws:iam/role:Role").map((r) => [String(r.inputs.name), r]));
    const withRoles = kind("ServiceAccount").filter(
      (sa) => sa.metadata?.annotations?.["payments.platform/iam-role-arn"],
    );
    expect(withRoles.length).toBeGreaterThanOrEqual(3);
    for (const sa of withRoles) {
      const roleArn = String(sa.metadata?.annotations?.["payments.platform/iam-role-arn"]);
      const roleName = roleArn.split("/").pop() ?? "";
      expect(roles.has(roleName), `role ${roleName} exists in the ${env} stack`).toBe(true);
      expect(associations).toContainEqual({
        namespace: NAMESPACE,
        serviceAccount: sa.metadata?.name,
        roleArn: expect.stringMatching(new RegExp(`role/${roleName}$`)),
      });
    }
  });
});

/**
 * The edge and the chart must agree on host names: CloudFront forwards the viewer's Host to the
 * public ALB, whose Ingress rules route by host and whose listener presents the environment's
 * regional certificate for that name.
 */
describe.each(ENVIRONMENTS)("charts/payments hosts against the %s edge", (env) => {
  const objects = renderChart(env);
  const hostsOn = (className: string) =>
    objects
      .filter((o) => o.kind === "Ingress")
      .filter((o) => (o.spec as { ingressClassName?: string }).ingressClassName === className)
      .flatMap((o) => ((o.spec as { rules?: { host?: string }[] }).rules ?? []).map((r) => r.host));

  it("routes exactly the CloudFront names on the public ALB and the internal names on the internal one", async () => {
    const edge = stackValue<{ hostnames: string[]; internalHostnames: string[] }>(env, "platform:edge");
    expect(new Set(hostsOn("alb-public"))).toEqual(new Set(edge.hostnames));
    for (const host of hostsOn("alb-internal")) expect(edge.internalHostnames).toContain(host);
    expect(hostsOn("alb-internal").length).toBeGreaterThan(0);

    const plan = await planStack(env);
    const cert = named(plan, "aws:acm/certificate:Certificate", "alb-certificate");
    const names = [cert.inputs.domainName, ...(cert.inputs.subjectAlternativeNames as string[])];
    for (const host of [...hostsOn("alb-public"), ...hostsOn("alb-internal")]) expect(names).toContain(host);
  });

  it("has external-dns publish the origin name for the public ALB and the internal names for the internal one, never an alias", () => {
    const edge = stackValue<{ hostnames: string[]; internalHostnames: string[]; originHostname: string }>(
      env,
      "platform:edge",
    );
    const dnsNamesOn = (className: string) => {
      const ingresses = objects
        .filter((o) => o.kind === "Ingress")
        .filter((o) => (o.spec as { ingressClassName?: string }).ingressClassName === className);
      expect(ingresses.length, className).toBeGreaterThan(0);
      return ingresses.map((o) =>
        (o.metadata.annotations?.["external-dns.alpha.kubernetes.io/hostname"] ?? "").split(","),
      );
    };
    const published = [...dnsNamesOn("alb-public"), ...dnsNamesOn("alb-internal")].flat();
    for (const names of dnsNamesOn("alb-public")) expect(names).toEqual([edge.originHostname]);
    for (const names of dnsNamesOn("alb-internal")) expect(names).toEqual(edge.internalHostnames);
    for (const name of published) expect(edge.hostnames, `${name} is a CloudFront alias`).not.toContain(name);
  });

  it("listens on HTTPS only on both ALBs", () => {
    for (const ingress of objects.filter((o) => o.kind === "Ingress")) {
      expect(ingress.metadata?.annotations?.["alb.ingress.kubernetes.io/listen-ports"]).toBe(
        '[{"HTTPS": 443}]',
      );
    }
  });
});
