import { describe, expect, it } from "vitest";
import { assetsBucketPolicy } from "../../src/data/pipeline-policies";
import {
  ALL_METHODS,
  appOriginConfig,
  cacheBehaviours,
  edgeNames,
  geoRestriction,
  HSTS_MAX_AGE_SECONDS,
  MANAGED_POLICY_IDS,
  ORIGIN_IDS,
  securityHeaders,
} from "../../src/edge/distribution";
import { isUnderDomain } from "../../src/edge/edge-config";
import { albLogBucketPolicy, logDeliveryPolicy, REDACTED_HEADERS } from "../../src/edge/log-policies";
import { MANAGED_RULE_GROUPS, originVerifyRules, webAclRules } from "../../src/edge/waf-rules";
import { allows } from "../support/policy-evaluator";

/** The edge's pure parts: cache behaviours, headers, WAF rules, names, the assets bucket policy. */

const BUCKET = "arn:aws:s3:::platform-prod-static-assets-751029384756";
const DISTRIBUTION = "arn:aws:cloudfront::751029384756:distribution/E2QWRUHAPOMQZL";

describe("cache behaviours", () => {
  const table = cacheBehaviours("/static/*");

  it("the default goes to the ALB uncached with every viewer header but Host; static paths to S3 cached", () => {
    expect(table.defaultBehaviour).toEqual({
      targetOriginId: ORIGIN_IDS.app,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ALL_METHODS,
      cachedMethods: ["GET", "HEAD"],
      cachePolicyId: MANAGED_POLICY_IDS.cachingDisabled,
      originRequestPolicyId: MANAGED_POLICY_IDS.allViewer,
      compress: true,
    });
    expect(table.ordered).toEqual([
      {
        pathPattern: "/static/*",
        targetOriginId: ORIGIN_IDS.assets,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: MANAGED_POLICY_IDS.cachingOptimized,
        compress: true,
      },
    ]);
  });

  it("the S3 behaviour never forwards viewer headers (the OAC signs for the bucket's own Host)", () => {
    expect(table.ordered[0]?.originRequestPolicyId).toBeUndefined();
  });

  it("the behaviours do not share method lists (one cannot change the other)", () => {
    table.defaultBehaviour.allowedMethods.push("CONNECT");
    expect(cacheBehaviours("/static/*").defaultBehaviour.allowedMethods).toEqual(ALL_METHODS);
    expect(ALL_METHODS).not.toContain("CONNECT");
  });

  it("the managed policy ids are the AWS ids, in one place", () => {
    expect(MANAGED_POLICY_IDS).toEqual({
      cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
      cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
      allViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
    });
  });
});

