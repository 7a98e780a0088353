import * as pulumi from "@pulumi/pulumi";

/**
 * Protection of production stateful resources, in one place: in a production-grade stack every
 * resource of these types is protected (`pulumi destroy` and any replacement that would delete it
 * fail until someone removes the protection on purpose). A Pulumi resource transform applies it to
 * every resource the program registers, including those inside components, so no component has to
 * thread a `protect` flag through its arguments.
 */
export const PROTECTED_IN_PRODUCTION: readonly string[] = [
  // Identity and network addresses others depend on.
  "aws:organizations/organization:Organization",
  "aws:organizations/organizationalUnit:OrganizationalUnit",
  "aws:organizations/account:Account",
  "aws:ec2/vpc:Vpc",
  "aws:ec2/eip:Eip",
  "aws:ec2transitgateway/transitGateway:TransitGateway",
  // Keys: deleting one makes everything it encrypted unreadable.
  "aws:kms/key:Key",
  // Data and audit records.
  "aws:s3/bucket:Bucket",
  "aws:dynamodb/table:Table",
  "aws:rds/instance:Instance",
  "aws:opensearch/domain:Domain",
  "aws:cloudtrail/trail:Trail",
  "aws:ecr/repository:Repository",
  // The clusters and their system nodes. (Kubernetes namespaces are protected where they hold the
  // workloads, by the component that creates them: an agent's namespace is not state.)
  "eks:index:Cluster",
  "aws:eks/nodeGroup:NodeGroup",
];

/** The transform a stack registers: protects the types above when the stack is production-grade. */
export function protectionTransform(productionGrade: boolean): pulumi.ResourceTransform {
  const types = new Set(PROTECTED_IN_PRODUCTION);
  return ({ type, props, opts }) => {
    if (!productionGrade || !types.has(type) || opts.protect === true) return undefined;
    return { props, opts: { ...opts, protect: true } };
  };
}

/** Registers the protection transform for the rest of the program (call before any resource). */
export function protectProductionResources(productionGrade: boolean): void {
  pulumi.runtime.registerResourceTransform(protectionTransform(productionGrade));
}
