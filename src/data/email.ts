import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "../core/naming";
import { DKIM_TOKEN_COUNT, type DnsRecord, dkimRecord, mailFromRecords } from "./email-records";

export interface EmailArgs {
  readonly naming: NameContext;
  readonly region: string;
  readonly domain: string;
  readonly hostedZoneId: string;
  readonly mailFromSubdomain: string;
  readonly configurationSetName: string;
  /** Bounce and complaint events are published here. */
  readonly alertsTopicArn: pulumi.Input<string>;
}

/**
 * SES for receipts and alerts: the domain identity with Easy DKIM (2048-bit), a custom MAIL
 * FROM domain, their DNS records in the environment's hosted zone, and a configuration set
 * (TLS required) whose bounces and complaints reach the alerts topic.
 */
export class Email extends pulumi.ComponentResource {
  readonly identityArn: pulumi.Output<string>;
  readonly configurationSetName: pulumi.Output<string>;

  constructor(name: string, args: EmailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:Email", name, {}, opts);
    const { naming } = args;
    const parent = { parent: this };

    const configSet = new aws.sesv2.ConfigurationSet(
      "email-config-set",
      {
        configurationSetName: args.configurationSetName,
        deliveryOptions: { tlsPolicy: "REQUIRE" },
        reputationOptions: { reputationMetricsEnabled: true },
        sendingOptions: { sendingEnabled: true },
        suppressionOptions: { suppressedReasons: ["BOUNCE", "COMPLAINT"] },
        tags: nameTag(naming, "payments-email"),
      },
      parent,
    );
    new aws.sesv2.ConfigurationSetEventDestination(
      "email-bounces-to-alerts",
      {
        configurationSetName: configSet.configurationSetName,
        eventDestinationName: "bounces-and-complaints",
        eventDestination: {
          enabled: true,
          matchingEventTypes: ["BOUNCE", "COMPLAINT"],
          snsDestination: { topicArn: args.alertsTopicArn },
        },
      },
      parent,
    );

    const identity = new aws.sesv2.EmailIdentity(
      "email-identity",
      {
        emailIdentity: args.domain,
        configurationSetName: configSet.configurationSetName,
        dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" },
        tags: nameTag(naming, "payments-email"),
      },
      parent,
    );
    const mailFromDomain = `${args.mailFromSubdomain}.${args.domain}`;
    new aws.sesv2.EmailIdentityMailFromAttributes(
      "email-mail-from",
      { emailIdentity: identity.emailIdentity, mailFromDomain, behaviorOnMxFailure: "USE_DEFAULT_VALUE" },
      parent,
    );

    const record = (r: pulumi.Output<DnsRecord> | DnsRecord, id: string) =>
      new aws.route53.Record(
        `email-${id}`,
        {
          zoneId: args.hostedZoneId,
          name: pulumi.output(r).apply((x) => x.name),
          type: pulumi.output(r).apply((x) => x.type),
          ttl: 1800,
          records: pulumi.output(r).apply((x) => x.records),
        },
        parent,
      );
    for (let i = 0; i < DKIM_TOKEN_COUNT; i++) {
      const token = identity.dkimSigningAttributes.apply((a) => a?.tokens?.[i] ?? "");
      record(
        token.apply((t) => dkimRecord(args.domain, t, i)),
        `dkim-${i + 1}`,
      );
    }
    for (const r of mailFromRecords({ mailFromDomain, region: args.region })) record(r, r.id);

    this.identityArn = identity.arn;
    this.configurationSetName = configSet.configurationSetName;
    this.registerOutputs({ identityArn: this.identityArn });
  }
}
