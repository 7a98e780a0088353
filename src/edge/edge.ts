import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type NameContext, nameTag } from "../core/naming";
import { toJson } from "../core/policy-document";
import { assetsBucketPolicy } from "../data";
import { flowLogKeyPolicy } from "../network";
import {
  appOriginConfig,
  cacheBehaviours,
  edgeNames,
  type GeoRestrictionConfig,
  geoRestriction,
  ORIGIN_IDS,
  ORIGIN_VERIFY_HEADER,
  ORIGIN_VERIFY_LENGTH,
  securityHeaders,
  VIEWER_MINIMUM_PROTOCOL,
} from "./distribution";
import { logDeliveryPolicy, REDACTED_HEADERS } from "./log-policies";
import { originVerifyRules, visibility, webAclRules } from "./waf-rules";

export interface EdgeArgs {
  readonly naming: NameContext;
  /**
   * The stack's provider in us-east-1: CloudFront only uses certificates from there, and web
   * ACLs of scope CLOUDFRONT live there. The component's own provider (the stack's region) keeps
   * the DNS records, the secret and the bucket policy.
   */
  readonly globalProvider: aws.Provider;
  readonly hostedZoneId: string;
  /** The distribution's aliases; the first is the certificate's subject, the others its SANs. */
  readonly hostnames: readonly string[];
  /** Names only the internal ALB serves (admin-web over the VPN): in the ALB certificate, never aliases. */
  readonly internalHostnames: readonly string[];
  /** Resolves to the public ALB (created by the load balancer controller from the chart's Ingress). */
  readonly originHostname: string;
  readonly staticPathPattern: string;
  readonly priceClass: string;
  readonly rateLimitPer5Minutes: number;
  readonly geoRestriction?: GeoRestrictionConfig;
  /** The private static-assets bucket (created by the data services). */
  readonly assetsBucket: {
    /** The bucket's name, once its public access block is in place. */
    readonly id: pulumi.Input<string>;
    readonly arn: pulumi.Input<string>;
    readonly regionalDomainName: pulumi.Input<string>;
    /**
     * The component that attached the bucket's policy before the edge did: the policy keeps its
     * identity (updated in place, never deleted and recreated, which would leave the bucket
     * without a policy).
     */
    readonly policyPreviouslyIn?: pulumi.Resource;
  };
  /** Key of the origin-verify secret (the environment's data key). */
  readonly keyArn: pulumi.Input<string>;
  readonly secretRecoveryWindowDays: number;
  readonly accountId: string;
  readonly region: string;
  /** Days CloudFront's standard logs and the web ACLs' logs are kept. */
  readonly logRetentionDays: number;
  /** The origin-verify value's generation: raising it rotates the value (the previous one stays admitted). */
  readonly originVerifyGeneration: number;
  /** Production-grade: the origin-verify secret is protected. */
  readonly protect: boolean;
}

/** CloudFront delivers its standard logs (v2) from us-east-1, like every CloudFront resource. */
const CLOUDFRONT_LOG_REGION = "us-east-1";

/**
 * The environment's edge: a CloudFront distribution for the public hostnames, with a DNS-validated
 * us-east-1 certificate and a WAF web ACL. Static assets come from the private assets bucket
 * through an origin access control (the bucket admits this distribution only); everything else
 * goes to the public ALB over HTTPS, carrying a secret `X-Origin-Verify` header that the public ALB's
 * own web ACL (scope REGIONAL, attached by the load balancer controller from the chart's Ingress)
 * requires, so a request that did not come through CloudFront is refused. CloudFront's standard
 * logs and both web ACLs' logs (sensitive headers redacted) go to CloudWatch Logs.
 */
export class Edge extends pulumi.ComponentResource {
  readonly distributionId: pulumi.Output<string>;
  readonly distributionArn: pulumi.Output<string>;
  readonly domainName: pulumi.Output<string>;
  readonly webAclArn: pulumi.Output<string>;
  readonly originVerifySecretArn: pulumi.Output<string>;
  /** The public ALB's web ACL (REGIONAL): admits only requests carrying the origin-verify header. */
  readonly originWebAclArn: pulumi.Output<string>;
  /** The regional certificate the public and internal ALBs present (validated). */
  readonly albCertificateArn: pulumi.Output<string>;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:edge:Edge", name, {}, opts);
    const { naming } = args;
    const names = edgeNames(naming);
    const parent = { parent: this };
    const global = { parent: this, provider: args.globalProvider };
    const [subject, ...alternatives] = args.hostnames;
    if (subject === undefined) throw new Error("the edge needs at least one hostname");

