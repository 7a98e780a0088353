import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../src/core/policy-document";
import { MANAGED_POLICY_IDS, ORIGIN_IDS } from "../../src/edge/distribution";
import { MANAGED_RULE_GROUPS } from "../../src/edge/waf-rules";
import {
  named,
  ofType,
  type PlannedResource,
  type PlanResult,
  planStack,
  planVariant,
  stackValue,
  within,
} from "../support/harness";

/** The edge of the application environments (CloudFront, WAF, certificate, DNS), on the offline plans. */

const { specialSigKey, specialSecretSig } = require("@pulumi/pulumi/runtime/rpc") as {
  specialSigKey: string;
  specialSecretSig: string;
};
const isSecret = (v: unknown): v is { value: unknown } =>
  v !== null && typeof v === "object" && (v as Record<string, unknown>)[specialSigKey] === specialSecretSig;
const reveal = <T>(v: unknown): T => (isSecret(v) ? v.value : v) as T;

const out = (plan: PlanResult, key: string) => plan.outputs[key] as string;
const distributionOf = (plan: PlanResult) =>
  named(plan, "aws:cloudfront/distribution:Distribution", "edge-distribution");

interface Origin {
  originId: string;
  domainName: string;
  originAccessControlId?: string;
  customOriginConfig?: Record<string, unknown>;
  customHeaders?: { name: string; value: unknown }[];
}
const originsOf = (d: PlannedResource) => reveal<Origin[]>(d.inputs.origins);
const originOf = (d: PlannedResource, id: string) => {
  const o = originsOf(d).find((x) => x.originId === id);
  if (!o) throw new Error(`no origin ${id}`);
  return o;
};

interface EdgeValues {
  domain: string;
  hostedZoneId: string;
  hostnames: string[];
  internalHostnames: string[];
  originHostname: string;
  staticPathPattern: string;
  priceClass: string;
  rateLimitPer5Minutes: number;
}
const edgeConfig = (stack: string) => stackValue<EdgeValues>(stack, "platform:edge");

