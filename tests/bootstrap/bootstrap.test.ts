import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { findProjectRoot } from "../../src/core/config-loader";
import type { PolicyDocument } from "../../src/core/policy-document";
import { named, ofType, type PlanResult, planStack } from "../support/harness";
import { allows } from "../support/policy-evaluator";

const MGMT = "318274619203";
const BUCKET = `arn:aws:s3:::platform-pulumi-state-${MGMT}`;
const role = (name: string) => `arn:aws:iam::${MGMT}:role/${name}`;
const doc = (json: unknown) => JSON.parse(String(json)) as PolicyDocument;
const root = findProjectRoot();

let plan: PlanResult;
beforeAll(async () => {
  plan = await planStack("bootstrap");
});

describe("the bootstrap program's plan: the state bucket", () => {
  it("is versioned, KMS-encrypted with its own rotating key, private, owner-enforced, logged and protected", () => {
    const bucket = named(plan, "aws:s3/bucket:Bucket", "state-bucket");
    expect(bucket.inputs.bucket).toBe(`platform-pulumi-state-${MGMT}`);
    expect(bucket.protect).toBe(true);
    expect(named(plan, "aws:s3/bucketVersioning:BucketVersioning", "state-versioning").inputs).toMatchObject({
      versioningConfiguration: { status: "Enabled" },
    });
    const sse = named(
      plan,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "state-encryption",
    ).inputs.rules as {
      applyServerSideEncryptionByDefault: Record<string, string>;
      bucketKeyEnabled: boolean;
    }[];
    const key = named(plan, "aws:kms/key:Key", "state-key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(sse[0]!.applyServerSideEncryptionByDefault.sseAlgorithm).toBe("aws:kms");
    expect(sse[0]!.applyServerSideEncryptionByDefault.kmsMasterKeyId).toMatch(
      /^arn:aws:kms:eu-west-2:318274619203:key\//,
    );
    expect(
      named(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "state-public-access").inputs,
    ).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(named(plan, "aws:s3/bucketLogging:BucketLogging", "state-logging").inputs).toMatchObject({
      targetBucket: `platform-pulumi-state-${MGMT}-logs`,
      targetPrefix: "access/",
    });
    expect(named(plan, "aws:s3/bucketObjectv2:BucketObjectv2", "state-metadata").inputs).toMatchObject({
      key: ".pulumi/meta.yaml",
      content: "version: 1\n",
    });
  });

  it("refuses plain HTTP and gives each CI role its own stack's state only: previews read, deploys write", () => {
    const p = doc(named(plan, "aws:s3/bucketPolicy:BucketPolicy", "state-policy").inputs.policy);
    const can = (who: string, action: string, key: string, tls = true) =>
      allows(p, {
        action,
        resource: key === "" ? BUCKET : `${BUCKET}/${key}`,
        principal: { arn: role(who) },
        context: { "aws:SecureTransport": tls },
      });
    const checkpoint = (stack: string) => `.pulumi/stacks/platform/${stack}.json`;
    for (const stack of ["management", "dev", "preprod", "prod"]) {
      expect(can(`platform-ci-preview-${stack}`, "s3:GetObject", checkpoint(stack)), stack).toBe(true);
      expect(can(`platform-ci-preview-${stack}`, "s3:PutObject", checkpoint(stack)), stack).toBe(false);
      expect(can(`platform-ci-deploy-${stack}`, "s3:PutObject", checkpoint(stack)), stack).toBe(true);
      expect(can(`platform-ci-deploy-${stack}`, "s3:GetObject", ".pulumi/meta.yaml")).toBe(true);
      expect(can(`platform-ci-preview-${stack}`, "s3:ListBucket", "")).toBe(true);
    }
    expect(
      can("platform-ci-deploy-prod", "s3:PutObject", ".pulumi/history/platform/prod/prod-1.history.json"),
    ).toBe(true);
    expect(can("platform-ci-deploy-dev", "s3:PutObject", checkpoint("prod"))).toBe(false);
    expect(can("platform-ci-preview-dev", "s3:GetObject", checkpoint("prod"))).toBe(false);
    expect(can("platform-ci-preview-prod", "s3:GetObject", checkpoint("management"))).toBe(true);
    expect(can("platform-ci-deploy-management", "s3:GetObject", checkpoint("prod"))).toBe(false);
    expect(can("some-other-role", "s3:GetObject", checkpoint("dev"))).toBe(false);
    expect(can("platform-ci-deploy-prod", "s3:GetObject", checkpoint("prod"), false)).toBe(false);
  });

  it("lets the CI roles use the state key only through S3", () => {
    const p = doc(named(plan, "aws:kms/key:Key", "state-key").inputs.policy);
    const decrypt = (context: Record<string, string>) =>
      allows(p, {
        action: "kms:Decrypt",
        principal: { arn: role("platform-ci-preview-dev") },
        context: { "kms:CallerAccount": MGMT, ...context },
      });
    expect(decrypt({ "kms:ViaService": "s3.eu-west-2.amazonaws.com" })).toBe(true);
    expect(decrypt({})).toBe(false);
  });
});

describe("the bootstrap program's plan: the management stack's secrets key", () => {
  it("is the key the management stack file names as its secrets provider, with the management key policy", () => {
    const alias = named(plan, "aws:kms/alias:Alias", "secrets-management-alias");
    expect(alias.inputs.name).toBe("alias/platform-management-secrets");
    const file = fs.readFileSync(path.join(root, "Pulumi.management.yaml"), "utf8");
    expect(file).toContain(`secretsprovider: ${String(plan.outputs.managementSecretsProvider)}`);
    const key = named(plan, "aws:kms/key:Key", "secrets-management");
    expect(key.protect && key.retainOnDelete).toBe(true);
    const p = doc(key.inputs.policy);
    const decrypt = (arn: string) =>
      allows(p, { action: "kms:Decrypt", principal: { arn }, context: { "aws:PrincipalAccount": MGMT } });
    expect(decrypt(role("platform-ci-deploy-management"))).toBe(true);
    expect(decrypt(role("platform-ci-preview-management"))).toBe(true);
    expect(decrypt(role("platform-ci-preview-dev"))).toBe(false);
  });

  it("lets the break-glass role that runs the bootstrap use both keys, and no other role of the account", () => {
    // Before the management stack creates the administrators' permission set, the bootstrap and the
    // first management run act as platform-break-glass: an IAM policy alone never grants a key's use.
    for (const name of ["state-key", "secrets-management"]) {
      const p = doc(named(plan, "aws:kms/key:Key", name).inputs.policy);
      const may = (arn: string, action: string) =>
        allows(p, {
          action,
          principal: { arn },
          context: { "aws:PrincipalAccount": MGMT, "kms:CallerAccount": MGMT },
        });
      for (const action of ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"]) {
        expect(may(role("platform-break-glass"), action), `${name}: ${action}`).toBe(true);
        expect(may(role("Admin"), action), `${name}: ${action} by another admin role`).toBe(false);
      }
    }
  });

  it("creates nothing else and is the whole program: 2 keys, 2 buckets", () => {
    expect(ofType(plan, "aws:kms/key:Key")).toHaveLength(2);
    expect(ofType(plan, "aws:s3/bucket:Bucket")).toHaveLength(2);
    expect(plan.outputs.backendUrl).toBe(`s3://platform-pulumi-state-${MGMT}?region=eu-west-2`);
  });
});
