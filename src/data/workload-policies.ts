import {
  type PolicyDocument,
  type PolicyStatement,
  policy,
  SQS_CONSUME_ACTIONS,
  servicesPublishToTopic,
} from "../core/policy-document";

/**
 * Least-privilege policies of the payments workloads. Every resource is an exact ARN of this
 * environment; the only patterns are sub-resources anchored to one exact parent (objects under
 * the archive prefix, the index's documents, the worker log group's streams).
 */

/** The exact resources the workloads touch. */
export interface WorkloadResources {
  readonly queueArn: string;
  readonly tableArn: string;
  readonly archiveBucketArn: string;
  /** Key prefix of the raw payloads, ending in `/`. */
  readonly archivePrefix: string;
  readonly keyArn: string;
  readonly providerSecretArn: string;
  readonly searchDomainArn: string;
  readonly searchIndex: string;
  /** What receipts are sent through: the SES domain identity, its configuration set, the domain. */
  readonly email: {
    readonly identityArn: string;
    readonly configurationSetArn: string;
    readonly domain: string;
  };
  /** `rds-db:connect` ARNs (see `arns.dbUser`). */
  readonly dbConnect: {
    readonly worker: string;
    readonly api: readonly string[];
    readonly admin: readonly string[];
  };
}

const objectsUnder = (r: WorkloadResources) => `${r.archiveBucketArn}/${r.archivePrefix}*`;
const index = (r: WorkloadResources) => [
  `${r.searchDomainArn}/${r.searchIndex}`,
  `${r.searchDomainArn}/${r.searchIndex}/*`,
];

function keyUse(r: WorkloadResources, actions: string[]): PolicyStatement {
  return { Sid: "UseDataKey", Effect: "Allow", Action: actions, Resource: r.keyArn };
}

/**
 * Receipts: send through the environment's SES identity only, from an address of its domain (SES
 * authorises a send against the identity and the configuration set the identity names by default).
 */
function sendReceipts(r: WorkloadResources): PolicyStatement {
  return {
    Sid: "SendReceiptsFromTheDomain",
    Effect: "Allow",
    Action: ["ses:SendEmail", "ses:SendRawEmail"],
    Resource: [r.email.identityArn, r.email.configurationSetArn],
    Condition: { StringLike: { "ses:FromAddress": `*@${r.email.domain}` } },
  };
}

/**
 * The statements on the payments data each workload's policy is made of, over exact ARNs: the
 * environments' workloads and the PR environments' (over their own table, queue and prefix).
 */
export const paymentsData = {
  /** The API records payments idempotently (a conditional put) and reads them back. */
  record: (tableArn: string): PolicyStatement => ({
    Sid: "RecordPayments",
    Effect: "Allow",
    Action: ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"],
    Resource: tableArn,
  }),
  read: (tableArn: string): PolicyStatement => ({
    Sid: "ReadPayments",
    Effect: "Allow",
    Action: ["dynamodb:GetItem", "dynamodb:Query"],
    Resource: tableArn,
  }),
  /** The worker marks a payment done. */
  complete: (tableArn: string): PolicyStatement => ({
    Sid: "CompletePayments",
    Effect: "Allow",
    Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
    Resource: tableArn,
  }),
  consume: (queueArn: string): PolicyStatement => ({
    Sid: "ConsumePaymentsQueue",
    Effect: "Allow",
    Action: [...SQS_CONSUME_ACTIONS],
    Resource: queueArn,
  }),
  /** `objects`: the archive prefix's objects (`<bucket ARN>/<prefix>*`). */
  archive: (objects: string): PolicyStatement => ({
    Sid: "ArchivePayloads",
    Effect: "Allow",
    Action: "s3:PutObject",
    Resource: objects,
  }),
  readArchived: (objects: string): PolicyStatement => ({
    Sid: "ReadArchivedPayloads",
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: objects,
  }),
};

/** What the worker (Lambda or in-cluster) does with the data: consume, complete, persist, index, send the receipt. */
function workerDataStatements(r: WorkloadResources): PolicyStatement[] {
  return [
    sendReceipts(r),
    paymentsData.consume(r.queueArn),
    paymentsData.complete(r.tableArn),
    paymentsData.readArchived(objectsUnder(r)),
    {
      Sid: "ReadProviderApiKey",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: r.providerSecretArn,
    },
    { Sid: "ConnectAsWorker", Effect: "Allow", Action: "rds-db:connect", Resource: r.dbConnect.worker },
    {
      Sid: "IndexPayments",
      Effect: "Allow",
      Action: ["es:ESHttpGet", "es:ESHttpPut", "es:ESHttpPost"],
      Resource: index(r),
    },
    keyUse(r, ["kms:Decrypt", "kms:GenerateDataKey"]),
  ];
}

