import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { boundedName, type NameContext, nameTag, physicalName } from "../core/naming";
import { serviceTrust, toJson } from "../core/policy-document";
import { VERSIONS } from "../core/versions";
import { type Cluster, iamRole } from "./cluster";
import type { KarpenterConfig } from "./cluster-config";
import { interruptionQueuePolicy, karpenterControllerPolicy } from "./cluster-iam";
import { chartSource } from "./helm-charts";
import {
  ec2NodeClassManifest,
  INTERRUPTION_EVENTS,
  KARPENTER_NAMESPACE,
  KARPENTER_SERVICE_ACCOUNT,
  karpenterValues,
  nodePoolManifest,
} from "./karpenter-manifests";
import { NODE_ROLE_POLICIES } from "./system-nodes";

export interface KarpenterArgs {
  readonly naming: NameContext;
  readonly cluster: Cluster;
  readonly karpenter: KarpenterConfig;
  /** Tags for what Karpenter launches (the AWS provider's default tags do not reach its instances). */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Karpenter on a cluster: the controller's role (EKS Pod Identity), the node role and its access
 * entry, the spot-interruption queue and the EventBridge rules that feed it, the pinned Helm
 * releases (CRDs, controller on the system nodes) and the EC2NodeClass and NodePool built from
 * the stack's `platform:karpenter`.
 */
export class Karpenter extends pulumi.ComponentResource {
  readonly nodeRole: aws.iam.Role;
  readonly queue: aws.sqs.Queue;
  readonly release: k8s.helm.v3.Release;
  readonly nodePool: k8s.apiextensions.CustomResource;
  readonly nodeClass: k8s.apiextensions.CustomResource;

  constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:cluster:Karpenter", name, {}, opts);
    const { naming, cluster } = args;
    const parent = { parent: this };
    const nodeRoleName = boundedName(naming, 64, "karpenter-node");
    const queueName = physicalName(naming, "karpenter-interruptions");
    const k8sOpts = { parent: this, provider: cluster.provider };

    this.nodeRole = iamRole(this, "karpenter-node", {
      name: nodeRoleName,
      trust: serviceTrust("ec2.amazonaws.com"),
      managedPolicyArns: NODE_ROLE_POLICIES,
      tags: nameTag(naming, "karpenter-node"),
    });
    // Nodes Karpenter launches join the cluster through this access entry (no aws-auth ConfigMap).
    const nodeAccess = new aws.eks.AccessEntry(
      "karpenter-node",
      { clusterName: cluster.name, principalArn: this.nodeRole.arn, type: "EC2_LINUX" },
      { parent: this, dependsOn: [cluster.eks] },
    );

    // Spot interruption warnings, rebalance recommendations, scheduled maintenance and state
    // changes reach the controller through this queue, so it drains a node before EC2 takes it.
    this.queue = new aws.sqs.Queue(
      "interruptions",
      {
        name: queueName,
        messageRetentionSeconds: 300,
        sqsManagedSseEnabled: true,
        tags: nameTag(naming, "karpenter-interruptions"),
      },
      parent,
    );
    new aws.sqs.QueuePolicy(
      "interruptions",
      {
        queueUrl: this.queue.url,
        policy: this.queue.arn.apply((arn) => toJson(interruptionQueuePolicy(arn))),
      },
      parent,
    );
    for (const [suffix, pattern] of Object.entries(INTERRUPTION_EVENTS)) {
      const rule = new aws.cloudwatch.EventRule(
        `karpenter-${suffix}`,
        {
          name: boundedName(naming, 64, "karpenter", suffix),
          description: `Karpenter interruption handling (${cluster.name}): ${pattern["detail-type"][0]}`,
          eventPattern: JSON.stringify(pattern),
          tags: nameTag(naming, "karpenter", suffix),
        },
        parent,
      );
      new aws.cloudwatch.EventTarget(
        `karpenter-${suffix}`,
        { rule: rule.name, targetId: "karpenter-interruption-queue", arn: this.queue.arn },
        parent,
      );
    }

    const controller = cluster.podIdentityRole(
      "karpenter-controller",
      {
        naming,
        namespace: KARPENTER_NAMESPACE,
        serviceAccount: KARPENTER_SERVICE_ACCOUNT,
        policy: pulumi
          .all([this.nodeRole.arn, this.queue.arn])
          .apply(([nodeRoleArn, interruptionQueueArn]) =>
            toJson(karpenterControllerPolicy({ ...cluster.ref, nodeRoleArn, interruptionQueueArn })),
          ),
      },
      this,
    );

    const crds = new k8s.helm.v3.Release(
      "karpenter-crd",
      {
        name: "karpenter-crd",
        namespace: KARPENTER_NAMESPACE,
        ...chartSource(VERSIONS.charts.karpenterCrd),
        atomic: true,
      },
      k8sOpts,
    );
    this.release = new k8s.helm.v3.Release(
      "karpenter",
      {
        name: "karpenter",
        namespace: KARPENTER_NAMESPACE,
        ...chartSource(VERSIONS.charts.karpenter),
        skipCrds: true,
        atomic: true,
        values: karpenterValues({
          clusterName: cluster.name,
          interruptionQueueName: queueName,
        }),
      },
      {
        ...k8sOpts,
        dependsOn: [crds, controller.association, nodeAccess, this.queue, cluster.systemNodeGroup],
      },
    );

    const after = { ...k8sOpts, dependsOn: [this.release] };
    const nodeClass = ec2NodeClassManifest({
      clusterName: cluster.name,
      nodeRoleName,
      amiAlias: VERSIONS.karpenterAmiAlias,
      volumeSizeGi: args.karpenter.volumeSizeGi,
      tags: { ...args.tags, ...nameTag(naming, "karpenter-node") },
    });
    this.nodeClass = new k8s.apiextensions.CustomResource("node-class", nodeClass, after);
    this.nodePool = new k8s.apiextensions.CustomResource("node-pool", nodePoolManifest(args.karpenter), {
      ...after,
      dependsOn: [this.release, this.nodeClass],
    });

    this.registerOutputs({ interruptionQueueUrl: this.queue.url, nodeRoleArn: this.nodeRole.arn });
  }
}
