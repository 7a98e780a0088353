import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { StackBasics } from "../core/config-loader";
import { findProjectRoot } from "../core/config-loader";
import { secretsKeyAlias } from "../governance";
import { readSecretFiles } from "./sops-files";
import { SopsSecrets } from "./sops-secrets";

/**
 * The stack's SOPS secrets (`secrets/<stack>/`), decrypted at deploy time and written into
 * Secrets Manager. `reserved`: the names under `<stack>/` the platform already manages. Returns the
 * stack outputs.
 */
export function sopsSecretsStack(
  cfg: StackBasics,
  target: {
    readonly keyArn: pulumi.Input<string>;
    readonly recoveryWindowDays: number;
    readonly reserved: readonly string[];
  },
  provider: aws.Provider,
) {
  const files = readSecretFiles({
    root: findProjectRoot(),
    stack: cfg.stack,
    keyAlias: secretsKeyAlias(cfg.stack),
    reserved: target.reserved,
  });
  if (files.length === 0) return {};
  const secrets = new SopsSecrets(
    "sops-secrets",
    {
      naming: { project: cfg.project, stack: cfg.stack },
      files,
      keyArn: target.keyArn,
      recoveryWindowDays: target.recoveryWindowDays,
    },
    { provider },
  );
  return { sopsSecretArns: secrets.secretArns };
}
