/**
 * The rules of the distribution's WAF web ACL (scope CLOUDFRONT) as plain data: AWS managed rule
 * groups, then a per-IP rate limit. Requests no rule blocks are allowed.
 */

/** AWS managed rule groups the web ACL runs, in evaluation order. */
export const MANAGED_RULE_GROUPS = [
  /** Addresses Amazon threat intelligence has seen in bots and attacks: cheapest, so first. */
  "AWSManagedRulesAmazonIpReputationList",
  /** The OWASP-style core rule set (XSS, LFI, RFI, size limits, bad bots). */
  "AWSManagedRulesCommonRuleSet",
  /** Request patterns known to be malicious (Log4j, Java deserialisation, localhost hosts). */
  "AWSManagedRulesKnownBadInputsRuleSet",
] as const;

export const RATE_LIMIT_RULE = "rate-limit-per-ip";

interface Visibility {
  cloudwatchMetricsEnabled: true;
  sampledRequestsEnabled: true;
  metricName: string;
}

export interface WebAclRule {
  name: string;
  priority: number;
  overrideAction?: { none: Record<string, never> };
  action?: { block: Record<string, never> };
  statement: {
    managedRuleGroupStatement?: { vendorName: "AWS"; name: string };
    rateBasedStatement?: { limit: number; aggregateKeyType: "IP"; evaluationWindowSec: 300 };
  };
  visibilityConfig: Visibility;
}

/** CloudWatch metrics and sampled requests on, under `<metricPrefix>-<name>`. */
export function visibility(metricPrefix: string, name?: string): Visibility {
  return {
    cloudwatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName: name === undefined ? metricPrefix : `${metricPrefix}-${name}`,
  };
}

/**
 * The managed rule groups (their own actions: `overrideAction: none`), then a rule blocking any
 * client IP above `ratePer5Minutes` requests in the last five minutes.
 */
export function webAclRules(metricPrefix: string, ratePer5Minutes: number): WebAclRule[] {
  if (!Number.isInteger(ratePer5Minutes) || ratePer5Minutes < 100) {
    throw new Error(`the WAF rate limit must be a whole number of at least 100; got ${ratePer5Minutes}`);
  }
  const managed: WebAclRule[] = MANAGED_RULE_GROUPS.map((group, priority) => ({
    name: group,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
    visibilityConfig: visibility(metricPrefix, group),
  }));
  return [
    ...managed,
    {
      name: RATE_LIMIT_RULE,
      priority: managed.length,
      action: { block: {} },
      statement: {
        rateBasedStatement: { limit: ratePer5Minutes, aggregateKeyType: "IP", evaluationWindowSec: 300 },
      },
      visibilityConfig: visibility(metricPrefix, RATE_LIMIT_RULE),
    },
  ];
}
