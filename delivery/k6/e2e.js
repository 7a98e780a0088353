// End-to-end test of the payment flow (seed 000): API → DynamoDB `processing` + raw payload to S3
// → SQS → worker → DynamoDB `complete` (→ RDS → OpenSearch). Passes when the payment completes.
import { check, sleep } from "k6";
import { createPayment, getPayment } from "./lib.js";

export const options = {
  vus: 1,
  iterations: 3,
  thresholds: { checks: ["rate==1.0"], "iteration_duration": ["max<90000"] },
};

export default function () {
  const created = createPayment();
  check(created, { "the payment is accepted": (r) => r.status === 201 || r.status === 202 });
  const id = created.json("id");
  let status = created.json("status");
  for (let i = 0; i < 60 && status !== "complete" && status !== "failed"; i++) {
    sleep(1);
    status = getPayment(id).json("status");
  }
  check(status, { "the payment completes through the queue and the worker": (s) => s === "complete" });
}
