import { type PolicyDocument, policy } from "../core/policy-document";

/** Key policy for the KMS key that encrypts a VPC's flow log group. */
export function flowLogKeyPolicy(args: {
  accountId: string;
  region: string;
  logGroupName: string;
}): PolicyDocument {
  const { accountId, region, logGroupName } = args;
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
          "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${accountId}:log-group:${logGroupName}`,
        },
      },
    },
  );
}

/** What the flow-logs service role may do: write to its one log group. */
export function flowLogWritePolicy(logGroupArn: string): PolicyDocument {
  return policy({
    Sid: "WriteFlowLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
    Resource: [logGroupArn, `${logGroupArn}:*`],
  });
}
