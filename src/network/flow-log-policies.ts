import { type PolicyDocument, policy } from "../core/policy-document";

/**
 * Key policy for a KMS key that encrypts CloudWatch log groups (a VPC's flow logs, the edge's
 * access logs): the account administers it; CloudWatch Logs of the key's region may use it for the
 * named log groups only.
 */
export function flowLogKeyPolicy(args: {
  accountId: string;
  region: string;
  logGroupName: string | readonly string[];
}): PolicyDocument {
  const { accountId, region } = args;
  const groups = typeof args.logGroupName === "string" ? [args.logGroupName] : [...args.logGroupName];
  if (groups.length === 0) throw new Error("flowLogKeyPolicy: at least one log group");
  const arns = groups.map((g) => `arn:aws:logs:${region}:${accountId}:log-group:${g}`);
  return policy(
    {
      Sid: "AccountAdministers",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "CloudWatchLogsUsesKeyForThisGroupOnly",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: {
        ArnEquals: {
          "kms:EncryptionContext:aws:logs:arn": arns.length === 1 ? arns[0]! : arns,
        },
      },
    },
  );
}

/**
 * What the flow-logs service role may do: write to its one log group, and find it (AWS's flow-log
 * role policy lists `logs:DescribeLogGroups`, which names no single group).
 */
export function flowLogWritePolicy(logGroupArn: string): PolicyDocument {
  const groups = logGroupArn.replace(/:log-group:.*$/, ":log-group:*");
  return policy(
    {
      Sid: "WriteFlowLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [logGroupArn, `${logGroupArn}:*`],
    },
    { Sid: "FindTheLogGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: groups },
  );
}