describe("certificate in us-east-1, validated in the environment's zone (dev)", () => {
  it("the certificate and the web ACL use a us-east-1 provider with the stack's account guard, role and tags", async () => {
    const plan = await planStack("dev");
    const providers = new Map(ofType(plan, "pulumi:providers:aws").map((p) => [p.name, p]));
    const cert = named(plan, "aws:acm/certificate:Certificate", "edge-certificate");
    const acl = named(plan, "aws:wafv2/webAcl:WebAcl", "edge-web-acl");
    const validation = named(
      plan,
      "aws:acm/certificateValidation:CertificateValidation",
      "edge-certificate-validation",
    );
    expect(cert.provider).not.toBe("aws");
    for (const r of [acl, validation]) expect(r.provider, r.name).toBe(cert.provider);
    const east = providers.get(cert.provider)!;
    const stackProvider = providers.get("aws")!;
    expect(east.inputs.region).toBe("us-east-1");
    expect(stackProvider.inputs.region).toBe("eu-west-2");
    for (const key of ["allowedAccountIds", "assumeRoles", "defaultTags"]) {
      expect(east.inputs[key], key).toEqual(stackProvider.inputs[key]);
    }
    expect(east.inputs.allowedAccountIds).toEqual(["529381746102"]);
    expect(east.inputs.defaultTags).toEqual({
      tags: {
        Project: "platform",
        Environment: "dev",
        Owner: "platform-team",
        CostCenter: "payments-platform",
        ManagedBy: "pulumi",
      },
    });
    expect(east.inputs.assumeRoles).toEqual([
      { roleArn: "arn:aws:iam::529381746102:role/platform-deploy", sessionName: "pulumi-platform-dev" },
    ]);
    expect(out(plan, "edgeWebAclArn")).toMatch(/^arn:aws:wafv2:us-east-1:529381746102:global\/webacl\//);
  });

  it("names every public hostname and is DNS-validated by one record per name in the configured zone", async () => {
    const plan = await planStack("dev");
    const { hostnames, hostedZoneId } = edgeConfig("dev");
    const cert = named(plan, "aws:acm/certificate:Certificate", "edge-certificate");
    expect(cert.inputs).toMatchObject({
      domainName: "www.dev.payments.example.com",
      subjectAlternativeNames: ["api.dev.payments.example.com"],
      validationMethod: "DNS",
    });
    const allRecords = within(plan, "edge").filter(
      (r) => r.type === "aws:route53/record:Record" && r.name.startsWith("edge-validation-"),
    );
    const { internalHostnames } = edgeConfig("dev");
    expect(allRecords).toHaveLength(hostnames.length + internalHostnames.length);
    const records = allRecords.filter((r) => hostnames.some((h) => r.name === `edge-validation-${h}`));
    for (const [i, host] of hostnames.entries()) {
      const r = records[i]!;
      expect(r.inputs).toMatchObject({ zoneId: hostedZoneId, type: "CNAME", ttl: 300 });
      // The mock answers ACM's validation record as `_<token>.<name>.` → `_<token>.<id>.acm-validations.aws.`
      expect(String(r.inputs.name)).toMatch(new RegExp(`^_[0-9a-f]{32}\\.${host.replace(/\./g, "\\.")}\\.$`));
      expect((r.inputs.records as string[])[0]).toMatch(/\.acm-validations\.aws\.$/);
    }
    const validation = named(
      plan,
      "aws:acm/certificateValidation:CertificateValidation",
      "edge-certificate-validation",
    );
    expect(validation.inputs.validationRecordFqdns).toEqual(
      records.map((r) => String(r.inputs.name).replace(/\.$/, "")),
    );
    // The ALBs' certificate, in the stack's region, covers the public and the internal names and
    // is validated by the same records (ACM asks for one record per name and account).
    const alb = named(plan, "aws:acm/certificate:Certificate", "alb-certificate");
    expect(alb.provider).toBe("aws");
    expect([alb.inputs.domainName, ...(alb.inputs.subjectAlternativeNames as string[])]).toEqual([
      ...hostnames,
      ...internalHostnames,
    ]);
    expect(
      named(plan, "aws:acm/certificateValidation:CertificateValidation", "alb-certificate-validation").inputs
        .validationRecordFqdns,
    ).toEqual(allRecords.map((r) => String(r.inputs.name).replace(/\.$/, "")));
    expect(plan.outputs.albCertificateArn).toMatch(/^arn:aws:acm:eu-west-2:/);
    // The distribution serves the certificate only once it is validated (the validation's ARN).
    expect(distributionOf(plan).inputs.viewerCertificate).toMatchObject({
      acmCertificateArn: validation.inputs.certificateArn,
    });
    expect(String(validation.inputs.certificateArn)).toMatch(
      /^arn:aws:acm:us-east-1:529381746102:certificate\//,
    );
  });
});

describe("the distribution (dev)", () => {
  it("answers the public hostnames over HTTPS only: TLS 1.2 (2021 policy), SNI, HTTP/2 and HTTP/3, IPv6", async () => {
    const plan = await planStack("dev");
    const d = distributionOf(plan);
    expect(d.inputs).toMatchObject({
      enabled: true,
      aliases: edgeConfig("dev").hostnames,
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      priceClass: "PriceClass_100",
      viewerCertificate: { sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" },
    });
    expect(
      (d.inputs.viewerCertificate as Record<string, unknown>).cloudfrontDefaultCertificate,
    ).toBeUndefined();
    const behaviours = [
      d.inputs.defaultCacheBehavior,
      ...(d.inputs.orderedCacheBehaviors as unknown[]),
    ] as Record<string, unknown>[];
    for (const b of behaviours) expect(b.viewerProtocolPolicy).toBe("redirect-to-https");
  });

  it("sends /static/* to the assets bucket (cached, GET/HEAD) and everything else to the ALB (uncached, all methods)", async () => {
    const plan = await planStack("dev");
    const d = distributionOf(plan);
    const headers = named(
      plan,
      "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
      "edge-security-headers",
    );
    expect(d.inputs.defaultCacheBehavior).toMatchObject({
      targetOriginId: ORIGIN_IDS.app,
      cachePolicyId: MANAGED_POLICY_IDS.cachingDisabled,
      originRequestPolicyId: MANAGED_POLICY_IDS.allViewer,
      allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
    });
    expect(d.inputs.orderedCacheBehaviors).toEqual([
      expect.objectContaining({
        pathPattern: "/static/*",
        targetOriginId: ORIGIN_IDS.assets,
        cachePolicyId: MANAGED_POLICY_IDS.cachingOptimized,
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
      }),
    ]);
    const ordered = (d.inputs.orderedCacheBehaviors as Record<string, unknown>[])[0]!;
    expect(ordered.originRequestPolicyId).toBeUndefined();
    const policyIds = new Set(
      [d.inputs.defaultCacheBehavior, ordered].map(
        (b) => (b as Record<string, unknown>).responseHeadersPolicyId,
      ),
    );
    expect(policyIds.size).toBe(1);
    expect([...policyIds][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers.inputs.securityHeadersConfig).toMatchObject({
      strictTransportSecurity: { preload: true, includeSubdomains: true, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: "DENY" },
      referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin" },
      xssProtection: { protection: true, modeBlock: true },
    });
  });

  it("reads the assets bucket through an origin access control that signs every request (SigV4)", async () => {
    const plan = await planStack("dev");
    const oac = named(plan, "aws:cloudfront/originAccessControl:OriginAccessControl", "edge-assets-oac");
    expect(oac.inputs).toMatchObject({
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });
    const assets = originOf(distributionOf(plan), ORIGIN_IDS.assets);
    expect(assets.domainName).toBe(out(plan, "assetsBucketRegionalDomainName"));
    expect(assets.originAccessControlId).toMatch(/^E[0-9A-F]{13}$/);
    expect(assets.customOriginConfig).toBeUndefined();
  });

  it("the assets bucket's one policy admits exactly this distribution and refuses plain HTTP", async () => {
    const plan = await planStack("dev");
    const assetsPolicies = ofType(plan, "aws:s3/bucketPolicy:BucketPolicy").filter(
      (p) => p.inputs.bucket === out(plan, "assetsBucketName"),
    );
    expect(assetsPolicies.map((p) => [p.name, p.componentType])).toEqual([
      ["assets-policy", "platform:edge:Edge"],
    ]);
    const doc = JSON.parse(String(assetsPolicies[0]!.inputs.policy)) as PolicyDocument;
    const bucketArn = out(plan, "assetsBucketArn");
    const allows = doc.Statement.filter((s) => s.Effect === "Allow");
    expect(allows).toEqual([
      {
        Sid: "CloudFrontDistributionReadsAssets",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `${bucketArn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": out(plan, "edgeDistributionArn") } },
      },
    ]);
    expect(out(plan, "edgeDistributionArn")).toMatch(
      /^arn:aws:cloudfront::529381746102:distribution\/E[0-9A-F]+$/,
    );
    expect(doc.Statement.filter((s) => s.Principal === "*").map((s) => s.Effect)).toEqual(["Deny"]);
    expect(doc.Statement).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
    // The payments store no longer attaches a policy to the assets bucket.
    expect(
      within(plan, "payments-store")
        .filter((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy")
        .map((r) => r.name),
    ).toEqual(["archive-policy"]);
  });

  it("reaches the ALB over HTTPS only (TLS 1.2) with an X-Origin-Verify header whose value stays secret", async () => {
    const plan = await planStack("dev");
    const d = distributionOf(plan);
    // The header value is a Pulumi secret, so the origins that carry it are encrypted in the state.
    expect(isSecret(d.inputs.origins)).toBe(true);
    const app = originOf(d, ORIGIN_IDS.app);
    expect(app.domainName).toBe("origin.dev.payments.example.com");
    expect(app.customOriginConfig).toMatchObject({
      originProtocolPolicy: "https-only",
      originSslProtocols: ["TLSv1.2"],
      httpsPort: 443,
    });
    expect(app.originAccessControlId).toBeUndefined();
    expect(app.customHeaders?.map((h) => h.name)).toEqual(["X-Origin-Verify"]);
    const value = reveal<string>(app.customHeaders?.[0]?.value);
    expect(value).toMatch(/^[A-Za-z0-9]{48}$/);

    // Generation 1 of the value (platform:edge.originVerifyGeneration): no previous one yet.
    const passwords = ofType(plan, "random:index/randomPassword:RandomPassword").filter((p) =>
      p.name.startsWith("edge-origin-verify"),
    );
    expect(passwords.map((p) => p.name)).toEqual(["edge-origin-verify-1"]);
    expect(passwords[0]!.inputs).toMatchObject({ length: 48, special: false });
    const secret = named(plan, "aws:secretsmanager/secret:Secret", "edge-origin-verify");
    expect(secret.inputs).toMatchObject({
      name: "dev/payments/edge-origin-verify",
      kmsKeyId: out(plan, "dataKeyArn"),
    });
    expect(secret.provider).toBe("aws");
    const version = named(plan, "aws:secretsmanager/secretVersion:SecretVersion", "edge-origin-verify-value");
    expect(version.inputs.secretString).toEqual({ [specialSigKey]: specialSecretSig, value });
    expect(out(plan, "edgeOriginVerifySecretArn")).toMatch(
      /^arn:aws:secretsmanager:eu-west-2:529381746102:secret:dev\/payments\/edge-origin-verify-/,
    );
  });

  it("is protected by a CLOUDFRONT web ACL: the three managed groups, then the per-IP rate limit, metrics on", async () => {
    const plan = await planStack("dev");
    const acl = named(plan, "aws:wafv2/webAcl:WebAcl", "edge-web-acl");
    expect(distributionOf(plan).inputs.webAclId).toBe(out(plan, "edgeWebAclArn"));
    expect(acl.inputs).toMatchObject({
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true },
    });
    const rules = acl.inputs.rules as {
      name: string;
      priority: number;
      statement: Record<string, Record<string, unknown>>;
      overrideAction?: unknown;
      action?: unknown;
      visibilityConfig: Record<string, unknown>;
    }[];
    expect(rules.map((r) => r.name)).toEqual([
      "AWSManagedRulesAmazonIpReputationList",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "rate-limit-per-ip",
    ]);
    expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
    for (const group of MANAGED_RULE_GROUPS) {
      const r = rules.find((x) => x.name === group)!;
      expect(r.statement.managedRuleGroupStatement).toEqual({ vendorName: "AWS", name: group });
      expect(r.overrideAction).toEqual({ none: {} });
    }
    const rate = rules.find((r) => r.name === "rate-limit-per-ip")!;
    expect(rate.action).toEqual({ block: {} });
    expect(rate.statement.rateBasedStatement).toMatchObject({ limit: 1000, aggregateKeyType: "IP" });
    for (const r of rules) {
      expect(r.visibilityConfig, r.name).toMatchObject({
        cloudwatchMetricsEnabled: true,
        sampledRequestsEnabled: true,
      });
    }
  });

  it("points A and AAAA alias records of every hostname at the distribution", async () => {
    const plan = await planStack("dev");
    const { hostnames, hostedZoneId } = edgeConfig("dev");
    const aliases = within(plan, "edge").filter(
      (r) => r.type === "aws:route53/record:Record" && r.name.startsWith("edge-alias-"),
    );
    expect(aliases.map((r) => [r.inputs.name, r.inputs.type])).toEqual(
      hostnames.flatMap((h) => [
        [h, "A"],
        [h, "AAAA"],
      ]),
    );
    for (const r of aliases) {
      expect(r.inputs.zoneId).toBe(hostedZoneId);
      expect(r.inputs.aliases).toEqual([
        { name: out(plan, "edgeDomainName"), zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false },
      ]);
      expect(r.inputs.records).toBeUndefined();
    }
    expect(out(plan, "edgeDomainName")).toMatch(/^d[0-9a-f]+\.cloudfront\.net$/);
    expect(out(plan, "edgeDistributionId")).toMatch(/^E[0-9A-F]+$/);
  });
});

describe("per-stack differences", () => {
  it.each([
    ["dev", "PriceClass_100", 1000],
    ["preprod", "PriceClass_100", 2000],
    ["prod", "PriceClass_All", 2000],
  ] as const)(
    "%s: %s, %i requests per IP in 5 minutes, its own names and zone",
    async (stack, priceClass, limit) => {
      const plan = await planStack(stack);
      const cfg = edgeConfig(stack);
      const d = distributionOf(plan);
      expect(d.inputs.priceClass).toBe(priceClass);
      expect(d.inputs.aliases).toEqual([
        `www.${stack}.payments.example.com`,
        `api.${stack}.payments.example.com`,
      ]);
      expect(originOf(d, ORIGIN_IDS.app).domainName).toBe(`origin.${stack}.payments.example.com`);
      const rules = named(plan, "aws:wafv2/webAcl:WebAcl", "edge-web-acl").inputs.rules as {
        statement: { rateBasedStatement?: { limit: number } };
      }[];
      expect(rules.find((r) => r.statement.rateBasedStatement)?.statement.rateBasedStatement?.limit).toBe(
        limit,
      );
      expect(named(plan, "aws:secretsmanager/secret:Secret", "edge-origin-verify").inputs.name).toBe(
        `${stack}/payments/edge-origin-verify`,
      );
      const zones = new Set(
        within(plan, "edge")
          .filter((r) => r.type === "aws:route53/record:Record")
          .map((r) => r.inputs.zoneId),
      );
      expect([...zones]).toEqual([cfg.hostedZoneId]);
      expect(cfg.hostedZoneId).toBe(
        stackValue<{ hostedZoneId: string }>(stack, "platform:email").hostedZoneId,
      );
      expect(named(plan, "aws:wafv2/webAcl:WebAcl", "edge-web-acl").inputs.name).toBe(
        `platform-${stack}-edge`,
      );
    },
  );

  it("a geo restriction in the config becomes the distribution's allow list", async () => {
    const plan = await planVariant("dev:optional-settings");
    expect(distributionOf(plan).inputs.restrictions).toEqual({
      geoRestriction: { restrictionType: "whitelist", locations: ["GB", "IE"] },
    });
    const committed = await planStack("dev");
    expect(distributionOf(committed).inputs.restrictions).toEqual({
      geoRestriction: { restrictionType: "none", locations: [] },
    });
  });

  it("a custom static path pattern routes that path to the bucket", async () => {
    const plan = await planVariant("dev:optional-settings");
    expect(distributionOf(plan).inputs.orderedCacheBehaviors).toEqual([
      expect.objectContaining({ pathPattern: "/assets/*", targetOriginId: ORIGIN_IDS.assets }),
    ]);
  });

  it("the admin tool is never behind CloudFront: the only origins are the public ALB's hostname and the bucket", async () => {
    for (const stack of ["dev", "preprod", "prod"]) {
      const d = distributionOf(await planStack(stack));
      expect(originsOf(d).map((o) => o.originId)).toEqual([ORIGIN_IDS.app, ORIGIN_IDS.assets]);
      for (const o of originsOf(d)) expect(o.domainName).not.toMatch(/admin/);
    }
  });
});
