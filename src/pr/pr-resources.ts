import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podIdentityTrustFor } from "../cluster";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { toJson } from "../core/policy-document";
import { prRoleName } from "../core/pr-names";
import { privateBucket } from "../core/private-bucket";
import {
  CHART_WORKLOADS,
  PAYMENT_ID_ATTRIBUTE,
  PaymentSecrets,
  PaymentsQueue,
  PROVIDER_API_KEY_SECRET,
} from "../data";
import { prNamespaceManifests, secretStoreSpec } from "./pr-manifests";
import {
  type PrResources,
  type PrWorkload,
  prKeyPolicy,
  prSecretsReaderPolicy,
  prSecretsReaderTrust,
  prWorkloadPolicy,
} from "./pr-policies";

/** Days a PR environment keeps raw payloads (and old versions): it is a test bed, not an archive. */
export const PR_OBJECT_EXPIRY_DAYS = 7;

export interface PrDataArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  /** `pr-<n>/payments/`: the secrets path of the PR's workloads. */
  readonly secretPrefix: string;
  readonly archivePrefix: string;
  readonly queue: {
    readonly visibilityTimeoutSeconds: number;
    readonly messageRetentionDays: number;
    readonly maxReceiveCount: number;
    readonly dlqRetentionDays: number;
  };
}

/**
 * The PR environment's own data, the pipeline's stores in miniature: a KMS key, a payload bucket
 * (S3 → SQS notifications under the archive prefix), the payments queue and its dead-letter queue,
 * the payments table, and the workloads' secrets under `pr-<n>/payments/`. Everything is made to
 * disappear with the stack: the bucket empties on destroy, secrets skip their recovery window, the
 * table has no deletion protection and the key is scheduled for deletion after the minimum 7 days.
 */
export class PrData extends pulumi.ComponentResource {
  readonly resources: pulumi.Output<PrResources>;
  readonly keyArn: pulumi.Output<string>;
  readonly tableName: pulumi.Output<string>;
  readonly bucketName: pulumi.Output<string>;
  readonly queueUrl: pulumi.Output<string>;
  readonly dlqUrl: pulumi.Output<string>;

  constructor(name: string, args: PrDataArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:pr:PrData", name, {}, opts);
    const { naming } = args;
    const parent = { parent: this };

    const key = new aws.kms.Key(
      "data-key",
      {
        description: `Data of the PR environment ${naming.stack}`,
        enableKeyRotation: true,
        deletionWindowInDays: 7,
        policy: toJson(prKeyPolicy(args.accountId)),
        tags: nameTag(naming, "data"),
      },
      parent,
    );
    new aws.kms.Alias(
      "data-key-alias",
      { name: `alias/${physicalName(naming, "data")}`, targetKeyId: key.keyId },
      parent,
    );

    const { bucket } = privateBucket(
      "payloads",
      {
        naming,
        name: physicalName(naming, "payloads", args.accountId),
        keyArn: key.arn,
        protect: false,
        forceDestroy: true,
      },
      this,
    );
    new aws.s3.BucketLifecycleConfiguration(
      "payloads-lifecycle",
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-test-payloads",
            status: "Enabled",
            filter: {},
            expiration: { days: PR_OBJECT_EXPIRY_DAYS },
            noncurrentVersionExpiration: { noncurrentDays: 1 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      parent,
    );

    const queue = new PaymentsQueue(
      "payments-queue",
      {
        naming,
        accountId: args.accountId,
        queueName: physicalName(naming, "payments"),
        dlqName: physicalName(naming, "payments-dlq"),
        keyArn: key.arn,
        bucket: { id: bucket.id, arn: bucket.arn },
        prefix: args.archivePrefix,
        ...args.queue,
        // Temporary: everything goes with the stack.
        protect: false,
      },
      parent,
    );

    const table = new aws.dynamodb.Table(
      "payments-table",
      {
        name: physicalName(naming, "payments"),
        billingMode: "PAY_PER_REQUEST",
        hashKey: PAYMENT_ID_ATTRIBUTE,
        attributes: [{ name: PAYMENT_ID_ATTRIBUTE, type: "S" }],
        serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
        deletionProtectionEnabled: false,
        tags: nameTag(naming, "payments"),
      },
      parent,
    );

    new PaymentSecrets(
      "secrets",
      {
        naming,
        providerApiKeyName: `${args.secretPrefix}${PROVIDER_API_KEY_SECRET}`,
        keyArn: key.arn,
        // Deleted at once with the environment, so the next PR with this number can reuse the names.
        recoveryWindowDays: 0,
        providerApiKey: undefined,
        workloadSecrets: CHART_WORKLOADS.map((w) => ({ ...w, name: `${args.secretPrefix}${w.workload}` })),
        protect: false,
      },
      parent,
    );

    const secretsArnPrefix = `arn:aws:secretsmanager:${args.region}:${args.accountId}:secret:${args.secretPrefix}`;
    this.resources = pulumi
      .all([table.arn, queue.queueArn, bucket.arn, key.arn])
      .apply(([tableArn, queueArn, bucketArn, keyArn]) => ({
        tableArn,
        queueArn,
        bucketArn,
        archivePrefix: args.archivePrefix,
        keyArn,
        secretsArnPrefix,
      }));
    this.keyArn = key.arn;
    this.tableName = table.name;
    this.bucketName = bucket.bucket;
    this.queueUrl = queue.queueUrl;
    this.dlqUrl = queue.dlqUrl;
    this.registerOutputs({ tableName: this.tableName, bucketName: this.bucketName, queueUrl: this.queueUrl });
  }
}

export interface PrWorkloadsArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  /** The base cluster, where the PR namespace lives. */
  readonly cluster: { readonly name: string; readonly arn: string };
  readonly namespace: string;
  readonly serviceAccounts: Readonly<Record<PrWorkload, string>>;
  readonly resources: pulumi.Input<PrResources>;
  /** Every role the PR environment creates carries this permissions boundary. */
  readonly permissionsBoundaryArn: string;
  /** The base cluster's External Secrets role: the only principal the secrets reader trusts. */
  readonly externalSecretsRoleArn: string;
}

