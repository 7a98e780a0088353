// Shared by the stage tests the delivery pipeline runs with k6 against an environment (or a PR
// environment through a port-forward): where the services are, and the payments API calls.
// API_URL and WEB_URL come from `npm run -s endpoints -- --env <env>` (or the PR workflow).
// Identifiers come from the WebCrypto API k6 provides (`crypto.randomUUID()`).
import { check, fail } from "k6";
import http from "k6/http";

export const API_URL = __ENV.API_URL || fail("API_URL is not set");
export const WEB_URL = __ENV.WEB_URL || "";

const json = { headers: { "Content-Type": "application/json" } };

/** A test payment: small, in a test currency, tagged so the environment's data can tell it apart. */
export function paymentBody(overrides = {}) {
  return JSON.stringify({
    amount: { value: 1234, currency: "GBP" },
    reference: `k6-${crypto.randomUUID()}`,
    source: "delivery-pipeline",
    ...overrides,
  });
}

/** POST /v1/payments with an idempotency key (the payment's id, as the seed design has it). */
export function createPayment(key = crypto.randomUUID(), body = paymentBody()) {
  return http.post(`${API_URL}/v1/payments`, body, {
    ...json,
    headers: { ...json.headers, "Idempotency-Key": key },
    tags: { name: "POST /v1/payments" },
  });
}

export function getPayment(id) {
  return http.get(`${API_URL}/v1/payments/${id}`, { tags: { name: "GET /v1/payments/:id" } });
}

/** Health of every service the environment exposes. */
export function checkHealth() {
  const urls = [API_URL, WEB_URL].filter(Boolean);
  for (const base of urls) {
    for (const path of ["/healthz", "/readyz"]) {
      const r = http.get(`${base}${path}`, { tags: { name: `GET ${path}` } });
      check(r, { [`${base}${path} answers 200`]: (x) => x.status === 200 });
    }
  }
}