    // ── certificates, DNS-validated in the environment's hosted zone ──
    // CloudFront's (us-east-1) covers the public names. The ALBs' (the stack's region) covers the
    // public and internal names: CloudFront forwards the viewer's Host, so the public ALB presents
    // the certificate for that name, which the load balancer controller discovers in ACM from the
    // Ingress hosts. ACM asks for the same validation record for a name in every certificate of an
    // account, so one set of records validates both.
    const certificate = new aws.acm.Certificate(
      "edge-certificate",
      {
        domainName: subject,
        subjectAlternativeNames: alternatives,
        validationMethod: "DNS",
        tags: nameTag(naming, "edge"),
      },
      global,
    );
    const albNames = [...args.hostnames, ...args.internalHostnames];
    const albCertificate = new aws.acm.Certificate(
      "alb-certificate",
      {
        domainName: subject,
        subjectAlternativeNames: albNames.slice(1),
        validationMethod: "DNS",
        tags: nameTag(naming, "alb"),
      },
      parent,
    );
    // Logical names carry the hostname, so reordering the list moves nothing.
    const validationRecords = new Map(
      albNames.map((host) => {
        const option = albCertificate.domainValidationOptions.apply((options) => {
          const o = options.find((x) => x.domainName === host);
          if (!o) throw new Error(`the certificate has no validation option for ${host}`);
          return o;
        });
        const record = new aws.route53.Record(
          `edge-validation-${host}`,
          {
            zoneId: args.hostedZoneId,
            name: option.resourceRecordName,
            type: option.resourceRecordType,
            records: [option.resourceRecordValue],
            ttl: 300,
            allowOverwrite: true,
          },
          parent,
        );
        return [host, record] as const;
      }),
    );
    const fqdnsOf = (hosts: readonly string[]) => hosts.map((h) => validationRecords.get(h)!.fqdn);
    const validation = new aws.acm.CertificateValidation(
      "edge-certificate-validation",
      { certificateArn: certificate.arn, validationRecordFqdns: fqdnsOf(args.hostnames) },
      global,
    );
    const albValidation = new aws.acm.CertificateValidation(
      "alb-certificate-validation",
      { certificateArn: albCertificate.arn, validationRecordFqdns: fqdnsOf(albNames) },
      parent,
    );

    // ── WAF (scope CLOUDFRONT, us-east-1) ──
    const webAcl = new aws.wafv2.WebAcl(
      "edge-web-acl",
      {
        name: names.webAcl,
        description: `${names.distributionComment}: managed rule groups and a per-IP rate limit`,
        scope: "CLOUDFRONT",
        defaultAction: { allow: {} },
        rules: webAclRules(names.webAcl, args.rateLimitPer5Minutes),
        visibilityConfig: visibility(names.webAcl),
        tags: nameTag(naming, "edge"),
      },
      global,
    );

    // ── the origin-verify header: one value per generation, a Pulumi secret, kept in Secrets Manager ──
    // The current generation's value is what CloudFront sends; the previous one stays admitted by the
    // origin's web ACL until the next rotation, so CloudFront's gradual switch never drops a request.
    const generations = [args.originVerifyGeneration - 1, args.originVerifyGeneration].filter((g) => g >= 1);
    const verifyValues = generations.map((g) =>
      pulumi.secret(
        new random.RandomPassword(
          `edge-origin-verify-${g}`,
          { length: ORIGIN_VERIFY_LENGTH, special: false },
          // The first generation keeps the value created before generations existed.
          { parent: this, ...(g === 1 ? { aliases: [{ name: "edge-origin-verify" }] } : {}) },
        ).result,
      ),
    );
    const originVerifyValue = verifyValues[verifyValues.length - 1]!;
    const secret = new aws.secretsmanager.Secret(
      "edge-origin-verify",
      {
        name: names.originVerifySecret,
        description: `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends to the public ALB (generation ${args.originVerifyGeneration})`,
        kmsKeyId: args.keyArn,
        recoveryWindowInDays: args.secretRecoveryWindowDays,
        tags: nameTag(naming, "edge-origin-verify"),
      },
      { parent: this, protect: args.protect },
    );
    new aws.secretsmanager.SecretVersion(
      "edge-origin-verify-value",
      { secretId: secret.id, secretString: originVerifyValue },
      parent,
    );

