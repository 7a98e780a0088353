import { beforeAll, describe, expect, it } from "vitest";
import { PR_BASE_ENVIRONMENT } from "../../src/core/environments";
import { VARIANT_CHART_VERSION } from "../support/evaluations";
import { named, ofType, type PlanResult, planStack, planVariant, stackValue } from "../support/harness";
import { validateObject } from "../support/k8s-schema";
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

beforeAll(async () => {
  plans.management = await planStack("management");
  for (const env of ENVS) plans[env] = await planStack(env);
});

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
    expect(by(String(hub.argocdRegistrarRoleArn))).toBe(false);
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

  it("creates the payments namespace itself, kept when the resource goes", () => {
    const ns = named(plans[env], "kubernetes:core/v1:Namespace", "payments-namespace");
    expect(validateObject(object(plans[env], "kubernetes:core/v1:Namespace", "payments-namespace"))).toEqual(
      [],
    );
    expect((ns.inputs.metadata as { name: string }).name).toBe("payments");
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
      annotations: { "platform.payments/chart-version": gitops(env).chartVersion },
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
    // The registration is allowed by the registrar's Role in the hub.
    const registrar = object(
      plans.management,
      "kubernetes:rbac.authorization.k8s.io/v1:Role",
      "argocd-registrar",
    ) as unknown as {
      rules: { resourceNames?: string[] }[];
    };
    expect(registrar.rules.flatMap((r) => r.resourceNames ?? [])).toContain(secret.metadata.name);
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
      hub.argocdRegistrarRoleArn,
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
      expect(app.spec.syncPolicy.syncOptions).toEqual([
        "CreateNamespace=true",
        "RespectIgnoreDifferences=true",
      ]);
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
    expect(after.metadata.annotations).toEqual({ "platform.payments/chart-version": VARIANT_CHART_VERSION });
    expect({ ...after, metadata: { ...after.metadata, annotations: {} } }).toEqual({
      ...before,
      metadata: { ...before.metadata, annotations: {} },
    });
  });
});
