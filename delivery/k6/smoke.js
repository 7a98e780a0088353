// Smoke test: every service of the environment is up and the API takes a payment.
import { check } from "k6";
import { checkHealth, createPayment } from "./lib.js";

export const options = {
  vus: 1,
  iterations: 1,
  thresholds: { checks: ["rate==1.0"] },
};

export default function () {
  checkHealth();
  const r = createPayment();
  check(r, { "a payment is accepted": (x) => x.status === 201 || x.status === 202 });
}