/** The Lambda worker: its data access plus writing to its own log group. */
export function workerFunctionPolicy(r: WorkloadResources, logGroupArn: string): PolicyDocument {
  return policy(...workerDataStatements(r), {
    Sid: "WriteOwnLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${logGroupArn}:log-stream:*`,
  });
}

/** The in-cluster worker (the equivalent of the Lambda worker on EKS). */
export function clusterWorkerPolicy(r: WorkloadResources): PolicyDocument {
  return policy(...workerDataStatements(r));
}

/**
 * Lambda's network interfaces in the VPC. EC2 `Describe*` calls cannot be scoped to a
 * resource, so this is the one statement with `*`; it is kept apart from the data policy and
 * holds only the network-interface actions Lambda needs.
 */
export function lambdaVpcAccessPolicy(): PolicyDocument {
  return policy({
    Sid: "LambdaVpcNetworkInterfaces",
    Effect: "Allow",
    Action: [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ],
    Resource: "*",
  });
}

/** The payments API: records payments (idempotently), archives payloads, reads its secret, searches. */
export function apiPolicy(r: WorkloadResources): PolicyDocument {
  return policy(
    paymentsData.record(r.tableArn),
    paymentsData.archive(objectsUnder(r)),
    {
      Sid: "ReadProviderApiKey",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: r.providerSecretArn,
    },
    { Sid: "ConnectAsApi", Effect: "Allow", Action: "rds-db:connect", Resource: [...r.dbConnect.api] },
    { Sid: "SearchPayments", Effect: "Allow", Action: ["es:ESHttpGet", "es:ESHttpPost"], Resource: index(r) },
    keyUse(r, ["kms:Decrypt", "kms:GenerateDataKey"]),
  );
}

/** The admin tool: reads payments, their payloads, and the read replicas. */
export function adminPolicy(r: WorkloadResources): PolicyDocument {
  return policy(
    paymentsData.read(r.tableArn),
    paymentsData.readArchived(objectsUnder(r)),
    { Sid: "ConnectReadOnly", Effect: "Allow", Action: "rds-db:connect", Resource: [...r.dbConnect.admin] },
    keyUse(r, ["kms:Decrypt"]),
  );
}

/**
 * Trust of the OpenSearch master role (the fine-grained access control master user, which maps
 * every other role inside the domain): only the roles that administer the domain, named exactly,
 * and only in this account. Those are the stack's deploy role (role mappings are applied by the
 * deploy) and the platform administrators' Identity Center roles (`platform:cluster.access.admin`,
 * written with their `aws-reserved/...` path as `aws:PrincipalArn` reports it). A developer or a
 * workload role of the account cannot assume it, whatever its IAM policies say.
 */
export function searchMasterTrust(args: {
  readonly accountId: string;
  readonly administratorArns: readonly string[];
}): PolicyDocument {
  const admins = [...new Set(args.administratorArns)];
  if (admins.length === 0) throw new Error("searchMasterTrust: at least one administrator role");
  for (const arn of admins) {
    const m = /^arn:aws:iam::(\d{12}):role\/[\w+=,.@/-]+$/.exec(arn);
    if (!m || arn.includes("*"))
      throw new Error(`searchMasterTrust: "${arn}" is not a specific IAM role ARN`);
    if (m[1] !== args.accountId) {
      throw new Error(`searchMasterTrust: "${arn}" is not a role of account ${args.accountId}`);
    }
  }
  return policy({
    Sid: "DomainAdministratorsOnly",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${args.accountId}:root` },
    // sts:TagSession: a Pod Identity session (the data-grants Job) carries its tags into the chain.
    Action: ["sts:AssumeRole", "sts:TagSession"],
    Condition: { ArnEquals: { "aws:PrincipalArn": admins.length === 1 ? admins[0]! : admins } },
  });
}

/** OpenSearch domain access policy: only the named roles, only this domain. Fine-grained access control maps them further. */
export function searchAccessPolicy(args: { domainArn: string; roleArns: readonly string[] }): PolicyDocument {
  return policy({
    Sid: "WorkloadRolesOnly",
    Effect: "Allow",
    Principal: { AWS: [...args.roleArns] },
    Action: ["es:ESHttpGet", "es:ESHttpPut", "es:ESHttpPost", "es:ESHttpDelete", "es:ESHttpHead"],
    Resource: `${args.domainArn}/*`,
  });
}

/** Alerts topic policy: CloudWatch alarms and SES event destinations of this account publish. */
export function alertsTopicPolicy(args: { topicArn: string; accountId: string }): PolicyDocument {
  return servicesPublishToTopic({
    sid: "AccountServicesPublish",
    services: ["cloudwatch.amazonaws.com", "ses.amazonaws.com"],
    ...args,
  });
}