    // ── the public ALB admits only requests carrying the header (web ACL, scope REGIONAL) ──
    const originWebAcl = new aws.wafv2.WebAcl(
      "origin-web-acl",
      {
        name: names.originWebAcl,
        description: `${names.distributionComment}: the public ALB answers only requests CloudFront signed with ${ORIGIN_VERIFY_HEADER}`,
        scope: "REGIONAL",
        defaultAction: { block: {} },
        rules: pulumi
          .all(verifyValues)
          .apply((values) => originVerifyRules(names.originWebAcl, ORIGIN_VERIFY_HEADER, values)),
        visibilityConfig: visibility(names.originWebAcl),
        tags: nameTag(naming, "origin-web-acl"),
      },
      parent,
    );

    // ── the distribution ──
    const oac = new aws.cloudfront.OriginAccessControl(
      "edge-assets-oac",
      {
        name: names.originAccessControl,
        description: "CloudFront reads the static-assets bucket with signed requests",
        originAccessControlOriginType: "s3",
        signingBehavior: "always",
        signingProtocol: "sigv4",
      },
      global,
    );
    const headers = new aws.cloudfront.ResponseHeadersPolicy(
      "edge-security-headers",
      {
        name: names.responseHeadersPolicy,
        comment: "HSTS (preload), nosniff, DENY framing, referrer policy, XSS protection",
        securityHeadersConfig: securityHeaders(),
      },
      global,
    );
    const behaviours = cacheBehaviours(args.staticPathPattern);
    const responseHeadersPolicyId = headers.id;
    const distribution = new aws.cloudfront.Distribution(
      "edge-distribution",
      {
        enabled: true,
        comment: names.distributionComment,
        aliases: [...args.hostnames],
        isIpv6Enabled: true,
        httpVersion: "http2and3",
        priceClass: args.priceClass,
        webAclId: webAcl.arn,
        viewerCertificate: {
          acmCertificateArn: validation.certificateArn,
          sslSupportMethod: "sni-only",
          minimumProtocolVersion: VIEWER_MINIMUM_PROTOCOL,
        },
        origins: [
          {
            originId: ORIGIN_IDS.app,
            domainName: args.originHostname,
            customOriginConfig: appOriginConfig(),
            customHeaders: [{ name: ORIGIN_VERIFY_HEADER, value: originVerifyValue }],
          },
          {
            originId: ORIGIN_IDS.assets,
            domainName: args.assetsBucket.regionalDomainName,
            originAccessControlId: oac.id,
          },
        ],
        defaultCacheBehavior: { ...behaviours.defaultBehaviour, responseHeadersPolicyId },
        orderedCacheBehaviors: behaviours.ordered.map((b) => ({ ...b, responseHeadersPolicyId })),
        restrictions: { geoRestriction: geoRestriction(args.geoRestriction) },
        tags: nameTag(naming, "edge"),
      },
      global,
    );

