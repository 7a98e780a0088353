/** Backups and recovery of an environment's payment stores (AWS Backup, cross-region copies). */
export { RECOVERY_RULES, recoveryShape } from "./recovery-config";
export { recoveryStack } from "./recovery-stack";
