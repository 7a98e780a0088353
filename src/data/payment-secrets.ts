import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "../core/naming";

export interface PaymentSecretsArgs {
  readonly naming: NameContext;
  /** `<environment>/payments/provider-api-key`: External Secrets is limited to its environment's path. */
  readonly providerApiKeyName: string;
  readonly keyArn: pulumi.Input<string>;
  readonly recoveryWindowDays: number;
  /** The provider's API key (a Pulumi secret); unset leaves the secret without a value until it is set. */
  readonly providerApiKey: pulumi.Input<string> | undefined;
  /**
   * One secret per workload of the application chart, `<environment>/payments/<workload>`, which
   * the chart's ExternalSecret reads in full as environment variables. Workloads listed in
   * `withProviderKey` get the provider key as `PAYMENT_PROVIDER_API_KEY`; the other values are
   * the application team's and are never overwritten (created as `{}`, then left alone).
   */
  readonly workloadSecrets: readonly {
    readonly workload: string;
    readonly name: string;
    readonly withProviderKey: boolean;
  }[];
  /** Production-grade: every secret is protected (deleting one breaks the workloads that read it). */
  readonly protect: boolean;
}

/** Secrets Manager entries of the payments workloads, encrypted with the data key. */
export class PaymentSecrets extends pulumi.ComponentResource {
  readonly providerApiKeyArn: pulumi.Output<string>;
  /** Secret ARN by chart workload. */
  readonly workloadSecretArns: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: PaymentSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:PaymentSecrets", name, {}, opts);
    const secret = new aws.secretsmanager.Secret(
      "provider-api-key",
      {
        name: args.providerApiKeyName,
        description: "API key of the external payment provider",
        kmsKeyId: args.keyArn,
        recoveryWindowInDays: args.recoveryWindowDays,
        tags: nameTag(args.naming, "payments-provider-api-key"),
      },
      { parent: this, protect: args.protect },
    );
    if (args.providerApiKey !== undefined) {
      new aws.secretsmanager.SecretVersion(
        "provider-api-key-value",
        { secretId: secret.id, secretString: pulumi.secret(args.providerApiKey) },
        { parent: this },
      );
    }
    this.providerApiKeyArn = secret.arn;

    const workloadArns: Record<string, pulumi.Output<string>> = {};
    for (const w of args.workloadSecrets) {
      const ws = new aws.secretsmanager.Secret(
        `workload-${w.workload}`,
        {
          name: w.name,
          description: `Environment of the ${w.workload} workload, synced by External Secrets`,
          kmsKeyId: args.keyArn,
          recoveryWindowInDays: args.recoveryWindowDays,
          tags: nameTag(args.naming, "payments", w.workload),
        },
        { parent: this, protect: args.protect },
      );
      const managed = w.withProviderKey && args.providerApiKey !== undefined;
      new aws.secretsmanager.SecretVersion(
        `workload-${w.workload}-value`,
        {
          secretId: ws.id,
          secretString: managed
            ? pulumi.secret(
                pulumi
                  .output(args.providerApiKey!)
                  .apply((key) => JSON.stringify({ PAYMENT_PROVIDER_API_KEY: key })),
              )
            : "{}",
        },
        // Unmanaged values belong to the application team: Pulumi seeds `{}` and never reverts them.
        { parent: this, ...(managed ? {} : { ignoreChanges: ["secretString"] }) },
      );
      workloadArns[w.workload] = ws.arn;
    }
    this.workloadSecretArns = workloadArns;
    this.registerOutputs({ providerApiKeyArn: this.providerApiKeyArn, workloadSecretArns: workloadArns });
  }
}
