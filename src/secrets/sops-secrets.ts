import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "../core/naming";
import type { SecretFile } from "./sops-files";

export interface SopsSecretsArgs {
  readonly naming: NameContext;
  /** The decrypted secret files of the stack. */
  readonly files: readonly SecretFile[];
  /** The key the secrets are encrypted with in Secrets Manager (the environment's data key). */
  readonly keyArn: pulumi.Input<string>;
  readonly recoveryWindowDays: number;
}

/**
 * The stack's SOPS secret files, applied into Secrets Manager: one secret per file,
 * `<stack>/<name>`, holding the file's values as one JSON object, written as a Pulumi secret (never
 * in plaintext in the state or a preview) and encrypted with the environment's data key. External
 * Secrets reads `<stack>/*`, so a workload gets one by naming it in its ExternalSecret.
 */
export class SopsSecrets extends pulumi.ComponentResource {
  /** Secret ARN by name (under `<stack>/`). */
  readonly secretArns: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: SopsSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:secrets:SopsSecrets", name, {}, opts);
    const parent = { parent: this };
    for (const f of args.files) {
      const id = `sops-${f.name.replace(/\//g, "-")}`;
      const secret = new aws.secretsmanager.Secret(
        id,
        {
          name: `${args.naming.stack}/${f.name}`,
          description: f.description ?? `From ${f.file} (SOPS)`,
          kmsKeyId: args.keyArn,
          recoveryWindowInDays: args.recoveryWindowDays,
          tags: { ...nameTag(args.naming, "sops", f.name.replace(/\//g, "-")), SourceFile: f.file },
        },
        parent,
      );
      new aws.secretsmanager.SecretVersion(
        `${id}-value`,
        { secretId: secret.id, secretString: pulumi.secret(JSON.stringify(f.values)) },
        parent,
      );
      this.secretArns[f.name] = secret.arn;
    }
    this.registerOutputs({ secretArns: this.secretArns });
  }
}
