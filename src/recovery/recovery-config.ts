import { z } from "zod";
import { awsRegion } from "../core/config-primitives";
import type { Rule, RuleIssue } from "../core/config-rules";

/**
 * `platform:backup` (environment stacks): AWS Backup of the environment's payment stores (the RDS
 * primary, the DynamoDB payments table, the payload archive bucket), copied to a second region, and
 * the RDS primary's automated backups replicated there. Required in production-grade stacks; the
 * vault lock is required in gated ones (prod).
 */

const days = (min: number, max: number) =>
  z
    .number({ error: "expected a whole number of days" })
    .int("expected a whole number of days")
    .min(min, `expected at least ${min} days`)
    .max(max, `expected at most ${max} days`);

/** AWS Backup schedule: a `cron(...)` expression (UTC unless the plan names a time zone). */
const schedule = z
  .string()
  .regex(/^cron\([^)]+\)$/, "expected an AWS Backup schedule such as cron(0 3 * * ? *)");

export const backupSchema = z
  .object({
    /** The second region the recovery points (and RDS automated backups) are copied to. */
    copyRegion: awsRegion,
    /** When the daily backup starts (UTC). */
    dailySchedule: schedule,
    /** Days a daily recovery point is kept, in this region. */
    dailyRetentionDays: days(1, 36500),
    /** When the monthly backup starts (UTC). */
    monthlySchedule: schedule,
    /** Days a monthly recovery point is kept, in this region. */
    monthlyRetentionDays: days(1, 36500),
    /** Days the copies in `copyRegion` are kept. */
    copyRetentionDays: days(1, 36500),
    /**
     * AWS Backup Vault Lock in compliance mode on both vaults. After `changeableForDays` (the grace
     * time, at least 3) the lock can never be removed or shortened, by anyone, including AWS.
     */
    vaultLock: z
      .object({
        /** No recovery point can be deleted before it is this old. */
        minRetentionDays: days(1, 36500),
        /** No recovery point may be kept longer (bounds every rule's retention). */
        maxRetentionDays: days(1, 36500),
        /** The grace time: the lock can still be removed until it has passed. */
        changeableForDays: days(3, 36500),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The backup keys of an environment stack, spread into its schema. */
export const recoveryShape = { backup: backupSchema.optional() };

export type BackupConfig = z.infer<typeof backupSchema>;

function backupOf(s: object): BackupConfig | undefined {
  return (s as { backup?: BackupConfig }).backup;
}

/** Rules of `platform:backup`: each names the full key. */
export const RECOVERY_RULES: Rule[] = [
  function backupsInProductionGrade(s, { stack, info }) {
    if (info.role !== "environment" || !info.productionGrade || backupOf(s)) return [];
    return [
      {
        key: "platform:backup",
        message: `${stack} is production-grade: its payment stores need AWS Backup plans (set platform:backup)`,
      },
    ];
  },

  function vaultLockWhereGated(s, { stack, info }) {
    const b = backupOf(s);
    if (!b || !info.gated || b.vaultLock) return [];
    return [
      {
        key: "platform:backup.vaultLock",
        message: `must be set in ${stack}: its backups must be immutable (AWS Backup Vault Lock, compliance mode)`,
      },
    ];
  },

  function copyElsewhere(s, { region }) {
    const b = backupOf(s);
    if (!b || b.copyRegion !== region) return [];
    return [
      {
        key: "platform:backup.copyRegion",
        message: `must differ from the stack's region (${region}): a copy in the same region does not survive its loss`,
      },
    ];
  },

  function retentionWithinLock(s) {
    const b = backupOf(s);
    const lock = b?.vaultLock;
    if (!b || !lock) return [];
    const out: RuleIssue[] = [];
    if (lock.minRetentionDays > lock.maxRetentionDays) {
      out.push({
        key: "platform:backup.vaultLock.minRetentionDays",
        message: `must not exceed platform:backup.vaultLock.maxRetentionDays (${lock.maxRetentionDays})`,
      });
      return out;
    }
    for (const field of ["dailyRetentionDays", "monthlyRetentionDays", "copyRetentionDays"] as const) {
      const d = b[field];
      if (d < lock.minRetentionDays || d > lock.maxRetentionDays) {
        out.push({
          key: `platform:backup.${field}`,
          message: `must lie within the vault lock's ${lock.minRetentionDays} to ${lock.maxRetentionDays} days, or AWS Backup refuses the job; got ${d}`,
        });
      }
    }
    return out;
  },
];