describe("origins and headers", () => {
  it("the ALB origin is HTTPS only with TLS 1.2", () => {
    expect(appOriginConfig()).toMatchObject({
      originProtocolPolicy: "https-only",
      originSslProtocols: ["TLSv1.2"],
    });
  });

  it("security headers: one-year HSTS with subdomains and preload, nosniff, DENY, referrer policy, XSS block", () => {
    const h = securityHeaders();
    expect(HSTS_MAX_AGE_SECONDS).toBe(365 * 24 * 3600);
    expect(h.strictTransportSecurity).toEqual({
      accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
      includeSubdomains: true,
      preload: true,
      override: true,
    });
    expect(h.frameOptions.frameOption).toBe("DENY");
    expect(h.xssProtection).toEqual({ protection: true, modeBlock: true, override: true });
    for (const header of Object.values(h)) expect(header.override).toBe(true);
  });

  it("geo restriction: allow → whitelist, deny → blacklist, unset → none", () => {
    expect(geoRestriction(undefined)).toEqual({ restrictionType: "none", locations: [] });
    expect(geoRestriction({ type: "allow", countries: ["IE", "GB"] })).toEqual({
      restrictionType: "whitelist",
      locations: ["GB", "IE"],
    });
    expect(geoRestriction({ type: "deny", countries: ["KP"] })).toEqual({
      restrictionType: "blacklist",
      locations: ["KP"],
    });
  });

  it("names: bounded physical names, the origin-verify secret under the environment's path", () => {
    expect(edgeNames({ project: "platform", stack: "prod" })).toEqual({
      distributionComment: "platform-prod-edge",
      originAccessControl: "platform-prod-static-assets",
      responseHeadersPolicy: "platform-prod-security-headers",
      webAcl: "platform-prod-edge",
      originVerifySecret: "prod/payments/edge-origin-verify",
      originWebAcl: "platform-prod-origin",
      cloudfrontLogGroup: "/platform/prod/cloudfront-access",
      // WAF logs only to log groups named aws-waf-logs-*.
      edgeWafLogGroup: "aws-waf-logs-platform-prod-edge",
      originWafLogGroup: "aws-waf-logs-platform-prod-origin",
      cloudfrontLogDelivery: "platform-prod-cloudfront-access",
      logDeliveryPolicy: "platform-prod-edge-log-delivery",
    });
  });

  it("a hostname is under a domain only at a label boundary", () => {
    expect(isUnderDomain("www.prod.payments.example.com", "prod.payments.example.com")).toBe(true);
    expect(isUnderDomain("prod.payments.example.com", "prod.payments.example.com")).toBe(true);
    expect(isUnderDomain("notprod.payments.example.com", "prod.payments.example.com")).toBe(false);
    expect(isUnderDomain("prod.payments.example.com.evil.io", "prod.payments.example.com")).toBe(false);
  });
});

describe("WAF rules", () => {
  const rules = webAclRules("platform-prod-edge", 2000);

  it("managed groups keep their own actions; the rate rule blocks; priorities are unique and in order", () => {
    expect(rules.map((r) => [r.priority, r.name])).toEqual([
      [0, "AWSManagedRulesAmazonIpReputationList"],
      [1, "AWSManagedRulesCommonRuleSet"],
      [2, "AWSManagedRulesKnownBadInputsRuleSet"],
      [3, "rate-limit-per-ip"],
    ]);
    for (const r of rules.slice(0, MANAGED_RULE_GROUPS.length)) {
      expect(r.overrideAction).toEqual({ none: {} });
      expect(r.action).toBeUndefined();
      expect(r.statement.managedRuleGroupStatement).toEqual({ vendorName: "AWS", name: r.name });
    }
    expect(rules[3]).toMatchObject({
      action: { block: {} },
      statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
    });
  });

  it("every rule has its own metric, with sampled requests", () => {
    expect(rules.map((r) => r.visibilityConfig.metricName)).toEqual([
      "platform-prod-edge-AWSManagedRulesAmazonIpReputationList",
      "platform-prod-edge-AWSManagedRulesCommonRuleSet",
      "platform-prod-edge-AWSManagedRulesKnownBadInputsRuleSet",
      "platform-prod-edge-rate-limit-per-ip",
    ]);
    for (const r of rules)
      expect(r.visibilityConfig).toMatchObject({
        cloudwatchMetricsEnabled: true,
        sampledRequestsEnabled: true,
      });
  });

  it("refuses a rate limit under 100 or not whole", () => {
    expect(() => webAclRules("x", 99)).toThrow(/at least 100; got 99/);
    expect(() => webAclRules("x", 150.5)).toThrow(/whole number/);
  });
});

