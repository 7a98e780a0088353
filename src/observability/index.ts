/** The environment's observability: Datadog keys, AWS integration, the payments monitors and SLO. */
export { datadogApiUrl, OBSERVABILITY_RULES, observabilityShape } from "./observability-config";
export { observabilityStack } from "./observability-stack";
export { analysisChartValues, PAYMENTS_SLO } from "./payments-slo";
