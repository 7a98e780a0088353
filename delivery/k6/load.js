// A short load test in preprod: a steady rate of payments for a few minutes, held to the SLO the
// production canary's analysis enforces (charts/payments values: analysis.datadog
// latencyThresholdSeconds 0.35 and errorRateThreshold 0.05; a test checks they agree).
import { check } from "k6";
import { checkHealth, createPayment } from "./lib.js";

export const SLO = { p95Seconds: 0.35, errorRate: 0.05 };

export const options = {
  scenarios: {
    payments: {
      executor: "ramping-arrival-rate",
      startRate: 1,
      timeUnit: "1s",
      preAllocatedVUs: 10,
      maxVUs: 50,
      stages: [
        { target: Number(__ENV.LOAD_RATE || 20), duration: "1m" },
        { target: Number(__ENV.LOAD_RATE || 20), duration: "2m" },
        { target: 0, duration: "30s" },
      ],
    },
  },
  thresholds: {
    http_req_duration: [`p(95)<${SLO.p95Seconds * 1000}`],
    http_req_failed: [`rate<${SLO.errorRate}`],
  },
};

export function setup() {
  checkHealth();
}

export default function () {
  check(createPayment(), { "accepted": (r) => r.status === 201 || r.status === 202 });
}
