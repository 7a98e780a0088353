import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/config-loader";
import { configFor, rawConfig } from "../core/config-fixtures";
import { expectConfigError } from "../support/harness";

/** Every rule of `platform:edge`, checked by its message. */

const edge = (stack = "dev") => structuredClone(rawConfig(stack)["platform:edge"] as Record<string, unknown>);
const withEdge = (fields: Record<string, unknown>, stack = "dev") => ({
  "platform:edge": { ...edge(stack), ...fields },
});

function issues(stack: string, overrides: Record<string, unknown>): string {
  try {
    configFor(stack, overrides);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("platform:edge", () => {
  it("the committed stack files are valid and default the static path", () => {
    for (const stack of ["dev", "preprod", "prod"]) {
      const cfg = configFor(stack);
      if (cfg.role !== "environment") throw new Error("not an environment");
      expect(cfg.edge.staticPathPattern).toBe("/static/*");
    }
    const { staticPathPattern: _, ...rest } = edge();
    const cfg = configFor("dev", { "platform:edge": rest });
    expect(cfg.role === "environment" && cfg.edge.staticPathPattern).toBe("/static/*");
  });

  it("is required in every application environment", () => {
    expect(issues("prod", { "platform:edge": undefined })).toMatch(/platform:edge: required key is missing/);
  });

  it("a hostname outside the domain", () => {
    expect(
      issues("dev", withEdge({ hostnames: ["www.dev.payments.example.com", "api.example.org"] })),
    ).toMatch(
      /platform:edge\.hostnames\[1\]: "api\.example\.org" is not under platform:edge\.domain \(dev\.payments\.example\.com\)/,
    );
    // A name that merely ends with the domain's text is not under it.
    expect(issues("dev", withEdge({ hostnames: ["evildev.payments.example.com"] }))).toMatch(
      /platform:edge\.hostnames\[0\]: "evildev\.payments\.example\.com" is not under platform:edge\.domain/,
    );
  });

  it("an origin hostname that is one of the aliases (CloudFront would loop)", () => {
    expect(issues("dev", withEdge({ originHostname: "api.dev.payments.example.com" }))).toMatch(
      /platform:edge\.originHostname: "api\.dev\.payments\.example\.com" is one of platform:edge\.hostnames, which point at the distribution itself/,
    );
  });

  it("a second hosted zone for the email domain", () => {
    expect(issues("preprod", withEdge({ hostedZoneId: "Z0999999999OTHER" }, "preprod"))).toMatch(
      /platform:edge\.hostedZoneId: must be platform:email\.hostedZoneId \(Z04182736PREPAYMNT02\): both name the hosted zone of preprod\.payments\.example\.com/,
    );
    // Another domain may live in another zone.
    expect(() =>
      configFor(
        "dev",
        withEdge({
          domain: "shop.example.com",
          hostedZoneId: "Z0999999999OTHER",
          hostnames: ["www.shop.example.com"],
          internalHostnames: ["admin.shop.example.com"],
          originHostname: "origin.shop.example.com",
        }),
      ),
    ).not.toThrow();
  });

  it("an internal name that is also a CloudFront alias, or outside the domain", () => {
    expect(
      issues("prod", withEdge({ internalHostnames: ["www.prod.payments.example.com"] }, "prod")),
    ).toMatch(
      /platform:edge\.internalHostnames\[0\]: "www\.prod\.payments\.example\.com" is also in platform:edge\.hostnames: an internal name must never be a CloudFront alias/,
    );
    expect(issues("dev", withEdge({ internalHostnames: ["admin.example.org"] }))).toMatch(
      /platform:edge\.internalHostnames\[0\]: "admin\.example\.org" is not under platform:edge\.domain/,
    );
  });

  it("a static path pattern that would take every request from the application", () => {
    expect(issues("dev", withEdge({ staticPathPattern: "/*" }))).toMatch(
      /platform:edge\.staticPathPattern: must not match every path: the default behaviour sends the rest to the application/,
    );
  });

  it("schema limits: rate limit, price class, hostnames, countries", () => {
    expect(issues("prod", withEdge({ rateLimitPer5Minutes: 50 }, "prod"))).toMatch(
      /platform:edge\.rateLimitPer5Minutes: expected at least 100 requests/,
    );
    expect(issues("prod", withEdge({ priceClass: "PriceClass_300" }, "prod"))).toMatch(
      /platform:edge\.priceClass: expected PriceClass_100, PriceClass_200 or PriceClass_All/,
    );
    expect(issues("dev", withEdge({ hostnames: [] }))).toMatch(
      /platform:edge\.hostnames: at least one public hostname/,
    );
    expect(
      issues(
        "dev",
        withEdge({ hostnames: ["www.dev.payments.example.com", "www.dev.payments.example.com"] }),
      ),
    ).toMatch(/platform:edge\.hostnames: hostnames must be unique/);
    expect(issues("dev", withEdge({ geoRestriction: { type: "allow", countries: ["gb"] } }))).toMatch(
      /platform:edge\.geoRestriction\.countries\[0\]: expected an ISO 3166-1 alpha-2 country code/,
    );
    expect(issues("dev", withEdge({ wafRateLimit: 100 }))).toMatch(
      /platform:edge\.wafRateLimit: unknown key/,
    );
  });

  it("stops the program before anything is registered", async () => {
    await expectConfigError(
      "dev",
      withEdge({ originHostname: "www.dev.payments.example.com" }),
      /Invalid configuration for stack "dev" \(Pulumi\.dev\.yaml\)/,
      /platform:edge\.originHostname: "www\.dev\.payments\.example\.com" is one of platform:edge\.hostnames/,
    );
  });
});
