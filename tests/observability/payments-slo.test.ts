import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { VERSIONS } from "../../src/core/versions";
import { datadogApiUrl, observabilitySchema } from "../../src/observability/observability-config";
import {
  ANALYSIS_QUERIES,
  analysisChartValues,
  monitorDefinitions,
  PAYMENTS_SLO,
  SLO_SERVICES,
} from "../../src/observability/payments-slo";

/** The payments SLO's one definition, and what the monitors and the chart take from it. */

const CHART_VALUES = parse(
  fs.readFileSync(path.join(__dirname, "../../charts/payments/values.yaml"), "utf8"),
) as {
  analysis: {
    datadog: Record<string, unknown>;
    smokeTest: { image: { repository: string; tag: string } };
  };
};

describe("the payments SLO definition", () => {
  const monitors = monitorDefinitions({
    environment: "prod",
    dlq: "platform-prod-payments-dlq",
    workerFunction: "platform-prod-payments-worker",
    workerErrors: 0,
  });

  it("yields the latency and error-rate monitors of each public service, the DLQ's and the worker's", () => {
    expect(monitors.map((m) => m.id)).toEqual([
      "payments-web-p95-latency",
      "payments-web-error-rate",
      "payments-api-p95-latency",
      "payments-api-error-rate",
      "payments-dlq-depth",
      "payments-worker-errors",
    ]);
    expect(monitors.filter((m) => m.slo).length).toBe(2 * SLO_SERVICES.length);
    const byId = Object.fromEntries(monitors.map((m) => [m.id, m]));
    expect(byId["payments-api-p95-latency"]!.query).toBe(
      "percentile(last_5m):p95:trace.http.request{service:payments-api,env:prod} > 0.35",
    );
    expect(byId["payments-api-error-rate"]!.query).toBe(
      "sum(last_5m):sum:trace.http.request.errors{service:payments-api,env:prod}.as_count() / sum:trace.http.request.hits{service:payments-api,env:prod}.as_count() > 0.05",
    );
    expect(byId["payments-dlq-depth"]!.query).toBe(
      "max(last_5m):max:aws.sqs.approximate_number_of_messages_visible{queuename:platform-prod-payments-dlq} > 0",
    );
    expect(byId["payments-worker-errors"]!.query).toBe(
      "sum(last_5m):sum:aws.lambda.errors{functionname:platform-prod-payments-worker}.as_count() > 0",
    );
  });

  it("hands the chart the same thresholds, window and queries, and the chart's defaults agree", () => {
    const values = analysisChartValues();
    expect(values).toEqual({
      latencyThresholdSeconds: PAYMENTS_SLO.latencyThresholdSeconds,
      errorRateThreshold: PAYMENTS_SLO.errorRateThreshold,
      windowSeconds: PAYMENTS_SLO.windowSeconds,
      queries: ANALYSIS_QUERIES,
    });
    // A local render without the stack's values measures the same SLO.
    expect(CHART_VALUES.analysis.datadog).toMatchObject(values);
    expect(ANALYSIS_QUERIES.p95Latency).toBe(
      "p95:trace.http.request{service:{{args.service}},env:{{args.environment}}}",
    );
  });

  it("takes the smoke test's curl from the pinned mirror", () => {
    const { repository, tag } = VERSIONS.images.mirrored.curl;
    expect(CHART_VALUES.analysis.smokeTest.image).toMatchObject({ repository, tag });
  });
});

describe("platform:observability", () => {
  it("knows the Datadog sites and refuses a monitor nobody hears", () => {
    expect(
      observabilitySchema.safeParse({ datadogSite: "datadoghq.eu", notify: ["@slack-payments"] }).success,
    ).toBe(true);
    const bad = observabilitySchema.safeParse({ datadogSite: "datadog.example", notify: [] });
    expect(bad.success).toBe(false);
    const messages = bad.error?.issues.map((i) => i.message) ?? [];
    expect(messages).toContain(
      "expected one of datadoghq.com, us3.datadoghq.com, us5.datadoghq.com, datadoghq.eu, ap1.datadoghq.com, ap2.datadoghq.com",
    );
    expect(messages).toContain("at least one handle: a monitor nobody hears is not monitoring");
    expect(datadogApiUrl("datadoghq.eu")).toBe("https://api.datadoghq.eu/");
  });
});
