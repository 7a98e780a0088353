import type { PolicyResource } from "@pulumi/policy";
import type { PolicyGroup } from "./policy-types";
import { decoded, list, obj, read, referenced, T } from "./props";

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

export const storagePolicies: PolicyGroup = () => [
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
