import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../src/core/policy-document";
import { doc, object, reveal } from "../gitops/gitops-plan";
import { PR_STACK } from "../support/evaluations";
import { named, ofType, planStack, stackValue } from "../support/harness";
import { validateObject } from "../support/k8s-schema";
import { allows } from "../support/policy-evaluator";

/** The PR environment pr-123 as the offline plan evaluates it, on the dev stack's outputs. */

const DEV_ACCOUNT = stackValue<string>("dev", "platform:accountId");
const NS = "payments-pr-123";

describe("a PR environment stack", () => {
  it("creates only its own resources: no network, cluster, database or search of its own", async () => {
    const plan = await planStack(PR_STACK);
    const types = new Set(plan.resources.map((r) => r.type));
    for (const t of [
      "aws:ec2/vpc:Vpc",
      "aws:ec2/natGateway:NatGateway",
      "eks:index:Cluster",
      "aws:rds/instance:Instance",
      "aws:opensearch/domain:Domain",
      "aws:cloudfront/distribution:Distribution",
      "aws:lambda/function:Function",
    ]) {
      expect(types.has(t), t).toBe(false);
    }
    // Every physical name it gives is its own (platform-pr-123-…, alias/…, pr-123/… secrets, pr-123-… roles).
    const names = plan.resources
      .filter((r) => r.custom && r.type.startsWith("aws:") && typeof r.inputs.name === "string")
      .map((r) => String(r.inputs.name));
    expect(names.length).toBeGreaterThan(10);
    for (const n of names)
      expect(n).toMatch(/^(platform-pr-123-|alias\/platform-pr-123-|pr-123\/payments\/|pr-123-)/);
    expect(plan.resources.filter((r) => r.protect)).toEqual([]);
  });

  it("reads the dev stack's VPC and cluster through a StackReference", async () => {
    const plan = await planStack(PR_STACK);
    expect(named(plan, "pulumi:pulumi:StackReference", "dev").inputs.name).toBe("organization/platform/dev");
    const dev = await planStack("dev");
    expect(plan.outputs).toMatchObject({
      vpcId: dev.outputs.vpcId,
      clusterName: dev.outputs.clusterName,
      namespace: NS,
      baseEnvironment: "dev",
    });
  });

  it("deploys into the test account as platform-pr-environments, with the PR's tags", async () => {
    const plan = await planStack(PR_STACK);
    const aws = named(plan, "pulumi:providers:aws", "aws").inputs as {
      allowedAccountIds: string[];
      assumeRoles: { roleArn: string }[];
      defaultTags: { tags: Record<string, string> };
    };
    expect(aws.allowedAccountIds).toEqual([DEV_ACCOUNT]);
    expect(aws.assumeRoles.map((r) => r.roleArn)).toEqual([
      `arn:aws:iam::${DEV_ACCOUNT}:role/platform-pr-environments`,
    ]);
    expect(aws.defaultTags.tags).toMatchObject({ Environment: PR_STACK, PullRequest: "123" });
    const raw = named(plan, "pulumi:providers:kubernetes", "k8s-dev").inputs.kubeconfig;
    const kubeconfig = (typeof raw === "string" ? JSON.parse(raw) : raw) as {
      users: unknown;
      clusters: { cluster: { server: string } }[];
    };
    expect(JSON.stringify(kubeconfig.users)).toContain(
      `arn:aws:iam::${DEV_ACCOUNT}:role/platform-pr-environments`,
    );
    expect(kubeconfig.clusters[0]!.cluster.server).toMatch(/^https:\/\/.*eks\.amazonaws\.com$/);
  });

  it("creates every resource through its explicit providers (it has no stack file to disable the defaults)", async () => {
    const plan = await planStack(PR_STACK);
    for (const r of plan.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:"))) {
      const expected = r.type.startsWith("kubernetes:") ? "k8s-dev" : "aws";
      expect(r.provider, `${r.type} ${r.name}`).toBe(expected);
    }
  });

  it("goes away completely with the stack: the bucket empties, secrets skip recovery, no deletion protection", async () => {
    const plan = await planStack(PR_STACK);
    expect(named(plan, "aws:s3/bucket:Bucket", "payloads-bucket").inputs.forceDestroy).toBe(true);
    for (const s of ofType(plan, "aws:secretsmanager/secret:Secret")) {
      expect(s.inputs.recoveryWindowInDays, String(s.inputs.name)).toBe(0);
    }
    expect(named(plan, "aws:dynamodb/table:Table", "payments-table").inputs.deletionProtectionEnabled).toBe(
      false,
    );
    expect(named(plan, "aws:kms/key:Key", "data-key").inputs.deletionWindowInDays).toBe(7);
  });

  it("wires its own pipeline: payloads under the archive prefix reach its queue, failures its DLQ", async () => {
    const plan = await planStack(PR_STACK);
    const notification = named(plan, "aws:s3/bucketNotification:BucketNotification", "archive-notification");
    const q = (notification.inputs.queues as { queueArn: string; filterPrefix: string }[])[0]!;
    expect(q.queueArn).toContain(":platform-pr-123-payments");
    expect(q.filterPrefix).toBe(
      stackValue<{ archivePrefix: string }>("dev", "platform:payments").archivePrefix,
    );
    const queue = named(plan, "aws:sqs/queue:Queue", "payments-queue");
    expect(JSON.parse(String(queue.inputs.redrivePolicy)).deadLetterTargetArn).toContain(
      ":platform-pr-123-payments-dlq",
    );
  });

  it("binds each workload's role to its service account in the PR namespace on dev's cluster, within the boundary", async () => {
    const plan = await planStack(PR_STACK);
    const dev = await planStack("dev");
    const associations = ofType(plan, "aws:eks/podIdentityAssociation:PodIdentityAssociation");
    expect(associations).toHaveLength(3);
    const workloads = stackValue<Record<string, { serviceAccount: string }>>("dev", "platform:payments")
      .workloads!;
    expect(associations.map((a) => a.inputs.serviceAccount).sort()).toEqual(
      Object.values(workloads as unknown as Record<string, { serviceAccount: string }>)
        .map((w) => w.serviceAccount)
        .sort(),
    );
    for (const a of associations) {
      expect(a.inputs.namespace).toBe(NS);
      expect(a.inputs.clusterName).toBe(dev.outputs.clusterName);
    }
    for (const role of ofType(plan, "aws:iam/role:Role")) {
      expect(role.inputs.permissionsBoundary, String(role.inputs.name)).toBe(
        `arn:aws:iam::${DEV_ACCOUNT}:policy/platform-pr-boundary`,
      );
    }
  });

  it("lets its workloads reach only the PR's own data, never dev's", async () => {
    const plan = await planStack(PR_STACK);
    const policyOf = (role: string): PolicyDocument =>
      doc(
        ofType(plan, "aws:iam/rolePolicy:RolePolicy").find((p) => String(p.inputs.role).startsWith(role))!
          .inputs.policy,
      );
    const api = policyOf("payments-api-role");
    const worker = policyOf("payments-worker-role");
    const table = (name: string) => `arn:aws:dynamodb:eu-west-2:${DEV_ACCOUNT}:table/${name}`;
    expect(allows(api, { action: "dynamodb:PutItem", resource: table("platform-pr-123-payments") })).toBe(
      true,
    );
    expect(allows(api, { action: "dynamodb:PutItem", resource: table("platform-dev-payments") })).toBe(false);
    expect(allows(api, { action: "dynamodb:PutItem", resource: table("platform-pr-124-payments") })).toBe(
      false,
    );
    const queue = (name: string) => `arn:aws:sqs:eu-west-2:${DEV_ACCOUNT}:${name}`;
    expect(
      allows(worker, { action: "sqs:ReceiveMessage", resource: queue("platform-pr-123-payments") }),
    ).toBe(true);
    expect(allows(worker, { action: "sqs:ReceiveMessage", resource: queue("platform-dev-payments") })).toBe(
      false,
    );
    const bucket = String(named(plan, "aws:s3/bucket:Bucket", "payloads-bucket").inputs.bucket);
    const prefix = stackValue<{ archivePrefix: string }>("dev", "platform:payments").archivePrefix;
    expect(
      allows(api, { action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${prefix}p-1.json` }),
    ).toBe(true);
    expect(allows(api, { action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/other/p-1.json` })).toBe(
      false,
    );
    const devArchive = String((await planStack("dev")).outputs.archiveBucketName);
    expect(
      allows(worker, { action: "s3:GetObject", resource: `arn:aws:s3:::${devArchive}/${prefix}p-1.json` }),
    ).toBe(false);
    const secrets = policyOf("secrets-reader-role");
    const secret = (name: string) => `arn:aws:secretsmanager:eu-west-2:${DEV_ACCOUNT}:secret:${name}-AbCdEf`;
    expect(
      allows(secrets, {
        action: "secretsmanager:GetSecretValue",
        resource: secret("pr-123/payments/payments-api"),
      }),
    ).toBe(true);
    expect(
      allows(secrets, {
        action: "secretsmanager:GetSecretValue",
        resource: secret("dev/payments/payments-api"),
      }),
    ).toBe(false);
    expect(
      allows(secrets, {
        action: "secretsmanager:GetSecretValue",
        resource: secret("pr-1234/payments/payments-api"),
      }),
    ).toBe(false);
  });

  it("lets only dev's External Secrets operator assume the PR's secrets reader", async () => {
    const plan = await planStack(PR_STACK);
    const reader = ofType(plan, "aws:iam/role:Role").find((r) => r.inputs.name === "pr-123-secrets-reader")!;
    const trust = doc(reader.inputs.assumeRolePolicy);
    const eso = ofType(await planStack("dev"), "aws:iam/role:Role").find((r) =>
      String(r.inputs.name).endsWith("-external-secrets"),
    )!;
    const as = (arn: string) => allows(trust, { action: "sts:AssumeRole", principal: { arn } });
    expect(as(`arn:aws:iam::${DEV_ACCOUNT}:role/${String(eso.inputs.name)}`)).toBe(true);
    expect(as(`arn:aws:iam::${DEV_ACCOUNT}:role/platform-deploy`)).toBe(false);
  });

  it("creates its namespace, ArgoCD's rights there and its SecretStore, each valid against its schema", async () => {
    const plan = await planStack(PR_STACK);
    const ns = object(plan, "kubernetes:core/v1:Namespace", "namespace");
    const binding = object(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "argocd-deployer");
    const store = object(plan, "kubernetes:external-secrets.io/v1:SecretStore", "secret-store");
    expect(ns.metadata.name).toBe(NS);
    expect(binding.metadata.namespace).toBe(NS);
    expect(reveal<{ name: string }>(binding.roleRef).name).toBe("argocd-deployer-pr-namespace");
    expect(store.metadata.namespace).toBe(NS);
    expect(JSON.stringify(store.spec)).toContain("pr-123-secrets-reader");
    for (const o of [ns, binding, store]) expect(validateObject(o)).toEqual([]);
  });
});
