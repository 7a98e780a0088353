import { beforeAll, describe, expect, it } from "vitest";
import { asList, type PolicyDocument } from "../../src/core/policy-document";
import { type PlannedResource, type PlanResult, planStack, planVariant } from "../support/harness";
import { allows } from "../support/policy-evaluator";

/**
 * CI's previews run as the stack's read-only `platform-preview` (`PLATFORM_CI_ROLE=preview`), whose
 * ReadOnlyAccess grants no `sts:AssumeRole`. Every role the program then assumes, in its own
 * account and in others, must be a read-only one its previous hop may assume: both sides, the
 * trust of the role (as the management stack creates it) and the permission of the caller. A hop
 * AWS would refuse fails the preview of the whole stack, which mocks alone would never show.
 */

const READ_ONLY_ROLE = /^(platform-preview|platform-network-hub-reader|platform-argocd-reader-[a-z0-9]+)$/;

const roleName = (arn: string) => arn.split(":role/")[1] ?? "";
const accountOf = (arn: string) => arn.split(":")[4] ?? "";
const doc = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value) as PolicyDocument;

/** Every role chain the stack's providers act through: AWS providers, EKS tokens of Kubernetes providers. */
function chains(plan: PlanResult): { readonly via: string; readonly roles: string[] }[] {
  const out: { via: string; roles: string[] }[] = [];
  for (const r of plan.resources) {
    if (r.type === "pulumi:providers:aws") {
      const roles = (r.inputs.assumeRoles as { roleArn: string }[] | undefined)?.map((a) => a.roleArn);
      if (roles?.length) out.push({ via: `aws provider ${r.name}`, roles });
    }
    if (r.type === "pulumi:providers:kubernetes" && typeof r.inputs.kubeconfig === "object") {
      const kubeconfig = r.inputs.kubeconfig as {
        users?: { user: { exec?: { command: string; args: string[] } } }[];
      };
      for (const u of kubeconfig.users ?? []) {
        const exec = u.user.exec;
        if (!exec) continue;
        // The chained script's arguments: via-role, target role (see `roleKubeconfig`).
        const roles =
          exec.command === "sh"
            ? [exec.args[3]!, exec.args[4]!]
            : [exec.args[exec.args.indexOf("--role-arn") + 1]!];
        out.push({ via: `kubernetes provider ${r.name}`, roles });
      }
    }
    if (r.type === "eks:index:Cluster") {
      const arn = (r.inputs.providerCredentialOpts as { roleArn?: string } | undefined)?.roleArn;
      if (arn) out.push({ via: `EKS cluster ${r.name}'s own provider`, roles: [arn] });
    }
  }
  return out;
}

/** The IAM roles the management stack creates, in every account, with their trust and inline policies. */
function createdRoles(management: PlanResult) {
  const accountOfProvider = new Map<string, string>();
  for (const p of management.resources.filter((r) => r.type === "pulumi:providers:aws")) {
    const allowed = p.inputs.allowedAccountIds as string[] | undefined;
    if (allowed?.[0]) accountOfProvider.set(p.name, allowed[0]);
  }
  const account = (r: PlannedResource) => accountOfProvider.get(r.provider) ?? "318274619203";
  const roles = management.resources
    .filter((r) => r.type === "aws:iam/role:Role")
    .map((r) => ({
      arn: `arn:aws:iam::${account(r)}:role/${r.inputs.name}`,
      trust: doc(r.inputs.assumeRolePolicy),
    }));
  const inline = management.resources
    .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")
    .map((r) => ({ arn: `arn:aws:iam::${account(r)}:role/${r.inputs.role}`, policy: doc(r.inputs.policy) }));
  return { roles, inline };
}

