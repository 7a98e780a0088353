import type {
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
} from "@pulumi/policy";

/**
 * Reading resource properties the way a policy must during `pulumi preview`: a value that is not
 * known yet (an ARN of a resource still to be created) throws when it is read through the pack's
 * proxy, so "is it set?" is answered from the property descriptor without reading the value, and
 * values are read only where the policy needs them.
 */

type Props = Record<string, unknown>;

/** True when `key` is present and not null/undefined/"" (an unknown value counts as set). */
export function isSet(obj: unknown, key: string): boolean {
  if (obj === null || typeof obj !== "object") return false;
  const d = Object.getOwnPropertyDescriptor(obj, key);
  return d !== undefined && d.value !== undefined && d.value !== null && d.value !== "";
}

/**
 * A property's value, or undefined when it is absent or not known yet: stack policies use it where
 * an unknown value should make the check skip that resource rather than fail the whole policy.
 */
export function read(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== "object") return undefined;
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined; // the pack's proxy throws on a value that is unknown during preview
  }
}

/** A nested object, or undefined. */
export function obj(value: unknown): Props | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** Provider settings arrive as JSON text in some engine paths and as objects in others. */
export function decoded(value: unknown): unknown {
  if (typeof value === "string" && /^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/** A resource validation that only looks at the given types. */
export function forTypes(
  types: readonly string[],
  check: (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
  return (args, report) => {
    if (!types.includes(args.type)) return;
    check(args.props as Props, args, report);
  };
}

/** The resources a property of `r` refers to: by declared dependency, or by id/ARN/name value. */
export function referenced(
  r: PolicyResource,
  prop: string,
  resources: readonly PolicyResource[],
  type?: string,
): PolicyResource[] {
  const out = new Set<PolicyResource>(r.propertyDependencies?.[prop] ?? []);
  const values = new Set(list(read(r.props, prop)).filter((v): v is string => typeof v === "string"));
  if (values.size > 0) {
    for (const other of resources) {
      if (other === r) continue;
      if (
        ["id", "arn", "bucket"].some((k) => {
          const v = read(other.props, k);
          return typeof v === "string" && values.has(v);
        })
      ) {
        out.add(other);
      }
    }
  }
  return [...out].filter((x) => type === undefined || x.type === type);
}

export const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  natGateway: "aws:ec2/natGateway:NatGateway",
  route: "aws:ec2/route:Route",
  routeTable: "aws:ec2/routeTable:RouteTable",
  routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  flowLog: "aws:ec2/flowLog:FlowLog",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  kmsKey: "aws:kms/key:Key",
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  bucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
  bucketVersioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
  bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  rdsInstance: "aws:rds/instance:Instance",
  dynamoTable: "aws:dynamodb/table:Table",
  queue: "aws:sqs/queue:Queue",
  lambda: "aws:lambda/function:Function",
  openSearch: "aws:opensearch/domain:Domain",
  elasticSearch: "aws:elasticsearch/domain:Domain",
  eksCluster: "aws:eks/cluster:Cluster",
  eksComponent: "eks:index:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  nodeClass: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
  nodePool: "kubernetes:karpenter.sh/v1:NodePool",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  secret: "aws:secretsmanager/secret:Secret",
  topic: "aws:sns/topic:Topic",
  tgwRoute: "aws:ec2transitgateway/route:Route",
  tgwAssociation: "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
  tgwPropagation: "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
  awsProvider: "pulumi:providers:aws",
} as const;
