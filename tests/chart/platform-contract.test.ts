import { describe, expect, it } from "vitest";
import { ofType, planStack } from "../harness";
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
    for (const key of workloadKeys) expect(created, `${key}`).toContain(key);
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
