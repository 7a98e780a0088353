import {
  accountAdministersKey,
  accountRootArn,
  assertAccountId,
  type PolicyDocument,
  policy,
} from "../core/policy-document";

/** Services that use a backup key on a caller's behalf: Backup itself, and RDS for snapshot copies. */
export const BACKUP_KEY_VIA_SERVICES = ["backup", "rds"] as const;

/**
 * Key policy of a backup vault's key (one per region). The account administers it; principals of
 * the account use it only through AWS Backup and RDS in the key's region (the backup role, a
 * restore), never directly, so a recovery point's data is never readable outside a restore.
 */
export function backupKeyPolicy(a: { readonly accountId: string; readonly region: string }): PolicyDocument {
  assertAccountId(a.accountId, "backupKeyPolicy.accountId");
  const root = accountRootArn(a.accountId);
  const via = {
    "kms:CallerAccount": a.accountId,
    "kms:ViaService": BACKUP_KEY_VIA_SERVICES.map((s) => `${s}.${a.region}.amazonaws.com`),
  };
  return policy(
    accountAdministersKey(a.accountId),
    {
      Sid: "AccountUsesKeyThroughBackup",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      Resource: "*",
      Condition: { StringEquals: via },
    },
    {
      Sid: "BackupGrantsForAwsResources",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: "*",
      Condition: { StringEquals: via, Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  );
}

/** AWS-managed policies of the backup role: back up and restore RDS, DynamoDB and S3. */
export const BACKUP_ROLE_POLICIES = [
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
  "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
  "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
] as const;

/** One rule of the backup plan, as data. */
export interface BackupRule {
  readonly ruleName: string;
  readonly schedule: string;
  /** Minutes after the scheduled time the job may start, and must complete. */
  readonly startWindow: number;
  readonly completionWindow: number;
  readonly deleteAfterDays: number;
  readonly copyDeleteAfterDays: number;
}

/**
 * The plan's rules: a daily and a monthly recovery point, each copied to the second region. (RDS's
 * own automated backups give point-in-time recovery within their retention; these are the
 * longer-lived, vault-locked, off-region points.)
 */
export function backupRules(b: {
  readonly dailySchedule: string;
  readonly dailyRetentionDays: number;
  readonly monthlySchedule: string;
  readonly monthlyRetentionDays: number;
  readonly copyRetentionDays: number;
}): BackupRule[] {
  return [
    {
      ruleName: "daily",
      schedule: b.dailySchedule,
      startWindow: 60,
      completionWindow: 360,
      deleteAfterDays: b.dailyRetentionDays,
      copyDeleteAfterDays: b.copyRetentionDays,
    },
    {
      ruleName: "monthly",
      schedule: b.monthlySchedule,
      startWindow: 60,
      completionWindow: 720,
      deleteAfterDays: b.monthlyRetentionDays,
      copyDeleteAfterDays: Math.max(b.copyRetentionDays, b.monthlyRetentionDays),
    },
  ];
}