describe("assets bucket policy", () => {
  const doc = assetsBucketPolicy({ bucketArn: BUCKET, distributionArn: DISTRIBUTION });

  it("lets CloudFront read objects on behalf of exactly this distribution", () => {
    expect(doc.Statement.filter((s) => s.Effect === "Allow")).toEqual([
      {
        Sid: "CloudFrontDistributionReadsAssets",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `${BUCKET}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": DISTRIBUTION } },
      },
    ]);
  });

  it("keeps the TLS deny, and allows nothing to every principal", () => {
    expect(doc.Statement).toContainEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [BUCKET, `${BUCKET}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(doc.Statement.filter((s) => s.Principal === "*" && s.Effect === "Allow")).toEqual([]);
  });

  it("refuses anything but one distribution's ARN (a wildcard would admit every distribution)", () => {
    for (const bad of [
      "arn:aws:cloudfront::751029384756:distribution/*",
      "*",
      "arn:aws:cloudfront::751029384756:distribution/",
      "arn:aws:s3:::platform-prod-static-assets-751029384756",
    ]) {
      expect(() => assetsBucketPolicy({ bucketArn: BUCKET, distributionArn: bad }), bad).toThrow(
        /is not the ARN of one CloudFront distribution/,
      );
    }
  });
});

describe("the public ALB's origin-verify web ACL", () => {
  const header = (value: string) => ({
    byteMatchStatement: {
      fieldToMatch: { singleHeader: { name: "x-origin-verify" } },
      positionalConstraint: "EXACTLY",
      searchString: value,
      textTransformations: [{ priority: 0, type: "NONE" }],
    },
  });

  it("admits the current value, and during a rotation the previous one too, nothing else", () => {
    const [one] = originVerifyRules("platform-prod-origin", "X-Origin-Verify", ["current"]);
    expect(one).toMatchObject({ name: "cloudfront-origin-verify", priority: 0, action: { allow: {} } });
    expect(one!.statement).toEqual(header("current"));
    const [two] = originVerifyRules("platform-prod-origin", "X-Origin-Verify", ["previous", "current"]);
    expect(two!.statement).toEqual({ orStatement: { statements: [header("previous"), header("current")] } });
    expect(() => originVerifyRules("x", "X-Origin-Verify", [])).toThrow();
    expect(() => originVerifyRules("x", "X-Origin-Verify", ["a", "b", "c"])).toThrow();
  });
});

describe("access-log policies", () => {
  it("lets the region's Elastic Load Balancing account write this account's ALB logs, over TLS only", () => {
    const bucketArn = "arn:aws:s3:::platform-prod-alb-logs-751029384756";
    const doc = albLogBucketPolicy({ bucketArn, accountId: "751029384756", region: "eu-west-2" });
    const put = (principal: string, key: string, tls = true) =>
      allows(doc, {
        action: "s3:PutObject",
        resource: `${bucketArn}/${key}`,
        principal: { arn: `arn:aws:iam::${principal}:root` },
        context: { "aws:SecureTransport": tls },
      });
    expect(put("652711504416", "alb-public/AWSLogs/751029384756/elasticloadbalancing/x.log.gz")).toBe(true);
    expect(put("652711504416", "alb-public/AWSLogs/111122223333/x")).toBe(false);
    expect(put("156460612806", "alb-public/AWSLogs/751029384756/x")).toBe(false);
    expect(put("652711504416", "alb-public/AWSLogs/751029384756/x", false)).toBe(false);
    expect(() => albLogBucketPolicy({ bucketArn, accountId: "751029384756", region: "ap-south-2" })).toThrow(
      /ELB_LOG_DELIVERY_ACCOUNTS/,
    );
  });

  it("lets vended log delivery write only the edge's log groups, for this account", () => {
    const group = "arn:aws:logs:us-east-1:751029384756:log-group:aws-waf-logs-platform-prod-edge";
    const doc = logDeliveryPolicy({
      logGroupArns: [`${group}:*`],
      accountId: "751029384756",
      region: "us-east-1",
    });
    const write = (resource: string, account: string) =>
      allows(doc, {
        action: "logs:PutLogEvents",
        resource,
        principal: { service: "delivery.logs.amazonaws.com" },
        context: {
          "aws:SourceAccount": account,
          "aws:SourceArn": `arn:aws:logs:us-east-1:${account}:delivery-source:x`,
        },
      });
    expect(write(`${group}:log-stream:s`, "751029384756")).toBe(true);
    expect(write(`${group}:log-stream:s`, "111122223333")).toBe(false);
    expect(write("arn:aws:logs:us-east-1:751029384756:log-group:other:log-stream:s", "751029384756")).toBe(
      false,
    );
    expect(REDACTED_HEADERS).toEqual(expect.arrayContaining(["authorization", "cookie", "x-origin-verify"]));
  });
});
