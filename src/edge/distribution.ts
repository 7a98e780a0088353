import { boundedName, type NameContext, physicalName } from "../core/naming";
import { WAF_LOG_GROUP_PREFIX } from "./log-policies";

/**
 * The CloudFront distribution of an environment as plain data: origins, cache behaviours,
 * security headers, names. The component (`src/edge/edge.ts`) adds what only exists
 * once resources do (the certificate, the OAC, the origin-verify secret).
 */

/** AWS managed CloudFront policies, by the names the console shows. Their ids are fixed by AWS. */
export const MANAGED_POLICY_IDS = {
  /** Cache policy: no caching; every request goes to the origin (dynamic content). */
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /** Cache policy: long TTLs, no cookies or query strings in the cache key, gzip and brotli (static assets). */
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  /**
   * Origin request policy: every viewer header (`Host` included), cookie and query string. The ALB
   * sees the name the viewer asked for, so its Ingress host rules send www and api to their
   * workloads, and its listener presents the regional certificate for that name.
   */
  allViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
} as const;

/** Origin ids inside the distribution. */
export const ORIGIN_IDS = { app: "app-alb", assets: "assets-s3" } as const;
export type OriginId = (typeof ORIGIN_IDS)[keyof typeof ORIGIN_IDS];

/** The header CloudFront adds to every request to the ALB; the ingress can require its value. */
export const ORIGIN_VERIFY_HEADER = "X-Origin-Verify";

/** Length of the generated origin-verify value (letters and digits). */
export const ORIGIN_VERIFY_LENGTH = 48;

export const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
export const READ_METHODS = ["GET", "HEAD"];

/** Viewer TLS: the strictest CloudFront policy that modern clients all meet. */
export const VIEWER_MINIMUM_PROTOCOL = "TLSv1.2_2021";

export interface CacheBehaviour {
  readonly targetOriginId: OriginId;
  readonly viewerProtocolPolicy: "redirect-to-https";
  readonly allowedMethods: string[];
  readonly cachedMethods: string[];
  readonly cachePolicyId: string;
  readonly originRequestPolicyId?: string;
  readonly compress: true;
}

export interface CacheBehaviours {
  /** Everything not matched below: the application behind the public ALB, never cached. */
  readonly defaultBehaviour: CacheBehaviour;
  /** Path-matched behaviours, in precedence order. */
  readonly ordered: (CacheBehaviour & { readonly pathPattern: string })[];
}

/**
 * Requests under `staticPathPattern` are served from the assets bucket and cached; every other
 * request goes to the application uncached, with every viewer header including `Host`: CloudFront
 * connects to the origin hostname but asks for the viewer's name (SNI and `Host`), which the ALB's
 * Ingress rules route on and its regional certificate covers.
 */
export function cacheBehaviours(staticPathPattern: string): CacheBehaviours {
  return {
    defaultBehaviour: {
      targetOriginId: ORIGIN_IDS.app,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: [...ALL_METHODS],
      cachedMethods: [...READ_METHODS],
      cachePolicyId: MANAGED_POLICY_IDS.cachingDisabled,
      originRequestPolicyId: MANAGED_POLICY_IDS.allViewer,
      compress: true,
    },
    ordered: [
      {
        pathPattern: staticPathPattern,
        targetOriginId: ORIGIN_IDS.assets,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: [...READ_METHODS],
        cachedMethods: [...READ_METHODS],
        cachePolicyId: MANAGED_POLICY_IDS.cachingOptimized,
        compress: true,
      },
    ],
  };
}

/** The ALB origin: HTTPS only, TLS 1.2, to a hostname that resolves to the public ALB. */
export function appOriginConfig() {
  return {
    httpPort: 80,
    httpsPort: 443,
    originProtocolPolicy: "https-only",
    originSslProtocols: ["TLSv1.2"],
    originReadTimeout: 30,
    originKeepaliveTimeout: 5,
  };
}

/** One year, as HSTS preload lists require. */
export const HSTS_MAX_AGE_SECONDS = 31_536_000;

/** Security headers on every response (overriding what the origin sends). */
export function securityHeaders() {
  return {
    strictTransportSecurity: {
      accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
      includeSubdomains: true,
      preload: true,
      override: true,
    },
    contentTypeOptions: { override: true },
    frameOptions: { frameOption: "DENY", override: true },
    referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
    xssProtection: { protection: true, modeBlock: true, override: true },
  };
}

export type GeoRestrictionConfig = { readonly type: "allow" | "deny"; readonly countries: readonly string[] };

/** CloudFront's geo restriction from the config's allow/deny list (none when unset). */
export function geoRestriction(geo: GeoRestrictionConfig | undefined): {
  restrictionType: "none" | "whitelist" | "blacklist";
  locations: string[];
} {
  if (!geo) return { restrictionType: "none", locations: [] };
  return {
    restrictionType: geo.type === "allow" ? "whitelist" : "blacklist",
    locations: [...geo.countries].sort(),
  };
}

export interface EdgeNames {
  /** The distribution's comment (CloudFront distributions have no name). */
  readonly distributionComment: string;
  readonly originAccessControl: string;
  readonly responseHeadersPolicy: string;
  readonly webAcl: string;
  /** `<env>/payments/edge-origin-verify`: under the environment's path, so External Secrets can read it. */
  readonly originVerifySecret: string;
  /** The public ALB's web ACL (REGIONAL). */
  readonly originWebAcl: string;
  /** CloudWatch log groups: CloudFront's standard logs (us-east-1), the web ACLs' logs (`aws-waf-logs-…`). */
  readonly cloudfrontLogGroup: string;
  readonly edgeWafLogGroup: string;
  readonly originWafLogGroup: string;
  /** CloudFront standard logging v2: the delivery source and destination. */
  readonly cloudfrontLogDelivery: string;
  /** The CloudWatch Logs resource policy admitting vended log delivery (one per region). */
  readonly logDeliveryPolicy: string;
}

export function edgeNames(naming: NameContext): EdgeNames {
  return {
    distributionComment: physicalName(naming, "edge"),
    // OAC names: at most 64 characters.
    originAccessControl: boundedName(naming, 64, "static-assets"),
    responseHeadersPolicy: boundedName(naming, 128, "security-headers"),
    webAcl: boundedName(naming, 128, "edge"),
    originVerifySecret: `${naming.stack}/payments/edge-origin-verify`,
    originWebAcl: boundedName(naming, 128, "origin"),
    cloudfrontLogGroup: `/platform/${naming.stack}/cloudfront-access`,
    edgeWafLogGroup: `${WAF_LOG_GROUP_PREFIX}${physicalName(naming, "edge")}`,
    originWafLogGroup: `${WAF_LOG_GROUP_PREFIX}${physicalName(naming, "origin")}`,
    cloudfrontLogDelivery: boundedName(naming, 60, "cloudfront-access"),
    logDeliveryPolicy: physicalName(naming, "edge-log-delivery"),
  };
}
