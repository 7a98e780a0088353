/** IAM-style policy documents as plain data: built by pure functions, serialised once. */

export type StringOrList = string | string[];

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | Record<string, StringOrList>;
  NotPrincipal?: Record<string, StringOrList>;
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Condition?: Record<string, Record<string, StringOrList | boolean>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export function policy(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Compact JSON, as AWS counts it against size limits. */
export function toJson(doc: PolicyDocument): string {
  return JSON.stringify(doc);
}

/** The trust policy letting an AWS service assume a role. */
export function serviceTrust(...services: string[]): PolicyDocument {
  return policy({
    Sid: "ServiceAssumeRole",
    Effect: "Allow",
    Principal: { Service: services.length === 1 ? services[0]! : services },
    Action: "sts:AssumeRole",
  });
}

/** `values` the way AWS prints a list: a bare string when there is exactly one, else the list. */
export function oneOrMany(values: readonly string[]): StringOrList {
  return values.length === 1 ? values[0]! : [...values];
}

/** The strings of an element that may hold one string or a list of them. */
export function asList(value: StringOrList | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === "string" ? [value] : [...value];
}

/** `values` without repeats, first occurrence first. */
export function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The principal ARN that names a whole AWS account (everything in it that its own IAM allows). */
export function accountRootArn(accountId: string): string {
  assertAccountId(accountId);
  return `arn:aws:iam::${accountId}:root`;
}

/**
 * What key administrators may do: manage, rotate, tag, delete, but not use the key, and not create
 * grants (a grant could hand decryption to anyone).
 */
export const KEY_ADMIN_ACTIONS: readonly string[] = [
  "kms:Describe*",
  "kms:Get*",
  "kms:List*",
  "kms:CreateAlias",
  "kms:UpdateAlias",
  "kms:DeleteAlias",
  "kms:PutKeyPolicy",
  "kms:UpdateKeyDescription",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:RotateKeyOnDemand",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:RevokeGrant",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
];

/**
 * The key policy statement by which IAM of the key's account may administer the key but never use
 * it (the guard against a key nobody can manage; who uses it is said by the key's other statements).
 */
export function accountAdministersKey(accountId: string, sid = "AccountAdministersKey"): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { AWS: accountRootArn(accountId) },
    Action: [...KEY_ADMIN_ACTIONS],
    Resource: "*",
  };
}

/** Throws unless `accountId` is a 12-digit AWS account id. */
export function assertAccountId(accountId: string, what = "account id"): void {
  if (!/^\d{12}$/.test(accountId)) throw new Error(`${what} "${accountId}" is not a 12-digit AWS account id`);
}

const PRINCIPAL_ARN = /^arn:aws:(iam|sts)::(\d{12}|\*):(role|user|assumed-role)\/(.+)$/;

/**
 * Throws unless every entry is an IAM role/user ARN or ArnLike pattern that names something narrower
 * than "every principal": `arn:aws:iam::*:role/*` would turn an exception list into a bypass for all.
 */
export function assertPrincipalArnPatterns(arns: readonly string[], what: string): void {
  if (arns.length === 0) throw new Error(`${what}: at least one principal ARN is required`);
  for (const arn of arns) {
    const m = PRINCIPAL_ARN.exec(arn);
    if (!m) {
      throw new Error(`${what}: "${arn}" is not an IAM principal ARN (arn:aws:iam::<account>:role/<name>)`);
    }
    if (m[4]!.replace(/[*?/]/g, "").length === 0) {
      throw new Error(`${what}: "${arn}" matches every ${m[3]} in the account; name the principals`);
    }
  }
}

/** Throws unless every statement has a Sid and no two statements share one. */
export function assertUniqueSids(doc: PolicyDocument, what: string): PolicyDocument {
  const seen = new Set<string>();
  for (const s of doc.Statement) {
    if (!s.Sid) throw new Error(`${what}: a statement has no Sid`);
    if (seen.has(s.Sid)) throw new Error(`${what}: Sid "${s.Sid}" is used twice`);
    seen.add(s.Sid);
  }
  return doc;
}

/** `arn:aws:iam::<account>:role/<name>`: a role named before it exists (trust and permission policies). */
export function iamRoleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** Refuses `action` on `resource` to any request over plain HTTP (a resource policy's statement). */
export function denyInsecureTransport(action: string, resource: string | string[]): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: action,
    Resource: resource,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/**
 * An SNS topic's policy: the named AWS services publish to it on behalf of this account only
 * (`aws:SourceAccount`), over TLS only. `sid` names the publishing statement.
 */
export function servicesPublishToTopic(a: {
  readonly sid: string;
  readonly services: readonly string[];
  readonly topicArn: string;
  readonly accountId: string;
}): PolicyDocument {
  assertAccountId(a.accountId, "servicesPublishToTopic.accountId");
  return policy(
    {
      Sid: a.sid,
      Effect: "Allow",
      Principal: { Service: [...a.services] },
      Action: "sns:Publish",
      Resource: a.topicArn,
      Condition: { StringEquals: { "aws:SourceAccount": a.accountId } },
    },
    denyInsecureTransport("sns:Publish", a.topicArn),
  );
}

/** What reading a secret takes (what External Secrets calls: the value, its metadata and versions). */
export const SECRETS_READ_ACTIONS: readonly string[] = [
  "secretsmanager:GetSecretValue",
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetResourcePolicy",
  "secretsmanager:ListSecretVersionIds",
];

/** What consuming an SQS queue takes: receive, delete, extend the visibility, read its attributes. */
export const SQS_CONSUME_ACTIONS: readonly string[] = [
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibility",
  "sqs:GetQueueAttributes",
];

/** What pulling an image or chart from ECR takes (besides `ecr:GetAuthorizationToken` on `*`). */
export const ECR_PULL_ACTIONS: readonly string[] = [
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchCheckLayerAvailability",
];
