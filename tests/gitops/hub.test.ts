import { beforeAll, describe, expect, it } from "vitest";
import { named, ofType, type PlanResult, planStack, stackValue } from "../support/harness";
import { validateObject } from "../support/k8s-schema";
import { allows } from "../support/policy-evaluator";
import { doc, object, roleNamed } from "./gitops-plan";

/** The management stack as ArgoCD's hub. */

const ENVS = ["dev", "preprod", "prod"] as const;
const MGMT = "318274619203";
const account = (env: string) => stackValue<string>(env, "platform:accountId");

let plan: PlanResult;
beforeAll(async () => {
  plan = await planStack("management");
});

describe("ArgoCD's role", () => {
  it("is bound by Pod Identity to the application controller and the server in argocd, from this cluster only", () => {
    const role = roleNamed(plan, "platform-management-argocd");
    const trust = doc(role.inputs.assumeRolePolicy);
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: "pods.eks.amazonaws.com" },
      Condition: {
        ArnEquals: { "aws:SourceArn": `arn:aws:eks:eu-west-2:${MGMT}:cluster/platform-management-eks` },
      },
    });
    const bindings = ofType(plan, "aws:eks/podIdentityAssociation:PodIdentityAssociation")
      .filter((a) => a.inputs.roleArn === plan.outputs.argocdRoleArn)
      .map((a) => [a.inputs.clusterName, a.inputs.namespace, a.inputs.serviceAccount]);
    expect(bindings).toEqual([
      ["platform-management-eks", "argocd", "argocd-application-controller"],
      ["platform-management-eks", "argocd", "argocd-server"],
    ]);
    // The chart names exactly those service accounts.
    const values = named(plan, "kubernetes:helm.sh/v3:Release", "argo-cd").inputs.values as {
      controller: { serviceAccount: { name: string } };
      server: { serviceAccount: { name: string } };
    };
    expect(values.controller.serviceAccount.name).toBe("argocd-application-controller");
    expect(values.server.serviceAccount.name).toBe("argocd-server");
  });

  it("can only assume the environments' deployer roles", () => {
    const role = roleNamed(plan, "platform-management-argocd");
    const policies = ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name === "argocd-policy");
    expect(policies).toHaveLength(1);
    const attached = ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) =>
      String(a.inputs.role).startsWith("argocd-role"),
    );
    expect(attached).toEqual([]);
    expect(String(policies[0]!.inputs.role)).toMatch(/^argocd-role/);
    expect(role.inputs.name).toBe("platform-management-argocd");
    const permissions = doc(policies[0]!.inputs.policy);
    const can = (action: string, resource: string) => allows(permissions, { action, resource });
    for (const env of ENVS) {
      expect(can("sts:AssumeRole", `arn:aws:iam::${account(env)}:role/platform-argocd-deployer`), env).toBe(
        true,
      );
      expect(can("sts:AssumeRole", `arn:aws:iam::${account(env)}:role/platform-deploy`), env).toBe(false);
    }
    expect(can("sts:AssumeRole", `arn:aws:iam::${MGMT}:role/platform-argocd-registrar-dev`)).toBe(false);
    expect(can("sts:AssumeRole", "arn:aws:iam::123456789012:role/platform-argocd-deployer")).toBe(false);
    const actions = permissions.Statement.flatMap((s) => [s.Action ?? []].flat());
    expect(new Set(actions)).toEqual(new Set(["sts:AssumeRole", "sts:TagSession"]));
  });
});

