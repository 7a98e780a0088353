import type { PolicyContext } from "./context";
import type { PolicyGroup } from "./policy-types";
import { forTypes, isSet, list, obj, read, T } from "./props";

type Props = Record<string, unknown>;

/**
 * Where each store names its key. `undefined` from `key` means "no customer-managed key";
 * a string is the key's ARN or id when it is known (it is not during the preview of a new stack).
 */
const KEY_OF: Record<string, (p: Props) => { encrypted: boolean; key: unknown; keySet: boolean }> = {
  [T.rdsInstance]: (p) => ({
    encrypted: p.storageEncrypted === true,
    key: read(p, "kmsKeyId"),
    keySet: isSet(p, "kmsKeyId"),
  }),
  [T.dynamoTable]: (p) => {
    // A table without a serverSideEncryption block uses an AWS-owned key the account cannot audit.
    const sse = obj(p.serverSideEncryption);
    return { encrypted: sse?.enabled === true, key: read(sse, "kmsKeyArn"), keySet: isSet(sse, "kmsKeyArn") };
  },
  [T.openSearch]: (p) => {
    const ear = obj(p.encryptAtRest);
    return { encrypted: ear?.enabled === true, key: read(ear, "kmsKeyId"), keySet: isSet(ear, "kmsKeyId") };
  },
  [T.topic]: (p) => ({ encrypted: true, key: read(p, "kmsMasterKeyId"), keySet: isSet(p, "kmsMasterKeyId") }),
  [T.logGroup]: (p) => ({ encrypted: true, key: read(p, "kmsKeyId"), keySet: isSet(p, "kmsKeyId") }),
  [T.lambda]: (p) => ({ encrypted: true, key: read(p, "kmsKeyArn"), keySet: isSet(p, "kmsKeyArn") }),
  [T.eksCluster]: (p) => {
    const cfg = obj(p.encryptionConfig);
    const provider = obj(cfg?.provider);
    return {
      encrypted: list(cfg?.resources).includes("secrets"),
      key: read(provider, "keyArn"),
      keySet: isSet(provider, "keyArn"),
    };
  },
  [T.eksComponent]: (p) => ({
    encrypted: isSet(p, "encryptionConfigKeyArn"),
    key: read(p, "encryptionConfigKeyArn"),
    keySet: isSet(p, "encryptionConfigKeyArn"),
  }),
};

/** Application secrets: in the environments, what External Secrets and the workloads read. */
const ENVIRONMENT_ONLY = [T.secret];

export function keyProblem(key: unknown, ctx: PolicyContext): string | undefined {
  if (typeof key !== "string") return undefined; // unknown until the key exists: the presence check holds
  if (/(^|:)alias\/aws\//.test(key)) return `uses the AWS-managed key ${key}`;
  const arn = /^arn:aws[\w-]*:kms:[\w-]+:(\d{12}):/.exec(key);
  if (arn && ctx.accountId && arn[1] !== ctx.accountId) {
    return `uses a key of account ${arn[1]}, not the stack's account ${ctx.accountId}`;
  }
  return undefined;
}

export const encryptionPolicies: PolicyGroup = (ctx) => [
  {
    name: "encrypted-with-stack-key",
    cls: "baseline",
    description:
      "Data stores, logs, topics and the cluster's secrets are encrypted with a customer-managed KMS key of the stack's own account (buckets: s3-encrypted-with-stack-key).",
    remediationSteps:
      "Pass the environment's key (the data key for data services, the cluster key for EKS, the flow-log key for flow logs) as the store's KMS key; never rely on an AWS-owned or AWS-managed key, which the account's key policy cannot restrict or audit.",
    validateResource: forTypes(
      [...Object.keys(KEY_OF), ...(ctx.role === "environment" ? ENVIRONMENT_ONLY : [])],
      (props, args, report) => {
        if (args.type === T.secret) {
          if (!isSet(props, "kmsKeyId"))
            report("the secret is encrypted with the AWS-managed key: set kmsKeyId to the environment's key");
          else {
            const problem = keyProblem(read(props, "kmsKeyId"), ctx);
            if (problem) report(`the secret ${problem}`);
          }
          return;
        }
        const { encrypted, key, keySet } = KEY_OF[args.type]!(props);
        if (!encrypted) report("encryption at rest is not enabled");
        else if (!keySet) report("no customer-managed KMS key is named: AWS would pick its own key");
        else {
          const problem = keyProblem(key, ctx);
          if (problem) report(problem);
        }
      },
    ),
  },
  {
    name: "kms-key-rotation",
    cls: "baseline",
    description:
      "Every symmetric KMS key rotates its material yearly; in production-grade stacks a scheduled deletion waits 30 days.",
    remediationSteps:
      "Set enableKeyRotation: true, and deletionWindowInDays: 30 in preprod, prod and management.",
    validateResource: forTypes([T.kmsKey], (props, _args, report) => {
      const spec = props.customerMasterKeySpec ?? props.keySpec;
      if ((spec === undefined || spec === "SYMMETRIC_DEFAULT") && props.enableKeyRotation !== true) {
        report("key rotation is off");
      }
      const window = props.deletionWindowInDays;
      if (ctx.productionGrade && typeof window === "number" && window < 30) {
        report(`deletion window is ${window} days, not 30: a mistaken deletion cannot be cancelled for long`);
      }
    }),
  },
  {
    name: "sqs-encrypted",
    cls: "baseline",
    description:
      "Every SQS queue is encrypted at rest (the environment's key, or SQS-managed where EventBridge writes).",
    remediationSteps:
      "Set kmsMasterKeyId to the environment's data key; a queue EventBridge delivers to (Karpenter's interruptions) may use sqsManagedSseEnabled: true instead.",
    validateResource: forTypes([T.queue], (props, _args, report) => {
      if (!isSet(props, "kmsMasterKeyId") && props.sqsManagedSseEnabled !== true) {
        report("the queue is not encrypted: set kmsMasterKeyId (or sqsManagedSseEnabled)");
      } else if (isSet(props, "kmsMasterKeyId")) {
        const problem = keyProblem(read(props, "kmsMasterKeyId"), ctx);
        if (problem) report(problem);
      }
    }),
  },
];
