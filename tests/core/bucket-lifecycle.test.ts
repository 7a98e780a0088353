import { describe, expect, it } from "vitest";
import { STACK_NAMES } from "../../src/core/environments";
import { ofType, planStack } from "../support/harness";

/**
 * Every private bucket is versioned, and on a versioned bucket a lifecycle `expiration` only turns
 * the current version into a noncurrent one (docs.aws.amazon.com/AmazonS3/latest/userguide/
 * lifecycle-expire-general-considerations.html). A rule that expires objects must expire their
 * noncurrent versions too, or the stated retention never holds and the bucket only grows.
 */
describe.each(STACK_NAMES)("bucket lifecycles (%s)", (stack) => {
  it("expire the noncurrent versions of whatever they expire", async () => {
    const plan = await planStack(stack);
    const versioned = new Set(
      ofType(plan, "aws:s3/bucketVersioning:BucketVersioning")
        .filter((v) => (v.inputs.versioningConfiguration as { status?: string })?.status === "Enabled")
        .map((v) => String(v.inputs.bucket)),
    );
    const rules = ofType(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
      .filter((l) => versioned.has(String(l.inputs.bucket)))
      .flatMap((l) =>
        (
          l.inputs.rules as {
            id: string;
            expiration?: { days?: number };
            noncurrentVersionExpiration?: unknown;
          }[]
        ).map((r) => ({ bucket: l.name, ...r })),
      );
    const expiring = rules.filter((r) => r.expiration?.days !== undefined);
    expect(expiring.length).toBeGreaterThan(0);
    for (const r of expiring) {
      expect(r.noncurrentVersionExpiration, `${r.bucket} rule ${r.id}`).toBeDefined();
    }
  });
});