describe("the registrars", () => {
  const registrars = () => plan.outputs.argocdRegistrarRoleArns as Record<string, string>;

  it("are one per environment, each assumable only by its own environment's deploy role and the platform admins", () => {
    expect(registrars()).toEqual(
      Object.fromEntries(ENVS.map((e) => [e, `arn:aws:iam::${MGMT}:role/platform-argocd-registrar-${e}`])),
    );
    const deployRoles = plan.outputs.deployRoleArns as Record<string, string>;
    for (const env of ENVS) {
      const trust = doc(roleNamed(plan, `platform-argocd-registrar-${env}`).inputs.assumeRolePolicy);
      const by = (arn: string) =>
        allows(trust, { action: "sts:AssumeRole", principal: { arn }, context: { "aws:PrincipalArn": arn } });
      expect(by(deployRoles[env]!), env).toBe(true);
      // Another environment's deploy role cannot act as this environment's registrar.
      for (const other of ENVS.filter((e) => e !== env))
        expect(by(deployRoles[other]!), `${other} → ${env}`).toBe(false);
      expect(by(deployRoles.management!)).toBe(false);
      expect(by(`arn:aws:iam::${MGMT}:role/platform-ci-deploy-${env}`)).toBe(false);
      expect(by(String(plan.outputs.argocdRoleArn))).toBe(false);
      expect(
        by(
          `arn:aws:iam::${MGMT}:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_PlatformAdmin_6920ee84f6296b15`,
        ),
      ).toBe(true);
      expect(
        by(
          `arn:aws:iam::${MGMT}:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_Developer_0123456789abcdef`,
        ),
      ).toBe(false);
    }
  });

  it("have no IAM permissions and no cluster-wide access: each access entry only names its environment's group", () => {
    for (const env of ENVS) {
      const arn = registrars()[env];
      expect(
        ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter((p) =>
          String(p.inputs.role).startsWith("argocd-registrar"),
        ),
      ).toEqual([]);
      const entry = named(plan, "aws:eks/accessEntry:AccessEntry", `argocd-registrar-${env}-access`);
      expect(entry.inputs).toMatchObject({
        clusterName: "platform-management-eks",
        principalArn: arn,
        type: "STANDARD",
        kubernetesGroups: [`platform:argocd-registrar-${env}`],
      });
      const policies = ofType(plan, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter(
        (a) => a.inputs.principalArn === arn,
      );
      expect(policies).toEqual([]);
    }
  });

  it("each can reach only secrets in the argocd namespace, changing only its own environment's cluster secret", () => {
    const bindings = ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").filter((b) =>
      JSON.stringify(b.inputs.subjects).includes("platform:argocd-registrar"),
    );
    expect(bindings.map((b) => b.name)).toEqual(ENVS.map((e) => `argocd-registrar-${e}`));
    expect(plan.resources.filter((r) => /ClusterRole/.test(r.type))).toEqual([]);
    for (const env of ENVS) {
      const role = object(plan, "kubernetes:rbac.authorization.k8s.io/v1:Role", `argocd-registrar-${env}`);
      const binding = object(
        plan,
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        `argocd-registrar-${env}`,
      );
      expect(validateObject(role)).toEqual([]);
      expect(validateObject(binding)).toEqual([]);
      expect(role.metadata.namespace).toBe("argocd");
      expect(role.rules).toEqual([
        { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
        {
          apiGroups: [""],
          resources: ["secrets"],
          resourceNames: [`cluster-platform-${env}-eks`],
          verbs: ["get", "update", "patch", "delete"],
        },
      ]);
      expect((binding as unknown as { subjects: { name: string }[] }).subjects.map((s) => s.name)).toEqual([
        `platform:argocd-registrar-${env}`,
      ]);
      // `create` cannot be narrowed by RBAC: the admission policy does it, for this group only.
      const policy = object(
        plan,
        "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
        `argocd-registrar-${env}`,
      );
      const vapBinding = object(
        plan,
        "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
        `argocd-registrar-${env}`,
      );
      expect(validateObject(policy)).toEqual([]);
      expect(validateObject(vapBinding)).toEqual([]);
      expect(JSON.stringify(policy)).toContain(
        `'platform:argocd-registrar-${env}' in request.userInfo.groups`,
      );
      expect(JSON.stringify(policy)).toContain(`request.name == 'cluster-platform-${env}-eks'`);
    }
  });
});

describe("the payments project and ApplicationSet", () => {
  it("are schema-valid, in argocd, created through the management cluster's provider", () => {
    for (const [type, name] of [
      ["kubernetes:argoproj.io/v1alpha1:AppProject", "payments-project"],
      ["kubernetes:argoproj.io/v1alpha1:ApplicationSet", "payments-applicationset"],
    ] as const) {
      const o = object(plan, type, name);
      expect(validateObject(o), name).toEqual([]);
      expect(o.metadata).toMatchObject({ name: "payments", namespace: "argocd" });
      expect(named(plan, type, name).provider).toBe("k8s");
    }
  });

  it("the project admits the management ECR's charts and the environments' payments namespaces only", () => {
    const project = object(
      plan,
      "kubernetes:argoproj.io/v1alpha1:AppProject",
      "payments-project",
    ) as unknown as {
      spec: { sourceRepos: string[]; destinations: unknown[]; clusterResourceWhitelist: unknown[] };
    };
    expect(plan.outputs.chartRegistry).toBe(`${MGMT}.dkr.ecr.eu-west-2.amazonaws.com/charts`);
    expect(project.spec.sourceRepos).toEqual([plan.outputs.chartRegistry]);
    expect(project.spec.destinations).toEqual(
      ENVS.map((e) => ({ name: `platform-${e}-eks`, namespace: "payments" })),
    );
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
    // The chart repository is one the registries create.
    expect(Object.keys(plan.outputs.repositoryUrls as object)).toContain("charts/payments");
  });

  it("the ApplicationSet generates from cluster secrets labelled with a served environment", () => {
    const appset = object(
      plan,
      "kubernetes:argoproj.io/v1alpha1:ApplicationSet",
      "payments-applicationset",
    ) as unknown as {
      spec: {
        goTemplate: boolean;
        generators: { clusters: { selector: { matchExpressions: { key: string; values: string[] }[] } } }[];
        template: { spec: { source: Record<string, unknown> } };
      };
    };
    expect(appset.spec.goTemplate).toBe(true);
    const environments = appset.spec.generators.flatMap((g) => {
      expect(Object.keys(g)).toEqual(["clusters"]);
      return g.clusters.selector.matchExpressions
        .filter((e) => e.key === "platform.payments/environment")
        .flatMap((e) => e.values);
    });
    expect(new Set(environments)).toEqual(new Set(ENVS));
    expect(appset.spec.template.spec.source).toMatchObject({
      repoURL: plan.outputs.chartRegistry,
      chart: "payments",
    });
  });
});

describe("what the environments read", () => {
  it("exports the hub cluster's name, endpoint and CA, and the two roles", () => {
    expect(plan.outputs).toMatchObject({
      argocdNamespace: "argocd",
      argocdClusterName: "platform-management-eks",
      argocdClusterEndpoint: expect.stringMatching(
        /^https:\/\/[0-9A-F]{32}\.gr7\.eu-west-2\.eks\.amazonaws\.com$/,
      ),
      argocdRoleArn: `arn:aws:iam::${MGMT}:role/platform-management-argocd`,
      argocdRegistrarRoleArns: Object.fromEntries(
        ENVS.map((e) => [e, `arn:aws:iam::${MGMT}:role/platform-argocd-registrar-${e}`]),
      ),
    });
    const ca = Buffer.from(String(plan.outputs.argocdClusterCertificateAuthority), "base64").toString();
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});