describe.each(["management", "dev"] as const)("a CI preview of %s", (stack) => {
  let preview: PlanResult;
  let deployed: PlanResult;
  let created: ReturnType<typeof createdRoles>;
  beforeAll(async () => {
    preview = await planVariant(`${stack}:preview`);
    deployed = await planStack(stack);
    created = createdRoles(await planStack("management"));
  });

  it("acts only through read-only roles, starting with its own account's platform-preview", () => {
    const found = chains(preview);
    expect(found.length).toBeGreaterThan(1);
    const own = String(deployed.outputs.accountId ?? preview.outputs.accountId);
    for (const { via, roles } of found) {
      expect(roles[0], via).toBe(`arn:aws:iam::${own}:role/platform-preview`);
      for (const arn of roles) expect(roleName(arn), `${via}: ${arn}`).toMatch(READ_ONLY_ROLE);
    }
  });

  it("assumes in other accounts only what admits its previous hop, and what that hop may assume", () => {
    const hops = chains(preview).flatMap(({ via, roles }) =>
      roles.slice(1).map((to, i) => ({ via, from: roles[i]!, to })),
    );
    const crossAccount = hops.filter((h) => accountOf(h.from) !== accountOf(h.to));
    expect(crossAccount.length, "the preview reaches no other account").toBeGreaterThan(0);
    for (const { via, from, to } of hops) {
      const role = created.roles.find((r) => r.arn === to);
      expect(role, `${via}: no role ${to} is created`).toBeDefined();
      expect(
        allows(role!.trust, { action: "sts:AssumeRole", principal: { arn: from } }),
        `${via}: ${to} does not trust ${from}`,
      ).toBe(true);
      // The caller's side: a preview role's ReadOnlyAccess has no sts:AssumeRole; its inline policy must.
      const callerMay = created.inline
        .filter((p) => p.arn === from)
        .some((p) => allows(p.policy, { action: "sts:AssumeRole", resource: to }));
      expect(callerMay, `${via}: ${from} may not assume ${to}`).toBe(true);
    }
  });

  it("runs the same resources as a deploy (only the roles it acts through differ)", () => {
    const ids = (p: PlanResult) => p.resources.map((r) => `${r.type}::${r.name}`).sort();
    expect(ids(preview)).toEqual(ids(deployed));
  });
});

describe("the read-only counterparts", () => {
  let management: PlanResult;
  beforeAll(async () => {
    management = await planStack("management");
  });

  it("are trusted by preview roles only, never by a deploy role", () => {
    const { roles } = createdRoles(management);
    const readers = roles.filter((r) => /-reader(-|$)/.test(roleName(r.arn)));
    expect(readers.map((r) => roleName(r.arn)).sort()).toEqual([
      "platform-argocd-reader-dev",
      "platform-argocd-reader-preprod",
      "platform-argocd-reader-prod",
      "platform-network-hub-reader",
    ]);
    for (const r of readers) {
      const principals = r.trust.Statement.flatMap((s) =>
        typeof s.Principal === "object" ? asList(s.Principal.AWS) : [],
      ).filter((p) => !p.endsWith(":root"));
      expect(principals.length, roleName(r.arn)).toBeGreaterThan(0);
      for (const p of principals)
        expect(roleName(p), `${roleName(r.arn)} trusts ${p}`).toBe("platform-preview");
    }
  });

  it("read and never write: the hub reader describes the Transit Gateway, the ArgoCD readers get their own secret", () => {
    const hubReader = management.resources.find(
      (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "network-hub-reader-policy",
    );
    const actions = doc(hubReader?.inputs.policy).Statement.flatMap((s) => asList(s.Action));
    for (const a of actions) expect(a).toMatch(/^ec2:(Describe|Get)/);
    const rbac = management.resources.find(
      (r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:Role" && r.name === "argocd-reader-prod",
    );
    expect(rbac?.inputs.rules).toEqual([
      {
        apiGroups: [""],
        resources: ["secrets"],
        resourceNames: ["cluster-platform-prod-eks"],
        verbs: ["get"],
      },
    ]);
  });
});
