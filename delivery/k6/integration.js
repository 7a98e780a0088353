// Integration test of the payments API against its stores: a payment is recorded as processing,
// the idempotency key returns the same payment, bad input is refused, an unknown payment is 404.
import { check } from "k6";
import { createPayment, getPayment, paymentBody } from "./lib.js";

export const options = {
  vus: 1,
  iterations: 1,
  thresholds: { checks: ["rate==1.0"] },
};

export default function () {
  const key = crypto.randomUUID();
  const body = paymentBody();
  const first = createPayment(key, body);
  check(first, {
    "created": (r) => r.status === 201 || r.status === 202,
    "recorded as processing": (r) => r.json("status") === "processing",
  });
  const id = first.json("id");
  const again = createPayment(key, body);
  check(again, { "the idempotency key returns the same payment": (r) => r.json("id") === id });
  check(getPayment(id), { "it can be read back": (r) => r.status === 200 && r.json("id") === id });
  const bad = createPayment(crypto.randomUUID(), JSON.stringify({ amount: { value: -1, currency: "GBP" } }));
  check(bad, { "invalid input is refused": (r) => r.status === 400 || r.status === 422 });
  check(getPayment(crypto.randomUUID()), { "an unknown payment is 404": (r) => r.status === 404 });
}
