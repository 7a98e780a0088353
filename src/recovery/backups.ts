import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { toJson } from "../core/policy-document";
import { serviceRole } from "../core/service-role";
import { BACKUP_ROLE_POLICIES, backupKeyPolicy, backupRules } from "./backup-policies";
import type { BackupConfig } from "./recovery-config";

/** What is backed up: the environment's payment stores. */
export interface ProtectedStores {
  /** The RDS primary (its read replicas are rebuilt from it; see docs/recovery.md). */
  readonly databaseArn: pulumi.Input<string>;
  /** The primary's automated backups keep this many days (replicated for as long). */
  readonly databaseBackupRetentionDays: number;
  readonly tableArn: pulumi.Input<string>;
  readonly archiveBucketArn: pulumi.Input<string>;
  /** Where failed backup and copy jobs are reported. */
  readonly alertsTopicArn: pulumi.Input<string>;
}

export interface BackupsArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  readonly backup: BackupConfig;
  readonly stores: ProtectedStores;
}

/**
 * AWS Backup for an environment's payment stores:
 *
 * - a vault in the stack's region and one in `copyRegion`, each encrypted with its own KMS key
 *   (never the data key), both locked in compliance mode where `vaultLock` is set (prod);
 * - a plan with a daily and a monthly rule, every recovery point copied to the second region;
 * - a selection naming the RDS primary, the DynamoDB payments table and the payload archive bucket,
 *   backed up under a role that holds only AWS Backup's managed policies;
 * - the region settings that opt RDS, DynamoDB and S3 in, with DynamoDB's advanced backups (needed
 *   to copy its recovery points to another region);
 * - the RDS primary's automated backups replicated to `copyRegion`, so point-in-time recovery
 *   survives the loss of the region;
 * - alarms on failed backup and copy jobs, to the environment's alerts topic.
 *
 * Everything here is protected: a backup that a stack change can delete is not a backup.
 */
export class Backups extends pulumi.ComponentResource {
  readonly vaultName: string;
  readonly copyVaultName: string;
  readonly planId: pulumi.Output<string>;

  constructor(name: string, args: BackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:recovery:Backups", name, {}, opts);
    const { naming, backup: b } = args;
    const keep = { parent: this, protect: true };
    this.vaultName = physicalName(naming, "backup");
    this.copyVaultName = physicalName(naming, "backup-copy");

    const vault = (id: string, vaultName: string, region: string) => {
      const key = new aws.kms.Key(
        `${id}-key`,
        {
          region,
          description: `${vaultName}: AWS Backup recovery points`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: toJson(backupKeyPolicy({ accountId: args.accountId, region })),
          tags: nameTag(naming, vaultName),
        },
        { ...keep, retainOnDelete: true },
      );
      new aws.kms.Alias(
        `${id}-key-alias`,
        { region, name: `alias/${vaultName}`, targetKeyId: key.keyId },
        { parent: this },
      );
      const v = new aws.backup.Vault(
        id,
        {
          region,
          name: vaultName,
          kmsKeyArn: key.arn,
          forceDestroy: false,
          tags: nameTag(naming, vaultName),
        },
        keep,
      );
      if (b.vaultLock) {
        new aws.backup.VaultLockConfiguration(
          `${id}-lock`,
          {
            region,
            backupVaultName: v.name,
            minRetentionDays: b.vaultLock.minRetentionDays,
            maxRetentionDays: b.vaultLock.maxRetentionDays,
            changeableForDays: b.vaultLock.changeableForDays,
          },
          keep,
        );
      }
      return { vault: v, key };
    };
    const home = vault("backup-vault", this.vaultName, args.region);
    const copy = vault("backup-copy-vault", this.copyVaultName, b.copyRegion);

    const settings = new aws.backup.RegionSettings(
      "backup-region-settings",
      {
        resourceTypeOptInPreference: { RDS: true, DynamoDB: true, S3: true },
        resourceTypeManagementPreference: { DynamoDB: true },
      },
      { parent: this },
    );

    const role = serviceRole(
      "backup-role",
      { naming, roleName: "backup", service: "backup.amazonaws.com" },
      { parent: this },
    );
    const attachments = BACKUP_ROLE_POLICIES.map(
      (policyArn) =>
        new aws.iam.RolePolicyAttachment(
          `backup-role-${policyArn
            .split("/")
            .pop()!
            .replace(/^AWSBackupServiceRolePolicyFor/, "")
            .toLowerCase()}`,
          { role: role.name, policyArn },
          { parent: this },
        ),
    );

    const plan = new aws.backup.Plan(
      "backup-plan",
      {
        name: physicalName(naming, "payments"),
        rules: backupRules(b).map((r) => ({
          ruleName: r.ruleName,
          targetVaultName: home.vault.name,
          schedule: r.schedule,
          startWindow: r.startWindow,
          completionWindow: r.completionWindow,
          lifecycle: { deleteAfter: r.deleteAfterDays },
          copyActions: [
            { destinationVaultArn: copy.vault.arn, lifecycle: { deleteAfter: r.copyDeleteAfterDays } },
          ],
          recoveryPointTags: { ...nameTag(naming, "backup"), Rule: r.ruleName },
        })),
        tags: nameTag(naming, "backup-plan"),
      },
      { ...keep, dependsOn: [settings] },
    );
    this.planId = plan.id;
    new aws.backup.Selection(
      "backup-selection",
      {
        name: physicalName(naming, "payment-stores"),
        planId: plan.id,
        iamRoleArn: role.arn,
        resources: [args.stores.databaseArn, args.stores.tableArn, args.stores.archiveBucketArn],
      },
      { parent: this, dependsOn: attachments },
    );

    // Point-in-time recovery of the database in the second region.
    new aws.rds.InstanceAutomatedBackupsReplication(
      "db-backups-replication",
      {
        region: b.copyRegion,
        sourceDbInstanceArn: args.stores.databaseArn,
        kmsKeyId: copy.key.arn,
        retentionPeriod: args.stores.databaseBackupRetentionDays,
      },
      keep,
    );

    for (const [id, metric, description] of [
      ["backup-jobs-failed", "NumberOfBackupJobsFailed", "A backup job of the payment stores failed"],
      ["copy-jobs-failed", "NumberOfCopyJobsFailed", "Copying a recovery point to the second region failed"],
    ] as const) {
      new aws.cloudwatch.MetricAlarm(
        `alarm-${id}`,
        {
          name: physicalName(naming, id),
          alarmDescription: description,
          namespace: "AWS/Backup",
          metricName: metric,
          dimensions: { BackupVaultName: this.vaultName },
          statistic: "Sum",
          period: 3600,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [args.stores.alertsTopicArn],
          okActions: [args.stores.alertsTopicArn],
          tags: nameTag(naming, id),
        },
        { parent: this },
      );
    }

    this.registerOutputs({
      vaultName: this.vaultName,
      copyVaultName: this.copyVaultName,
      planId: this.planId,
    });
  }
}
