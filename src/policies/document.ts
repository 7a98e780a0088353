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
