import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { STACK_NAMES, type StackName } from "../core/environments";
import { type NameContext, nameTag } from "../core/naming";
import { toJson } from "../core/policy-document";
import { secretsKeyAlias, secretsKeyPolicy } from "./secrets-key-policy";

export interface StackKeyAccess {
  /** The stack's account. */
  readonly environmentAccountId: pulumi.Input<string>;
  /** Exact role ARNs that deploy the stack (the CI role here, the deploy role there). */
  readonly deployRoleArns: pulumi.Input<string>[];
  /** ArnLike patterns of the people who may add and read secrets (ignored for prod and management: admins only). */
  readonly developerPrincipalArns: readonly string[];
}

export interface SecretsKeysArgs {
  readonly naming: NameContext;
  readonly region: string;
  /** The management account, which holds every stack's key. */
  readonly keyAccountId: string;
  /** Administrators (ArnLike patterns). */
  readonly adminPrincipalArns: readonly string[];
  readonly stacks: Readonly<Record<StackName, StackKeyAccess>>;
}

/**
 * One customer-managed KMS key per stack, `alias/platform-<stack>-secrets`, for its SOPS files and
 * its Pulumi secrets provider: rotation on, a 30-day deletion window, protected and retained. The
 * key policy (`secretsKeyPolicy`) lets only the administrators and the stack's deploy roles
 * decrypt prod and management secrets, and only the administrators add them.
 */
export class SecretsKeys extends pulumi.ComponentResource {
  readonly keyArns = {} as Record<StackName, pulumi.Output<string>>;
  readonly aliases = {} as Record<StackName, string>;

  constructor(name: string, args: SecretsKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:secrets:SecretsKeys", name, {}, opts);
    for (const stack of STACK_NAMES) {
      const access = args.stacks[stack];
      const key = new aws.kms.Key(
        `secrets-${stack}`,
        {
          description: `SOPS files and Pulumi secrets of the ${stack} stack`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: pulumi
            .all([access.environmentAccountId, pulumi.all(access.deployRoleArns)])
            .apply(([environmentAccountId, deployRoleArns]) =>
              toJson(
                secretsKeyPolicy({
                  stack,
                  keyAccountId: args.keyAccountId,
                  environmentAccountId,
                  region: args.region,
                  adminPrincipalArns: args.adminPrincipalArns,
                  deployRoleArns,
                  developerPrincipalArns: access.developerPrincipalArns,
                }),
              ),
            ),
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
