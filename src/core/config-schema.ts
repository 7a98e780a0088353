import { z } from "zod";
import { clusterSchema, karpenterSchema } from "../cluster/cluster-config";
import { dataShape } from "../data/data-config";
import { edgeShape } from "../edge/edge-config";
import { gitopsEnvironmentShape, gitopsManagementShape } from "../gitops/gitops-config";
import { managementShape } from "../governance/governance-config";
import { accountId, ipv4Block, logRetentionDays, nonEmpty, roleArn } from "./config-primitives";

/**
 * The schema of every `platform:` key in `Pulumi.<stack>.yaml`. Objects are strict, so a
 * misspelled key is an error rather than a silently ignored setting. Rules that depend on the
 * stack (production-grade stacks, the other stacks' CIDRs) live in `load.ts`.
 */

export { accountId, awsRegion, ipv4Block, logRetentionDays, nonEmpty, roleArn } from "./config-primitives";

/** Interface endpoints every VPC gets unless the stack lists its own (service names after com.amazonaws.<region>.). */
export const DEFAULT_INTERFACE_ENDPOINTS = [
  "ecr.api",
  "ecr.dkr",
  "sts",
  "sqs",
  "secretsmanager",
  "ssm",
  "ssmmessages",
  "ec2messages",
  "logs",
  "kms",
  "ec2",
  "elasticloadbalancing",
] as const;

/** The interface endpoints the platform cannot run without (private EKS nodes pull images, assume roles, read secrets). */
export const REQUIRED_INTERFACE_ENDPOINTS = [
  "ecr.api",
  "ecr.dkr",
  "sts",
  "sqs",
  "secretsmanager",
  "ssm",
  "logs",
  "kms",
  "ec2",
  "elasticloadbalancing",
] as const;

export const networkSchema = z
  .object({
    /** The VPC's IPv4 block: /16 to /20, unique across the four stacks. */
    vpcCidr: ipv4Block(16, 20),
    /** The AZs the VPC spans, in order; subnets are planned per AZ. */
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, "expected an AZ name such as eu-west-2a"))
      .min(2, "at least 2 availability zones")
      .max(3, "at most 3 availability zones"),
    /** `perAz`: one NAT gateway (and Elastic IP) per AZ. `single`: one shared NAT (dev only). */
    natGateways: z.enum(["perAz", "single"]),
    /** Interface endpoints (service suffixes). */
    interfaceEndpoints: z
      .array(z.string().regex(/^[a-z0-9.-]+$/, "expected an endpoint service suffix such as ecr.api"))
      .default([...DEFAULT_INTERFACE_ENDPOINTS]),
    /** Retention of the VPC flow log group, in days. */
    flowLogRetentionDays: logRetentionDays,
  })
  .strict()
  .superRefine((net, ctx) => {
    const missing = REQUIRED_INTERFACE_ENDPOINTS.filter((e) => !net.interfaceEndpoints.includes(e));
    if (missing.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["interfaceEndpoints"],
        message: `must include ${missing.join(", ")}`,
      });
    }
    const region = net.availabilityZones[0]?.slice(0, -1);
    if (net.availabilityZones.some((az) => az.slice(0, -1) !== region)) {
      ctx.addIssue({
        code: "custom",
        path: ["availabilityZones"],
        message: "all availability zones must be in one region",
      });
    }
  });

/** Keys every stack carries. */
export const coreShape = {
  /** The AWS account this stack deploys into; the provider refuses any other. */
  accountId,
  /** Team that owns the stack's resources (the `Owner` tag). */
  owner: nonEmpty,
  /** Cost allocation (the `CostCenter` tag). */
  costCenter: nonEmpty,
  /** Role the AWS provider assumes into `accountId`; unset when the caller's credentials are already in that account. */
  deployRoleArn: roleArn.optional(),
  network: networkSchema,
  /** The stack's EKS cluster (every stack runs one). */
  cluster: clusterSchema,
  /** The Karpenter NodePool and EC2NodeClass of the stack's cluster. */
  karpenter: karpenterSchema,
};

export const managementSchema = z
  .object({ ...coreShape, ...managementShape, ...gitopsManagementShape })
  .strict();
export const environmentSchema = z
  .object({ ...coreShape, ...dataShape, ...edgeShape, ...gitopsEnvironmentShape })
  .strict();

export type NetworkConfig = z.infer<typeof networkSchema>;
export type ManagementSettings = z.infer<typeof managementSchema>;
export type EnvironmentSettings = z.infer<typeof environmentSchema>;
