// Regression suite: replays recorded API cases (regression-cases.json) and expects the recorded
// outcome of each, so a release that changes a behaviour someone relies on fails in preprod.
import { check } from "k6";
import http from "k6/http";
import { API_URL } from "./lib.js";

const cases = JSON.parse(open("./regression-cases.json"));

export const options = {
  vus: 1,
  iterations: 1,
  thresholds: { checks: ["rate==1.0"] },
};

export default function () {
  for (const c of cases) {
    const r = http.request(c.method, `${API_URL}${c.path}`, c.body ? JSON.stringify(c.body) : null, {
      headers: { "Content-Type": "application/json", ...(c.headers || {}) },
      tags: { name: c.name },
    });
    check(r, { [`${c.name}: ${c.expect.status}`]: (x) => x.status === c.expect.status });
  }
}
