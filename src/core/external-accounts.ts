/**
 * AWS accounts outside the organization that the platform lets in on purpose, each for one job:
 * named once here because both the resource that admits them and the organization's resource
 * control policy (which refuses every other outside principal) must name them.
 */

/**
 * Elastic Load Balancing's log-delivery account per region, for regions available before August 2022
 * (AWS documents these principals for them; newer regions use the `logdelivery.elasticloadbalancing`
 * service principal). The organization's regions are all in this table; another region fails the plan.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-central-1": "054676820928",
  "eu-north-1": "897822967062",
};

/** Datadog's AWS account, which assumes the integration role (every commercial Datadog site). */
export const DATADOG_AWS_ACCOUNT = "464622532012";
