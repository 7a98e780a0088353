import {
  accountRootArn,
  type PolicyDocument,
  type PolicyStatement,
  policy,
  SECRETS_READ_ACTIONS,
} from "../core/policy-document";
import { paymentsData } from "../data";

/**
 * Least-privilege documents of a PR environment. Every resource is an exact ARN of this PR
 * environment (its table, queue, bucket prefix, secrets path and key); none reaches the base
 * environment's data.
 */

/** The exact resources a PR environment's workloads touch. */
export interface PrResources {
  readonly tableArn: string;
  readonly queueArn: string;
  readonly bucketArn: string;
  /** Key prefix of the raw payloads, ending in `/`. */
  readonly archivePrefix: string;
  readonly keyArn: string;
  /** `arn:aws:secretsmanager:<region>:<account>:secret:pr-<n>/payments/` (secrets under it). */
  readonly secretsArnPrefix: string;
}

export type PrWorkload = "api" | "admin" | "worker";

const objects = (r: PrResources) => `${r.bucketArn}/${r.archivePrefix}*`;
const ownSecrets = (r: PrResources) => `${r.secretsArnPrefix}*`;

function useKey(r: PrResources, actions: string[]): PolicyStatement {
  return { Sid: "UseOwnKey", Effect: "Allow", Action: actions, Resource: r.keyArn };
}

/** What each of the PR environment's workloads may do, as the base environment's workloads do with theirs. */
export function prWorkloadPolicy(workload: PrWorkload, r: PrResources): PolicyDocument {
  switch (workload) {
    case "api":
      return policy(
        paymentsData.record(r.tableArn),
        paymentsData.archive(objects(r)),
        useKey(r, ["kms:Decrypt", "kms:GenerateDataKey"]),
      );
    case "admin":
      return policy(
        paymentsData.read(r.tableArn),
        paymentsData.readArchived(objects(r)),
        useKey(r, ["kms:Decrypt"]),
      );
    case "worker":
      return policy(
        paymentsData.consume(r.queueArn),
        paymentsData.complete(r.tableArn),
        paymentsData.readArchived(objects(r)),
        useKey(r, ["kms:Decrypt", "kms:GenerateDataKey"]),
      );
  }
}

/**
 * What External Secrets reads for the PR environment's namespace (its SecretStore assumes this
 * role): the PR's own secrets path, decrypted with its own key, nothing of the base environment.
 */
export function prSecretsReaderPolicy(r: Pick<PrResources, "secretsArnPrefix" | "keyArn">): PolicyDocument {
  return policy(
    {
      Sid: "ReadThisPrEnvironmentsSecrets",
      Effect: "Allow",
      Action: [...SECRETS_READ_ACTIONS],
      Resource: ownSecrets(r as PrResources),
    },
    { Sid: "DecryptOwnSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: r.keyArn },
  );
}

/**
 * Key policy of a PR environment's key: the account administers it (IAM policies decide who uses
 * it: the PR's own roles), and S3 may encrypt the object-created events it sends to the encrypted
 * queue, for this account only.
 */
export function prKeyPolicy(accountId: string): PolicyDocument {
  return policy(
    {
      Sid: "AccountAdministersKey",
      Effect: "Allow",
      Principal: { AWS: accountRootArn(accountId) },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "S3PublishesToEncryptedQueue",
      Effect: "Allow",
      Principal: { Service: "s3.amazonaws.com" },
      Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
  );
}

/**
 * Trust of the PR environment's secrets-reader role: the base cluster's External Secrets operator
 * (its Pod Identity role) assumes it for the PR namespace's SecretStore, and nothing else.
 */
export function prSecretsReaderTrust(externalSecretsRoleArn: string): PolicyDocument {
  return policy({
    Sid: "ExternalSecretsOfTheBaseCluster",
    Effect: "Allow",
    Principal: { AWS: externalSecretsRoleArn },
    // Pod Identity sessions carry session tags into the role chain.
    Action: ["sts:AssumeRole", "sts:TagSession"],
  });
}