    // ── access logs: CloudFront standard logging (v2) and both web ACLs, to CloudWatch Logs ──
    // Each log group is encrypted with a key of its own region (KMS keys are regional), which
    // CloudWatch Logs may use for those log groups only.
    const logKey = (id: string, region: string, logGroupName: string[], opts: pulumi.CustomResourceOptions) =>
      new aws.kms.Key(
        id,
        {
          description: `Access logs of the ${naming.stack} edge in ${region}`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: toJson(flowLogKeyPolicy({ accountId: args.accountId, region, logGroupName })),
          tags: nameTag(naming, id),
        },
        opts,
      );
    const globalLogKey = logKey(
      "edge-logs-key",
      CLOUDFRONT_LOG_REGION,
      [names.cloudfrontLogGroup, names.edgeWafLogGroup],
      global,
    );
    const regionalLogKey = logKey("origin-waf-logs-key", args.region, [names.originWafLogGroup], parent);
    const retention = { retentionInDays: args.logRetentionDays };
    const cloudfrontLogs = new aws.cloudwatch.LogGroup(
      "cloudfront-access-logs",
      {
        name: names.cloudfrontLogGroup,
        ...retention,
        kmsKeyId: globalLogKey.arn,
        tags: nameTag(naming, "cloudfront-logs"),
      },
      global,
    );
    const edgeWafLogs = new aws.cloudwatch.LogGroup(
      "edge-waf-logs",
      {
        name: names.edgeWafLogGroup,
        ...retention,
        kmsKeyId: globalLogKey.arn,
        tags: nameTag(naming, "edge-waf-logs"),
      },
      global,
    );
    const originWafLogs = new aws.cloudwatch.LogGroup(
      "origin-waf-logs",
      {
        name: names.originWafLogGroup,
        ...retention,
        kmsKeyId: regionalLogKey.arn,
        tags: nameTag(naming, "origin-waf-logs"),
      },
      parent,
    );
    const deliveryPolicy = (region: string, groups: pulumi.Output<string>[]) =>
      pulumi
        .all(groups)
        .apply((logGroupArns) =>
          toJson(logDeliveryPolicy({ logGroupArns, accountId: args.accountId, region })),
        );
    const globalDelivery = new aws.cloudwatch.LogResourcePolicy(
      "edge-log-delivery",
      {
        policyName: names.logDeliveryPolicy,
        policyDocument: deliveryPolicy(CLOUDFRONT_LOG_REGION, [cloudfrontLogs.arn, edgeWafLogs.arn]),
      },
      global,
    );
    const regionalDelivery = new aws.cloudwatch.LogResourcePolicy(
      "origin-log-delivery",
      {
        policyName: names.logDeliveryPolicy,
        policyDocument: deliveryPolicy(args.region, [originWafLogs.arn]),
      },
      parent,
    );
    const redactedFields = REDACTED_HEADERS.map((name) => ({ singleHeader: { name } }));
    new aws.wafv2.WebAclLoggingConfiguration(
      "edge-waf-logging",
      { resourceArn: webAcl.arn, logDestinationConfigs: [edgeWafLogs.arn], redactedFields },
      { ...global, dependsOn: [globalDelivery] },
    );
    new aws.wafv2.WebAclLoggingConfiguration(
      "origin-waf-logging",
      { resourceArn: originWebAcl.arn, logDestinationConfigs: [originWafLogs.arn], redactedFields },
      { ...parent, dependsOn: [regionalDelivery] },
    );
    const logSource = new aws.cloudwatch.LogDeliverySource(
      "cloudfront-log-source",
      { name: names.cloudfrontLogDelivery, logType: "ACCESS_LOGS", resourceArn: distribution.arn },
      global,
    );
    const logDestination = new aws.cloudwatch.LogDeliveryDestination(
      "cloudfront-log-destination",
      {
        name: names.cloudfrontLogDelivery,
        outputFormat: "json",
        deliveryDestinationConfiguration: { destinationResourceArn: cloudfrontLogs.arn },
      },
      global,
    );
    new aws.cloudwatch.LogDelivery(
      "cloudfront-log-delivery",
      { deliverySourceName: logSource.name, deliveryDestinationArn: logDestination.arn },
      { ...global, dependsOn: [globalDelivery] },
    );

    // ── the assets bucket admits this distribution only ──
    new aws.s3.BucketPolicy(
      "assets-policy",
      {
        bucket: args.assetsBucket.id,
        policy: pulumi
          .all([args.assetsBucket.arn, distribution.arn])
          .apply(([bucketArn, distributionArn]) =>
            toJson(assetsBucketPolicy({ bucketArn, distributionArn })),
          ),
      },
      {
        parent: this,
        ...(args.assetsBucket.policyPreviouslyIn
          ? { aliases: [{ parent: args.assetsBucket.policyPreviouslyIn }] }
          : {}),
      },
    );

    // ── the public hostnames point at the distribution ──
    for (const host of args.hostnames) {
      for (const type of ["A", "AAAA"] as const) {
        new aws.route53.Record(
          `edge-alias-${host}-${type.toLowerCase()}`,
          {
            zoneId: args.hostedZoneId,
            name: host,
            type,
            aliases: [
              {
                name: distribution.domainName,
                zoneId: distribution.hostedZoneId,
                evaluateTargetHealth: false,
              },
            ],
          },
          parent,
        );
      }
    }

    this.distributionId = distribution.id;
    this.distributionArn = distribution.arn;
    this.domainName = distribution.domainName;
    this.webAclArn = webAcl.arn;
    this.originVerifySecretArn = secret.arn;
    this.originWebAclArn = originWebAcl.arn;
    this.albCertificateArn = albValidation.certificateArn;
    this.registerOutputs({
      albCertificateArn: this.albCertificateArn,
      distributionId: this.distributionId,
      distributionArn: this.distributionArn,
      domainName: this.domainName,
      webAclArn: this.webAclArn,
      originVerifySecretArn: this.originVerifySecretArn,
      originWebAclArn: this.originWebAclArn,
    });
  }
}
