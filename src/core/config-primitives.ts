import { z } from "zod";
import { parseCidr } from "./cidr";

/** The value types config sections share (imported by schema.ts and by the sections). */

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

/** A lowercase, fully qualified DNS name; `example` shows the expected form in the message. */
export function dnsName(example: string) {
  return z
    .string()
    .regex(
      /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/,
      `expected a lowercase DNS name such as ${example}`,
    );
}

/** A Route 53 hosted zone id. */
export const hostedZoneId = z
  .string()
  .regex(/^Z[A-Z0-9]{1,32}$/, "expected a Route 53 hosted zone id such as Z0123456789ABC");

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

/** The CloudWatch Logs retention periods the platform allows, in days. */
export const logRetentionDays = z.union(
  [
    z.literal(30),
    z.literal(60),
    z.literal(90),
    z.literal(180),
    z.literal(365),
    z.literal(731),
    z.literal(1827),
  ],
  { error: "expected one of the CloudWatch Logs retention periods 30, 60, 90, 180, 365, 731 or 1827" },
);
