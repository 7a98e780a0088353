import { describe, expect, it } from "vitest";
import { BACKUP_ROLE_POLICIES, backupKeyPolicy, backupRules } from "../../src/recovery/backup-policies";
import { ssoRole } from "../governance/policy-fixtures";
import { expectConfigError, stackValue } from "../support/harness";
import { allows } from "../support/policy-evaluator";

/** Backups as pure builders and config rules (the plans are checked in tests/data/pipeline.test.ts). */

const PROD = "751029384756";

type Backup = {
  copyRegion: string;
  dailyRetentionDays: number;
  monthlyRetentionDays: number;
  copyRetentionDays: number;
  vaultLock?: { minRetentionDays: number; maxRetentionDays: number; changeableForDays: number };
};
const backupOf = (stack: string) => stackValue<Backup>(stack, "platform:backup");

describe("the backup plan's rules", () => {
  it("takes a daily and a monthly point, each copied to the second region for its own retention", () => {
    const rules = backupRules({
      dailySchedule: "cron(0 3 * * ? *)",
      dailyRetentionDays: 35,
      monthlySchedule: "cron(0 4 1 * ? *)",
      monthlyRetentionDays: 365,
      copyRetentionDays: 35,
    });
    expect(rules.map((r) => [r.ruleName, r.schedule, r.deleteAfterDays, r.copyDeleteAfterDays])).toEqual([
      ["daily", "cron(0 3 * * ? *)", 35, 35],
      ["monthly", "cron(0 4 1 * ? *)", 365, 365],
    ]);
  });

  it("uses AWS Backup's managed policies for RDS, DynamoDB and S3, backup and restore", () => {
    expect(BACKUP_ROLE_POLICIES.map((p) => p.split("/").pop())).toEqual([
      "AWSBackupServiceRolePolicyForBackup",
      "AWSBackupServiceRolePolicyForRestores",
      "AWSBackupServiceRolePolicyForS3Backup",
      "AWSBackupServiceRolePolicyForS3Restore",
    ]);
  });
});

describe("a backup vault's key", () => {
  const doc = backupKeyPolicy({ accountId: PROD, region: "eu-west-1" });
  const admin = { arn: ssoRole(PROD, "PlatformAdmin", "eu-west-2") };
  const backupRole = { arn: `arn:aws:iam::${PROD}:role/platform-prod-backup` };
  const via = (service: string, region = "eu-west-1") => ({
    "kms:ViaService": `${service}.${region}.amazonaws.com`,
    "kms:CallerAccount": PROD,
  });

  it("is used only through AWS Backup and RDS in its own region", () => {
    expect(
      allows(doc, { action: "kms:GenerateDataKey", principal: backupRole, context: via("backup") }),
    ).toBe(true);
    expect(allows(doc, { action: "kms:Decrypt", principal: backupRole, context: via("rds") })).toBe(true);
    expect(
      allows(doc, { action: "kms:Decrypt", principal: backupRole, context: via("backup", "eu-west-2") }),
    ).toBe(false);
    expect(allows(doc, { action: "kms:Decrypt", principal: admin })).toBe(false);
    expect(allows(doc, { action: "kms:Decrypt", principal: admin, context: via("s3") })).toBe(false);
  });

  it("stays manageable by the account, and grants only for AWS resources", () => {
    expect(allows(doc, { action: "kms:PutKeyPolicy", principal: admin })).toBe(true);
    expect(allows(doc, { action: "kms:CreateGrant", principal: backupRole, context: via("backup") })).toBe(
      false,
    );
    expect(
      allows(doc, {
        action: "kms:CreateGrant",
        principal: backupRole,
        context: { ...via("backup"), "kms:GrantIsForAWSResource": "true" },
      }),
    ).toBe(true);
  });
});

describe("platform:backup rules", () => {
  it("requires backups in the production-grade stacks", async () => {
    await expectConfigError(
      "preprod",
      { "platform:backup": undefined },
      /platform:backup: preprod is production-grade: its payment stores need AWS Backup plans/,
      /Pulumi\.preprod\.yaml/,
    );
  });

  it("requires the vault lock in prod", async () => {
    const b = backupOf("prod");
    delete b.vaultLock;
    await expectConfigError(
      "prod",
      { "platform:backup": b },
      /platform:backup\.vaultLock: must be set in prod: its backups must be immutable/,
    );
  });

  it("refuses a copy region equal to the stack's region", async () => {
    const b = backupOf("preprod");
    b.copyRegion = "eu-west-2";
    await expectConfigError(
      "preprod",
      { "platform:backup": b },
      /platform:backup\.copyRegion: must differ from the stack's region \(eu-west-2\)/,
    );
  });

  it("refuses retentions outside the vault lock's bounds, and a lock whose minimum exceeds its maximum", async () => {
    const b = backupOf("prod");
    b.monthlyRetentionDays = 500;
    await expectConfigError(
      "prod",
      { "platform:backup": b },
      /platform:backup\.monthlyRetentionDays: must lie within the vault lock's 7 to 400 days, or AWS Backup refuses the job; got 500/,
    );
    const c = backupOf("prod");
    c.vaultLock = { minRetentionDays: 500, maxRetentionDays: 400, changeableForDays: 3 };
    await expectConfigError(
      "prod",
      { "platform:backup": c },
      /platform:backup\.vaultLock\.minRetentionDays: must not exceed platform:backup\.vaultLock\.maxRetentionDays \(400\)/,
    );
  });

  it("refuses a vault lock grace time under AWS's 3-day minimum", async () => {
    const b = backupOf("prod");
    b.vaultLock!.changeableForDays = 1;
    await expectConfigError(
      "prod",
      { "platform:backup": b },
      /platform:backup\.vaultLock\.changeableForDays: expected at least 3 days/,
    );
  });
});
