import { z } from "zod";
import { dnsName, hostedZoneId } from "../core/config-primitives";
import type { Rule, RuleIssue } from "../core/config-rules";

/**
 * Keys of the environment stacks' edge: the CloudFront distribution in front of the public ALB
 * and the static-assets bucket, its us-east-1 certificate, its WAF web ACL and its DNS names.
 * Rules that span keys are in `EDGE_RULES`.
 */

/** `/*` (or `*`) would send every request to the assets bucket and none to the application. */
const CATCH_ALL_PATTERNS = ["*", "/*"];

export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;

export const edgeSchema = z
  .object({
    /** The environment's public domain; every CloudFront alias lies under it. */
    domain: dnsName("dev.payments.example.com"),
    /** The Route 53 hosted zone of `domain`: certificate validation and alias records go there. */
    hostedZoneId,
    /** The public names of the distribution (its aliases and the certificate's names); at most 10 (ACM's default). */
    hostnames: z
      .array(dnsName("www.dev.payments.example.com"))
      .min(1, "at least one public hostname")
      .max(10, "at most 10 hostnames (the names one ACM certificate carries by default)")
      .refine((hs) => new Set(hs).size === hs.length, { message: "hostnames must be unique" }),
    /**
     * Names served by the internal ALB only (admin-web, over the VPN): covered by the regional ALB
     * certificate, never CloudFront aliases.
     */
    internalHostnames: z.array(dnsName("admin.dev.payments.example.com")).default([]),
    /**
     * The DNS name CloudFront connects to for the application: a name that resolves to the public
     * ALB the load balancer controller creates from the chart's Ingress, with a certificate for it
     * on the ALB's HTTPS listener.
     */
    originHostname: dnsName("origin.dev.payments.example.com"),
    /** Requests matching this path pattern are served from the static-assets bucket. */
    staticPathPattern: z
      .string()
      .regex(/^\/?[A-Za-z0-9_\-.*/]+$/, "expected a CloudFront path pattern such as /static/*")
      .refine((p) => !CATCH_ALL_PATTERNS.includes(p), {
        message: "must not match every path: the default behaviour sends the rest to the application",
      })
      .default("/static/*"),
    /** Which edge locations serve the distribution. */
    priceClass: z.enum(PRICE_CLASSES, { error: "expected PriceClass_100, PriceClass_200 or PriceClass_All" }),
    /** Requests one client IP may make in 5 minutes before the WAF blocks it. */
    rateLimitPer5Minutes: z
      .number({ error: "expected a whole number of requests" })
      .int("expected a whole number of requests")
      .min(100, "expected at least 100 requests")
      .max(2_000_000_000, "expected at most 2000000000 requests (the WAF limit)"),
    /**
     * Days the edge's access logs are kept: the ALBs' (S3), CloudFront's standard logs and both web
     * ACLs' logs (CloudWatch Logs).
     */
    logRetentionDays: z.union(
      [30, 60, 90, 180, 365, 731, 1827].map((d) => z.literal(d)) as unknown as [
        z.ZodLiteral<number>,
        z.ZodLiteral<number>,
        ...z.ZodLiteral<number>[],
      ],
      { error: "expected one of the log retention periods 30, 60, 90, 180, 365, 731 or 1827 days" },
    ),
    /**
     * Generation of the origin-verify value. Raising it by one rotates the value: CloudFront sends
     * the new one, the public ALB's web ACL admits the new and the previous one until the next raise.
     */
    originVerifyGeneration: z
      .number({ error: "expected a whole number" })
      .int("expected a whole number")
      .min(1, "expected at least 1")
      .default(1),
    /** Serve only (`allow`) or never (`deny`) the listed countries; unset for no restriction. */
    geoRestriction: z
      .object({
        type: z.enum(["allow", "deny"], { error: "expected allow or deny" }),
        /** ISO 3166-1 alpha-2 country codes. */
        countries: z
          .array(z.string().regex(/^[A-Z]{2}$/, "expected an ISO 3166-1 alpha-2 country code such as GB"))
          .min(1, "at least one country"),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The edge key of an environment stack, spread into `environmentSchema`. */
export const edgeShape = { edge: edgeSchema };

export type EdgeConfig = z.infer<typeof edgeSchema>;

/** True when `name` is `domain` itself or a name under it. */
export function isUnderDomain(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

type EdgeSettings = { edge: EdgeConfig; email?: { domain: string; hostedZoneId: string } };

function edgeOf(s: object): EdgeSettings | undefined {
  return "edge" in s ? (s as unknown as EdgeSettings) : undefined;
}

/** Edge rules: each names the full key and what was expected. */
export const EDGE_RULES: Rule[] = [
  function hostnamesUnderDomain(s) {
    const e = edgeOf(s)?.edge;
    if (!e) return [];
    return e.hostnames
      .map((h, i) => ({ h, i }))
      .filter(({ h }) => !isUnderDomain(h, e.domain))
      .map(({ h, i }) => ({
        key: `platform:edge.hostnames[${i}]`,
        message: `"${h}" is not under platform:edge.domain (${e.domain}); the certificate is validated and the alias records are written in that domain's hosted zone`,
      }));
  },

  function internalNamesStayInternal(s) {
    const e = edgeOf(s)?.edge;
    if (!e) return [];
    const out: RuleIssue[] = [];
    e.internalHostnames.forEach((h, i) => {
      if (e.hostnames.includes(h)) {
        out.push({
          key: `platform:edge.internalHostnames[${i}]`,
          message: `"${h}" is also in platform:edge.hostnames: an internal name must never be a CloudFront alias`,
        });
      } else if (!isUnderDomain(h, e.domain)) {
        out.push({
          key: `platform:edge.internalHostnames[${i}]`,
          message: `"${h}" is not under platform:edge.domain (${e.domain}); the ALB certificate is validated in that domain's hosted zone`,
        });
      }
    });
    return out;
  },

  function originIsNotAnAlias(s) {
    const e = edgeOf(s)?.edge;
    if (e === undefined || !e.hostnames.includes(e.originHostname)) return [];
    return [
      {
        key: "platform:edge.originHostname",
        message: `"${e.originHostname}" is one of platform:edge.hostnames, which point at the distribution itself: CloudFront would send every request back to itself; use a name that resolves to the public ALB`,
      },
    ];
  },

  function oneZonePerDomain(s) {
    const d = edgeOf(s);
    if (!d?.email || d.edge.domain !== d.email.domain || d.edge.hostedZoneId === d.email.hostedZoneId) {
      return [];
    }
    const issue: RuleIssue = {
      key: "platform:edge.hostedZoneId",
      message: `must be platform:email.hostedZoneId (${d.email.hostedZoneId}): both name the hosted zone of ${d.edge.domain}`,
    };
    return [issue];
  },
];
