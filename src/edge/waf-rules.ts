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

/** The rule of the origin's web ACL that admits requests carrying CloudFront's origin-verify header. */
export const ORIGIN_VERIFY_RULE = "cloudfront-origin-verify";

/** A byte-match on one header's exact value (header names are matched lowercase). */
function headerEquals(header: string, value: string) {
  return {
    byteMatchStatement: {
      fieldToMatch: { singleHeader: { name: header.toLowerCase() } },
      positionalConstraint: "EXACTLY",
      searchString: value,
      textTransformations: [{ priority: 0, type: "NONE" }],
    },
  };
}

/**
 * The rules of the public ALB's web ACL (scope REGIONAL, default action block): allow a request only
 * when its `header` carries one of `values`, the current origin-verify value and, while a rotation
 * is under way, the previous one (CloudFront switches to the new value at its own pace).
 */
export function originVerifyRules(metricPrefix: string, header: string, values: readonly string[]) {
  if (values.length === 0 || values.length > 2) {
    throw new Error(
      `the origin web ACL admits the current and at most one previous value; got ${values.length}`,
    );
  }
  const statement =
    values.length === 1
      ? headerEquals(header, values[0]!)
      : { orStatement: { statements: values.map((v) => headerEquals(header, v)) } };
  return [
    {
      name: ORIGIN_VERIFY_RULE,
      priority: 0,
      action: { allow: {} },
      statement,
      visibilityConfig: visibility(metricPrefix, ORIGIN_VERIFY_RULE),
    },
  ];
}