/**
 * The PR environment's workload identities: a role per workload (API, admin tool, in-cluster
 * worker), each bound to its service account in the PR namespace by an EKS Pod Identity
 * association on the base cluster and holding only its policy over the PR's own resources; and the
 * secrets reader the PR namespace's SecretStore assumes. Every role carries the PR environments'
 * permissions boundary, without which the role that deploys PR stacks may not create roles.
 */
export class PrWorkloads extends pulumi.ComponentResource {
  readonly roleArns: Record<PrWorkload, pulumi.Output<string>>;
  readonly secretsReaderRoleArn: pulumi.Output<string>;

  constructor(name: string, args: PrWorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:pr:PrWorkloads", name, {}, opts);
    const { naming } = args;
    const parent = { parent: this };
    const trust = toJson(podIdentityTrustFor({ accountId: args.accountId, clusterArn: args.cluster.arn }));
    const arns = {} as Record<PrWorkload, pulumi.Output<string>>;
    for (const workload of ["api", "admin", "worker"] as const) {
      const id = `payments-${workload}`;
      const role = new aws.iam.Role(
        `${id}-role`,
        {
          name: prRoleName(naming.stack, id),
          assumeRolePolicy: trust,
          permissionsBoundary: args.permissionsBoundaryArn,
          maxSessionDuration: 3600,
          tags: nameTag(naming, id),
        },
        parent,
      );
      new aws.iam.RolePolicy(
        `${id}-access`,
        {
          role: role.id,
          policy: pulumi.output(args.resources).apply((r) => toJson(prWorkloadPolicy(workload, r))),
        },
        parent,
      );
      new aws.eks.PodIdentityAssociation(
        `${id}-pod-identity`,
        {
          clusterName: args.cluster.name,
          namespace: args.namespace,
          serviceAccount: args.serviceAccounts[workload],
          roleArn: role.arn,
          tags: nameTag(naming, id),
        },
        parent,
      );
      arns[workload] = role.arn;
    }
    this.roleArns = arns;

    const reader = new aws.iam.Role(
      "secrets-reader-role",
      {
        name: prRoleName(naming.stack, "secrets-reader"),
        description: `External Secrets reads the secrets of ${naming.stack} (and nothing else) for its namespace.`,
        assumeRolePolicy: toJson(prSecretsReaderTrust(args.externalSecretsRoleArn)),
        permissionsBoundary: args.permissionsBoundaryArn,
        maxSessionDuration: 3600,
        tags: nameTag(naming, "secrets-reader"),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      "secrets-reader-access",
      {
        role: reader.id,
        policy: pulumi.output(args.resources).apply((r) => toJson(prSecretsReaderPolicy(r))),
      },
      parent,
    );
    this.secretsReaderRoleArn = reader.arn;
    this.registerOutputs({ roleArns: this.roleArns, secretsReaderRoleArn: this.secretsReaderRoleArn });
  }
}

export interface PrNamespaceArgs {
  readonly namespace: string;
  readonly pullRequest: number;
  readonly region: string;
  readonly secretsReaderRoleArn: pulumi.Input<string>;
  /** A Kubernetes provider for the base cluster, acting as the PR environments' role. */
  readonly provider: k8s.Provider;
}

/**
 * The PR environment's namespace on the base cluster, where ArgoCD deploys the chart: the
 * namespace, the ArgoCD deployer's rights on the chart's custom resources there, and the
 * SecretStore the chart's ExternalSecrets read through (the PR's own secrets reader role).
 * Destroying the stack deletes the namespace and everything ArgoCD put in it.
 */
export class PrNamespace extends pulumi.ComponentResource {
  constructor(name: string, args: PrNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:pr:PrNamespace", name, {}, opts);
    const inCluster = { parent: this, provider: args.provider };
    const m = prNamespaceManifests({
      namespace: args.namespace,
      pullRequest: args.pullRequest,
      region: args.region,
    });
    const ns = new k8s.core.v1.Namespace("namespace", { metadata: m.namespace.metadata }, inCluster);
    new k8s.rbac.v1.RoleBinding(
      "argocd-deployer",
      {
        metadata: m.deployerBinding.metadata,
        roleRef: m.deployerBinding.roleRef,
        subjects: m.deployerBinding.subjects,
      },
      { ...inCluster, dependsOn: [ns] },
    );
    new k8s.apiextensions.CustomResource(
      "secret-store",
      {
        apiVersion: m.secretStore.apiVersion,
        kind: m.secretStore.kind,
        metadata: m.secretStore.metadata,
        spec: pulumi
          .output(args.secretsReaderRoleArn)
          .apply((roleArn) => secretStoreSpec(args.region, roleArn)),
      },
      { ...inCluster, dependsOn: [ns] },
    );
    this.registerOutputs({});
  }
}
