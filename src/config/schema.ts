import { z } from "zod";
import { parseCidr } from "./cidr";

/**
 * The schema of every `platform:` key in `Pulumi.<stack>.yaml`. Objects are strict, so a
 * misspelled key is an error rather than a silently ignored setting. Rules that depend on the
 * stack (production-grade stacks, the other stacks' CIDRs) live in `load.ts`.
 */

export const accountId = z
  .string()
  .regex(/^\d{12}$/, "expected a 12-digit AWS account id (quote it in YAML)");
export const roleArn = z
  .string()
  .regex(
    /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    "expected an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
  );
export const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "expected an AWS region such as eu-west-2");
export const nonEmpty = z.string().min(1, "must not be empty");

/** An IPv4 block whose prefix length lies in [min, max]. */
export function ipv4Block(min: number, max: number) {
  return z.string().superRefine((value, ctx) => {
    try {
      const { prefix } = parseCidr(value);
      if (prefix < min || prefix > max) {
        ctx.addIssue({
          code: "custom",
          message: `expected an IPv4 block between /${min} and /${max}; "${value}" is a /${prefix}`,
        });
      }
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `expected an IPv4 CIDR block: ${(err as Error).message}` });
    }
  });
}

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
    flowLogRetentionDays: z.union(
      [
        z.literal(30),
        z.literal(60),
        z.literal(90),
        z.literal(180),
        z.literal(365),
        z.literal(731),
        z.literal(1827),
      ],
      {
        error: "expected one of the CloudWatch Logs retention periods 30, 60, 90, 180, 365, 731 or 1827",
      },
    ),
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
};

export const managementSchema = z.object({ ...coreShape }).strict();
export const environmentSchema = z.object({ ...coreShape }).strict();

export type NetworkConfig = z.infer<typeof networkSchema>;
export type ManagementSettings = z.infer<typeof managementSchema>;
export type EnvironmentSettings = z.infer<typeof environmentSchema>;
