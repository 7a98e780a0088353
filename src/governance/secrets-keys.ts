import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackName } from "../core/environments";
import { type NameContext, nameTag } from "../core/naming";
import { type PolicyDocument, toJson } from "../core/policy-document";
import { secretsKeyAlias } from "./secrets-key-policy";

export interface SecretsKeysArgs {
  readonly naming: NameContext;
  /** The stacks whose keys this component owns, with each stack's account. */
  readonly stacks: readonly { readonly stack: StackName; readonly accountId: pulumi.Input<string> }[];
  /** The key policy of a stack's key, given the stack's account (`secretsKeyPolicyOf`). */
  readonly policy: (stack: StackName, accountId: string) => PolicyDocument;
}

/**
 * One customer-managed KMS key per stack, `alias/platform-<stack>-secrets`, for its SOPS files and
 * its Pulumi secrets provider: rotation on, a 30-day deletion window, protected and retained. The
 * key policy (`stackSecretsKeyPolicy`) lets only the administrators and the stack's deploy roles
 * use prod and management secrets, the stack's preview role decrypt them, and only the
 * administrators add them.
 */
export class SecretsKeys extends pulumi.ComponentResource {
  readonly keyArns = {} as Partial<Record<StackName, pulumi.Output<string>>>;
  readonly aliases = {} as Partial<Record<StackName, string>>;

  constructor(name: string, args: SecretsKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:secrets:SecretsKeys", name, {}, opts);
    for (const { stack, accountId } of args.stacks) {
      const key = new aws.kms.Key(
        `secrets-${stack}`,
        {
          description: `SOPS files and Pulumi secrets of the ${stack} stack`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: pulumi.output(accountId).apply((id) => toJson(args.policy(stack, id))),
          tags: nameTag(args.naming, "secrets", stack),
        },
        { parent: this, protect: true, retainOnDelete: true },
      );
      const alias = secretsKeyAlias(stack);
      new aws.kms.Alias(`secrets-${stack}-alias`, { name: alias, targetKeyId: key.keyId }, { parent: this });
      this.keyArns[stack] = key.arn;
      this.aliases[stack] = alias;
    }
    this.registerOutputs({ keyArns: this.keyArns });
  }
}
