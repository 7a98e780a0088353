/**
 * THE definition of the payments SLO, shared by everything that measures it: the Datadog monitors and
 * SLO the environment stacks create (`PaymentsMonitoring`), and the prod canary analysis of the
 * payments chart, whose AnalysisTemplate receives these thresholds and queries as Helm values from
 * the environment stack (the cluster secret's chart-values annotation, see `src/gitops/`). Change a
 * threshold here and both move together; a test renders the chart with each stack's values and
 * checks that the AnalysisTemplate and the monitors agree.
 */

/** The HTTP services behind the public ALB whose latency and errors make up the SLO. */
export const SLO_SERVICES = ["payments-web", "payments-api"] as const;
export type SloService = (typeof SLO_SERVICES)[number];

/** APM trace metrics the Datadog agent derives from the services' spans. */
export const TRACE_METRICS = {
  /** Request duration (a distribution: percentiles), in seconds. */
  duration: "trace.http.request",
  errors: "trace.http.request.errors",
  hits: "trace.http.request.hits",
} as const;

export const PAYMENTS_SLO = {
  /** p95 request latency must stay below this, in seconds. */
  latencyThresholdSeconds: 0.35,
  /** errors / requests must stay below this. */
  errorRateThreshold: 0.05,
  /** Window each measurement (canary analysis) and each monitor evaluation covers, in seconds. */
  windowSeconds: 300,
  /** Share of the time the latency and error-rate monitors must be OK, over `timeframe`. */
  targetPercent: 99.5,
  warningPercent: 99.9,
  timeframe: "30d",
} as const;

/**
 * The Datadog metric queries, with the service and environment as Argo Rollouts arguments
 * (`{{args.service}}`, `{{args.environment}}`) or as concrete values.
 */
export function sloQueries(service: string, environment: string) {
  const scope = `{service:${service},env:${environment}}`;
  return {
    p95Latency: `p95:${TRACE_METRICS.duration}${scope}`,
    errors: `sum:${TRACE_METRICS.errors}${scope}.as_count()`,
    requests: `sum:${TRACE_METRICS.hits}${scope}.as_count()`,
  };
}

/** The queries as the chart's AnalysisTemplate takes them (Argo Rollouts substitutes the arguments). */
export const ANALYSIS_QUERIES = sloQueries("{{args.service}}", "{{args.environment}}");

/** `analysis.datadog` values of the payments chart that carry the SLO (the stack passes them to ArgoCD). */
export function analysisChartValues() {
  return {
    latencyThresholdSeconds: PAYMENTS_SLO.latencyThresholdSeconds,
    errorRateThreshold: PAYMENTS_SLO.errorRateThreshold,
    windowSeconds: PAYMENTS_SLO.windowSeconds,
    queries: { ...ANALYSIS_QUERIES },
  };
}

/** A Datadog metric monitor as plain data. */
export interface MonitorDefinition {
  /** Logical suffix and name suffix. */
  readonly id: string;
  readonly name: string;
  readonly query: string;
  /** The critical threshold, as the query's comparison states it. */
  readonly critical: number;
  readonly description: string;
  /** Part of the SLO (the latency and error-rate monitors of the SLO services). */
  readonly slo: boolean;
}

export interface MonitorTargets {
  readonly environment: string;
  /** The payments DLQ (SQS queue name). */
  readonly dlq: string;
  /** The Lambda worker's function name. */
  readonly workerFunction: string;
  /** Worker errors tolerated in five minutes (`platform:alarms.workerErrors`). */
  readonly workerErrors: number;
}

const window = () => `last_${PAYMENTS_SLO.windowSeconds / 60}m`;

/**
 * The monitors: p95 latency and error rate of each SLO service (the SLO is built from these), the
 * payments DLQ's depth and the Lambda worker's errors (from the Datadog AWS integration's CloudWatch
 * metrics, whose tags are the lowercase resource names).
 */
export function monitorDefinitions(t: MonitorTargets): MonitorDefinition[] {
  const w = window();
  const perService = SLO_SERVICES.flatMap((service): MonitorDefinition[] => {
    const q = sloQueries(service, t.environment);
    return [
      {
        id: `${service}-p95-latency`,
        name: `[${t.environment}] ${service} p95 latency above ${PAYMENTS_SLO.latencyThresholdSeconds} s`,
        query: `percentile(${w}):${q.p95Latency} > ${PAYMENTS_SLO.latencyThresholdSeconds}`,
        critical: PAYMENTS_SLO.latencyThresholdSeconds,
        description: `${service}'s p95 request latency over ${w.replace("_", " ")} is above the SLO's ${PAYMENTS_SLO.latencyThresholdSeconds} s.`,
        slo: true,
      },
      {
        id: `${service}-error-rate`,
        name: `[${t.environment}] ${service} error rate above ${PAYMENTS_SLO.errorRateThreshold * 100} %`,
        query: `sum(${w}):${q.errors} / ${q.requests} > ${PAYMENTS_SLO.errorRateThreshold}`,
        critical: PAYMENTS_SLO.errorRateThreshold,
        description: `More than ${PAYMENTS_SLO.errorRateThreshold * 100} % of ${service}'s requests failed over ${w.replace("_", " ")}.`,
        slo: true,
      },
    ];
  });
  return [
    ...perService,
    {
      id: "payments-dlq-depth",
      name: `[${t.environment}] payments in the dead-letter queue`,
      query: `max(${w}):max:aws.sqs.approximate_number_of_messages_visible{queuename:${t.dlq.toLowerCase()}} > 0`,
      critical: 0,
      description: `Payments failed after every retry and wait in ${t.dlq}: inspect, fix, then replay (docs/replay.md).`,
      slo: false,
    },
    {
      id: "payments-worker-errors",
      name: `[${t.environment}] payments worker errors`,
      query: `sum(${w}):sum:aws.lambda.errors{functionname:${t.workerFunction.toLowerCase()}}.as_count() > ${t.workerErrors}`,
      critical: t.workerErrors,
      description: `${t.workerFunction} reported more than ${t.workerErrors} errors over ${w.replace("_", " ")}.`,
      slo: false,
    },
  ];
}
