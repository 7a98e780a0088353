import { type PolicyDocument, policy } from "../core/policy-document";

/**
 * IAM documents of the in-cluster controllers: the EKS Pod Identity trust, Karpenter's controller
 * policy (scoped to this cluster's tags, after the Karpenter v1 reference policy) and the policy
 * of its interruption queue.
 */

export interface ClusterRef {
  readonly accountId: string;
  readonly region: string;
  readonly clusterName: string;
}

export function clusterArn(c: ClusterRef): string {
  return `arn:aws:eks:${c.region}:${c.accountId}:cluster/${c.clusterName}`;
}

/** Trust of a role assumed through EKS Pod Identity, from this cluster only. */
export function podIdentityTrust(c: ClusterRef): PolicyDocument {
  return podIdentityTrustFor({ accountId: c.accountId, clusterArn: clusterArn(c) });
}

/** The same trust, for a cluster known by its ARN. */
export function podIdentityTrustFor(args: { accountId: string; clusterArn: string }): PolicyDocument {
  return policy({
    Sid: "EksPodIdentityFromThisCluster",
    Effect: "Allow",
    Principal: { Service: "pods.eks.amazonaws.com" },
    Action: ["sts:AssumeRole", "sts:TagSession"],
    Condition: {
      StringEquals: { "aws:SourceAccount": args.accountId },
      ArnEquals: { "aws:SourceArn": args.clusterArn },
    },
  });
}

export interface KarpenterPolicyArgs extends ClusterRef {
  readonly nodeRoleArn: string;
  readonly interruptionQueueArn: string;
}

/** What the Karpenter controller may do: launch, tag and terminate only what it owns in this cluster. */
export function karpenterControllerPolicy(a: KarpenterPolicyArgs): PolicyDocument {
  const ec2 = (resource: string) => `arn:aws:ec2:${a.region}:*:${resource}`;
  const owned = `aws:ResourceTag/kubernetes.io/cluster/${a.clusterName}`;
  const requestOwned = `aws:RequestTag/kubernetes.io/cluster/${a.clusterName}`;
  const launched = [
    "fleet/*",
    "instance/*",
    "volume/*",
    "network-interface/*",
    "launch-template/*",
    "spot-instances-request/*",
  ].map(ec2);
  const instanceProfiles = `arn:aws:iam::${a.accountId}:instance-profile/*`;
  return policy(
    {
      Sid: "AllowScopedEC2InstanceAccessActions",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Resource: [
        `arn:aws:ec2:${a.region}::image/*`,
        `arn:aws:ec2:${a.region}::snapshot/*`,
        ec2("security-group/*"),
        ec2("subnet/*"),
        ec2("capacity-reservation/*"),
      ],
    },
    {
      Sid: "AllowScopedEC2LaunchTemplateAccessActions",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Resource: ec2("launch-template/*"),
      Condition: {
        StringEquals: { [owned]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedEC2InstanceActionsWithTags",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Resource: launched,
      Condition: {
        StringEquals: { [requestOwned]: "owned", "aws:RequestTag/eks:eks-cluster-name": a.clusterName },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceCreationTagging",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: launched,
      Condition: {
        StringEquals: {
          [requestOwned]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": a.clusterName,
          "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
        },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceTagging",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: ec2("instance/*"),
      Condition: {
        StringEquals: { [owned]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": a.clusterName },
        "ForAllValues:StringEquals": {
          "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
        },
      },
    },
    {
      Sid: "AllowScopedDeletion",
      Effect: "Allow",
      Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      Resource: [ec2("instance/*"), ec2("launch-template/*")],
      Condition: {
        StringEquals: { [owned]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowRegionalReadActions",
      Effect: "Allow",
      Action: [
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
      ],
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": a.region } },
    },
    {
      Sid: "AllowSSMReadActions",
      Effect: "Allow",
      Action: "ssm:GetParameter",
      Resource: `arn:aws:ssm:${a.region}::parameter/aws/service/*`,
    },
    { Sid: "AllowPricingReadActions", Effect: "Allow", Action: "pricing:GetProducts", Resource: "*" },
    {
      Sid: "AllowInterruptionQueueActions",
      Effect: "Allow",
      Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
      Resource: a.interruptionQueueArn,
    },
    {
      Sid: "AllowPassingInstanceRole",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: a.nodeRoleArn,
      Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com"] } },
    },
    {
      Sid: "AllowScopedInstanceProfileCreationActions",
      Effect: "Allow",
      Action: "iam:CreateInstanceProfile",
      Resource: instanceProfiles,
      Condition: {
        StringEquals: {
          [requestOwned]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": a.clusterName,
          "aws:RequestTag/topology.kubernetes.io/region": a.region,
        },
        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileTagActions",
      Effect: "Allow",
      Action: "iam:TagInstanceProfile",
      Resource: instanceProfiles,
      Condition: {
        StringEquals: {
          [owned]: "owned",
          "aws:ResourceTag/topology.kubernetes.io/region": a.region,
          [requestOwned]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": a.clusterName,
          "aws:RequestTag/topology.kubernetes.io/region": a.region,
        },
        StringLike: {
          "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
          "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
        },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileActions",
      Effect: "Allow",
      Action: [
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:DeleteInstanceProfile",
      ],
      Resource: instanceProfiles,
      Condition: {
        StringEquals: { [owned]: "owned", "aws:ResourceTag/topology.kubernetes.io/region": a.region },
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowInstanceProfileReadActions",
      Effect: "Allow",
      Action: "iam:GetInstanceProfile",
      Resource: instanceProfiles,
    },
    // IAM authorises List* calls on `*` only (a resource pattern never matches them); the
    // controller's instance-profile garbage collection lists them. As upstream's reference policy.
    {
      Sid: "AllowUnscopedInstanceProfileListAction",
      Effect: "Allow",
      Action: "iam:ListInstanceProfiles",
      Resource: "*",
    },
    {
      Sid: "AllowAPIServerEndpointDiscovery",
      Effect: "Allow",
      Action: "eks:DescribeCluster",
      Resource: clusterArn(a),
    },
  );
}

/** The interruption queue's policy: EventBridge (and SQS itself) may send, only over TLS. */
export function interruptionQueuePolicy(queueArn: string): PolicyDocument {
  return policy(
    {
      Sid: "EventBridgeSendsInterruptionEvents",
      Effect: "Allow",
      Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
      Action: "sqs:SendMessage",
      Resource: queueArn,
    },
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:*",
      Resource: queueArn,
      Condition: { Bool: { "aws:SecureTransport": false } },
    },
  );
}
