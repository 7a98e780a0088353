import type * as aws from "@pulumi/aws";
import type { StackBasics } from "../core/config-loader";
import { Backups, type ProtectedStores } from "./backups";
import type { BackupConfig } from "./recovery-config";

/** What recovery reads of an environment stack's model. */
export type RecoveryStackConfig = StackBasics & { readonly backup?: BackupConfig | undefined };

/**
 * The environment's backups (production-grade stacks: `platform:backup` is required there); none
 * where the stack sets no `platform:backup` (dev). Returns the stack outputs.
 */
export function recoveryStack(cfg: RecoveryStackConfig, stores: ProtectedStores, provider: aws.Provider) {
  if (!cfg.backup) return {};
  const backups = new Backups(
    "backups",
    {
      naming: { project: cfg.project, stack: cfg.stack },
      accountId: cfg.accountId,
      region: cfg.region,
      backup: cfg.backup,
      stores,
    },
    { provider },
  );
  return {
    backupVaultName: backups.vaultName,
    backupCopyVaultName: backups.copyVaultName,
    backupCopyRegion: cfg.backup.copyRegion,
    backupPlanId: backups.planId,
  };
}
