import { denyInsecureTransport, type PolicyDocument, policy } from "../core/policy-document";

/**
 * Where the edge's access logs go, as plain data: the bucket policy ALB log delivery needs, the
 * CloudWatch Logs resource policy vended log delivery (CloudFront standard logging v2, WAF) needs,
 * and the names AWS requires.
 */

import { ELB_LOG_DELIVERY_ACCOUNTS } from "../core/external-accounts";

export { ELB_LOG_DELIVERY_ACCOUNTS };

/**
 * The ALB access-log bucket's policy: the region's Elastic Load Balancing account writes this
 * account's logs (`<prefix>/AWSLogs/<account>/…`, any prefix: one per ingress class), nothing else,
 * and nothing over plain HTTP. The bucket uses SSE-S3: ALB log delivery does not support SSE-KMS.
 */
export function albLogBucketPolicy(a: {
  bucketArn: string;
  accountId: string;
  region: string;
}): PolicyDocument {
  const elb = ELB_LOG_DELIVERY_ACCOUNTS[a.region];
  if (elb === undefined) {
    throw new Error(
      `no Elastic Load Balancing log-delivery account is known for ${a.region}; add it to ELB_LOG_DELIVERY_ACCOUNTS (src/core/external-accounts.ts) from the AWS documentation`,
    );
  }
  return policy(
    {
      Sid: "ElasticLoadBalancingWritesAccessLogs",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${elb}:root` },
      Action: "s3:PutObject",
      Resource: `${a.bucketArn}/*/AWSLogs/${a.accountId}/*`,
    },
    denyInsecureTransport("s3:*", [a.bucketArn, `${a.bucketArn}/*`]),
  );
}

/** WAF writes only to CloudWatch log groups whose names start with this. */
export const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";

/**
 * CloudWatch Logs resource policy for vended log delivery (CloudFront standard logging v2, WAF
 * logging): the delivery service writes to exactly these log groups, for this account only.
 */
export function logDeliveryPolicy(a: {
  logGroupArns: readonly string[];
  accountId: string;
  region: string;
}): PolicyDocument {
  return policy({
    Sid: "VendedLogDeliveryWritesTheEdgeLogGroups",
    Effect: "Allow",
    Principal: { Service: "delivery.logs.amazonaws.com" },
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: a.logGroupArns.map((arn) => `${arn.replace(/:\*$/, "")}:log-stream:*`),
    Condition: {
      StringEquals: { "aws:SourceAccount": a.accountId },
      ArnLike: { "aws:SourceArn": `arn:aws:logs:${a.region}:${a.accountId}:*` },
    },
  });
}

/**
 * Headers WAF logs never show: credentials and sessions of viewers, and the origin-verify secret
 * CloudFront adds (lowercase, as WAF matches header names).
 */
export const REDACTED_HEADERS = ["authorization", "cookie", "x-origin-verify"] as const;

/** The days S3 lifecycle keeps ALB logs: the retention periods CloudWatch Logs also accepts. */
export const LOG_RETENTION_DAYS = [30, 60, 90, 180, 365, 731, 1827] as const;
