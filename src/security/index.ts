/**
 * The organization's security baseline: detective controls from the security tooling account,
 * security alerts, each account's baseline (S3 Block Public Access, AWS Config, budget), cost
 * anomaly detection.
 */
export {
  SECURITY_RULES,
  securityEnvironmentShape,
  securityManagementShape,
} from "./security-config";
export { securityEnvironmentStack, securityManagementStack } from "./security-stack";
