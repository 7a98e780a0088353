import * as pulumi from "@pulumi/pulumi";
import { StateBackend } from "./bootstrap";
import {
  ConfigError,
  PROJECT,
  readChartVersion,
  readStackFiles,
  stackFileConfig,
} from "./core/config-loader";
import { MANAGEMENT_STACK, stackFileName } from "./core/environments";
import { awsProvider } from "./core/provider";
import { STATE_KEY_ALIAS, stateBackendUrl } from "./core/state-backend";
import { identityCenterRoleArnPattern, SecretsKeys, secretsKeyAlias, secretsKeyPolicyOf } from "./governance";
import { type ManagementConfig, parseStackConfig } from "./stack-config";

/**
 * The bootstrap program (`bootstrap/`, its own Pulumi project with a local backend): what must exist
 * before the management stack's first `pulumi up` and cannot be created by it:
 *
 *  - the state bucket that stack's state goes into, with its key, access logs and the CI roles'
 *    grants on their own stacks' state (`StateBackend`);
 *  - the management stack's secrets key, `alias/platform-management-secrets`, its secrets provider
 *    (same policy builder as the environments' keys, which the management stack creates).
 *
 * Everything comes from `Pulumi.management.yaml` (account, region, administrators, secrets
 * editors), validated by the same model as the management stack. It runs as the management
 * account's `platform-break-glass` role (created by hand first; both keys admit it): neither
 * `platform-deploy` nor the administrators' Identity Center role exists yet.
 */

/** The bootstrap project and stack names (the offline plan's `--stack bootstrap`). */
export const BOOTSTRAP_PROJECT = "platform-bootstrap";
export const BOOTSTRAP_STACK = "bootstrap";

/** How long the state bucket keeps access logs and replaced checkpoint versions. */
const LOG_RETENTION_DAYS = 365;
const NONCURRENT_VERSION_DAYS = 90;

/** The management stack's model, read from its stack file in this repository. */
export function managementModel(): ManagementConfig {
  const files = readStackFiles();
  const file = files[MANAGEMENT_STACK];
  if (!file) {
    throw new ConfigError(MANAGEMENT_STACK, [
      { key: "stack", message: `${stackFileName(MANAGEMENT_STACK)} is missing` },
    ]);
  }
  const cfg = parseStackConfig({
    stack: MANAGEMENT_STACK,
    project: PROJECT,
    config: stackFileConfig(MANAGEMENT_STACK, file),
    stackFiles: files,
    latestChartVersion: readChartVersion(),
  });
  if (cfg.role !== "management")
    throw new Error("bootstrap: the management stack file is not a management stack");
  return cfg;
}

export async function bootstrapMain(): Promise<Record<string, unknown>> {
  let cfg: ManagementConfig;
  try {
    cfg = managementModel();
  } catch (err) {
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
  // The break-glass role of the management account itself: no deploy role yet.
  const provider = awsProvider({ ...cfg, stack: MANAGEMENT_STACK, deployRoleArn: undefined });
  const naming = { project: cfg.project, stack: MANAGEMENT_STACK };
  const admin = identityCenterRoleArnPattern(cfg.identityCenter.adminPermissionSet, cfg.accountId);

  const state = new StateBackend(
    "state",
    {
      naming,
      managementAccountId: cfg.accountId,
      region: cfg.region,
      project: cfg.project,
      adminPrincipalArn: admin,
      logRetentionDays: LOG_RETENTION_DAYS,
      noncurrentVersionDays: NONCURRENT_VERSION_DAYS,
    },
    { provider },
  );
  const keys = new SecretsKeys(
    "secrets-keys",
    {
      naming,
      stacks: [{ stack: MANAGEMENT_STACK, accountId: cfg.accountId }],
      policy: secretsKeyPolicyOf(cfg),
    },
    { provider },
  );
  const alias = secretsKeyAlias(MANAGEMENT_STACK);
  return {
    stateBucket: state.bucketName,
    stateKeyAlias: STATE_KEY_ALIAS,
    backendUrl: stateBackendUrl(cfg.accountId, cfg.region),
    managementSecretsKeyArn: keys.keyArns[MANAGEMENT_STACK],
    managementSecretsProvider: `awskms:///arn:aws:kms:${cfg.region}:${cfg.accountId}:${alias}?region=${cfg.region}`,
  };
}
