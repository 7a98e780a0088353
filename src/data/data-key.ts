import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { toJson } from "../core/policy-document";
import { dataKeyPolicy } from "./data-key-policy";

export interface DataKeyArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  /** The stack's log groups that may be encrypted with the key (e.g. `/platform/prod/`). */
  readonly logGroupPrefix: string;
  /** Production-grade stacks: the key is `protect`ed and kept for 30 days after a scheduled deletion. */
  readonly protect: boolean;
}

/** The environment's data key (`platform-<env>-data`): every store of the environment is encrypted with it. */
export class DataKey extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;
  readonly aliasName: string;

  constructor(name: string, args: DataKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:DataKey", name, {}, opts);
    const { naming } = args;
    this.aliasName = `alias/${physicalName(naming, "data")}`;
    const key = new aws.kms.Key(
      "data-key",
      {
        description: `${physicalName(naming, "data")}: RDS, DynamoDB, S3, SQS, SNS, Logs, OpenSearch, Secrets Manager`,
        enableKeyRotation: true,
        deletionWindowInDays: args.protect ? 30 : 7,
        policy: toJson(
          dataKeyPolicy({
            accountId: args.accountId,
            region: args.region,
            logGroupPrefix: args.logGroupPrefix,
          }),
        ),
        tags: nameTag(naming, "data"),
      },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );
    new aws.kms.Alias("data-key-alias", { name: this.aliasName, targetKeyId: key.keyId }, { parent: this });
    this.arn = key.arn;
    this.keyId = key.keyId;
    this.registerOutputs({ arn: this.arn, alias: this.aliasName });
  }
}
