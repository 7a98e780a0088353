import type { PolicyResource } from "@pulumi/policy";
import { ENCRYPTION_TAG, SSE_S3_REASONS } from "../src/core/private-bucket";
import { keyProblem } from "./encryption-policies";
import type { PolicyGroup } from "./policy-types";
import { decoded, isSet, list, obj, read, referenced, T } from "./props";

const BUCKETS = [T.bucket, T.bucketV2];

/** The bucket-level resources (public access block, policy, versioning) that belong to `bucket`. */
function configsOf(bucket: PolicyResource, type: string | readonly string[], all: readonly PolicyResource[]) {
  const types = typeof type === "string" ? [type] : type;
  return all.filter((r) => types.includes(r.type) && referenced(r, "bucket", all).includes(bucket));
}

function deniesInsecureTransport(policy: unknown): boolean {
  const doc = obj(decoded(policy));
  return list(doc?.Statement).some((s) => {
    const st = obj(s);
    const bool = obj(obj(st?.Condition)?.Bool);
    const principalAll = st?.Principal === "*" || obj(st?.Principal)?.AWS === "*";
    const actions = list(st?.Action).map(String);
    return (
      st?.Effect === "Deny" &&
      principalAll &&
      (actions.includes("s3:*") || actions.includes("*")) &&
      String(bool?.["aws:SecureTransport"]) === "false"
    );
  });
}

export const storagePolicies: PolicyGroup = (ctx) => [
  {
    name: "s3-encrypted-with-stack-key",
    cls: "baseline",
    description:
      "Every bucket encrypts with a customer-managed KMS key of the stack's account; SSE-S3 only where an AWS log delivery cannot use one, with the reason on the bucket.",
    remediationSteps: `Create buckets with privateBucket() (src/core/private-bucket.ts) and the environment's key; only a bucket an AWS service delivers logs into that cannot use a customer key passes sseS3Reason (${Object.keys(SSE_S3_REASONS).join(", ")}), which privateBucket() writes in the ${ENCRYPTION_TAG} tag.`,
    validateStack: (args, report) => {
      for (const bucket of args.resources.filter((r) =>
        BUCKETS.includes(r.type as (typeof BUCKETS)[number]),
      )) {
        const configs = configsOf(bucket, T.bucketEncryption, args.resources);
        if (configs.length === 0) {
          report(`bucket "${bucket.name}" names no default encryption: AWS would use SSE-S3`, bucket.urn);
          continue;
        }
        for (const c of configs) {
          const def = obj(obj(list(c.props.rules)[0])?.applyServerSideEncryptionByDefault);
          const algorithm = def?.sseAlgorithm;
          if (algorithm === "aws:kms" || algorithm === "aws:kms:dsse") {
            if (!isSet(def, "kmsMasterKeyId")) {
              report(
                `bucket "${bucket.name}" uses SSE-KMS without naming a key: AWS would pick its own`,
                bucket.urn,
              );
            } else {
              const problem = keyProblem(read(def, "kmsMasterKeyId"), ctx);
              if (problem) report(`bucket "${bucket.name}" ${problem}`, bucket.urn);
            }
            continue;
          }
          const tag = String(obj(bucket.props.tags)?.[ENCRYPTION_TAG] ?? "");
          const reason = /^SSE-S3: (.+)$/.exec(tag)?.[1];
          if (!reason || !(reason in SSE_S3_REASONS)) {
            report(
              `bucket "${bucket.name}" is encrypted with S3-managed keys without a log-delivery reason (${ENCRYPTION_TAG} tag: ${tag || "none"})`,
              bucket.urn,
            );
          }
        }
      }
    },
  },
  {
    name: "s3-public-access-blocked",
    cls: "baseline",
    description: "Every bucket blocks public ACLs and policies with all four settings.",
    remediationSteps:
      "Create buckets with privateBucket() (src/core/private-bucket.ts), which adds a BucketPublicAccessBlock with blockPublicAcls, ignorePublicAcls, blockPublicPolicy and restrictPublicBuckets all true.",
    validateStack: (args, report) => {
      for (const bucket of args.resources.filter((r) =>
        BUCKETS.includes(r.type as (typeof BUCKETS)[number]),
      )) {
        const blocks = configsOf(bucket, T.publicAccessBlock, args.resources);
        const complete = blocks.some((b) =>
          ["blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"].every(
            (k) => b.props[k] === true,
          ),
        );
        if (!complete)
          report(`bucket "${bucket.name}" has no public access block with all four settings on`, bucket.urn);
      }
    },
  },
  {
    name: "s3-tls-only",
    cls: "baseline",
    description: "Every bucket's policy denies requests that do not use TLS.",
    remediationSteps:
      'Attach a bucket policy with a Deny of "s3:*" to Principal "*" under the condition Bool aws:SecureTransport = "false" (privateBucket() does).',
    validateStack: (args, report) => {
      for (const bucket of args.resources.filter((r) =>
        BUCKETS.includes(r.type as (typeof BUCKETS)[number]),
      )) {
        const documents = configsOf(bucket, T.bucketPolicy, args.resources).map((p) =>
          read(p.props, "policy"),
        );
        // A document that names resources still to be created is not known during a first preview.
        if (documents.some((d) => d === undefined)) continue;
        if (!documents.some(deniesInsecureTransport)) {
          report(
            `bucket "${bucket.name}" admits plain HTTP: no policy denies aws:SecureTransport = false`,
            bucket.urn,
          );
        }
      }
    },
  },
  {
    name: "s3-versioning",
    cls: "baseline",
    description: "Every bucket keeps object versions, so an overwrite or deletion can be undone.",
    remediationSteps: "Add a BucketVersioning with status Enabled (privateBucket() does).",
    validateStack: (args, report) => {
      for (const bucket of args.resources.filter((r) =>
        BUCKETS.includes(r.type as (typeof BUCKETS)[number]),
      )) {
        const versioning = configsOf(bucket, [T.bucketVersioning, T.bucketVersioningV2], args.resources);
        const enabled = versioning.some((v) => obj(v.props.versioningConfiguration)?.status === "Enabled");
        if (!enabled) report(`bucket "${bucket.name}" is not versioned`, bucket.urn);
      }
    },
  },
];
