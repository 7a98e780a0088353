import { z } from "zod";
import type { Rule, RuleIssue } from "../core/config-rules";

/**
 * Keys of the security baseline. Every stack: `platform:budget` (the stack account's AWS Budget).
 * Management only: `platform:security` (where security alerts go, Access Analyzer's unused-access
 * window, the security tooling account's budget, Cost Anomaly Detection).
 */

const percent = z
  .number({ error: "expected a whole percentage" })
  .int("expected a whole percentage")
  .min(1, "expected at least 1 percent")
  .max(1000, "expected at most 1000 percent");
const emails = z
  .array(z.email("expected an email address"))
  .min(1, "at least one address")
  .max(10, "AWS Budgets and Cost Anomaly Detection notify at most 10 addresses");

export const budgetSchema = z
  .object({
    /** Monthly cost budget of the account, in USD. */
    monthlyLimitUsd: z.number().positive("expected a positive amount of USD"),
    /** Alert when actual spend passes these percentages of the limit (at most 5, distinct). */
    actualThresholdsPercent: z.array(percent).min(1, "at least one threshold").max(5, "at most 5 thresholds"),
    /** Alert when the month's forecast passes this percentage of the limit. */
    forecastThresholdPercent: percent,
    /** Who the alerts go to. */
    emails,
  })
  .strict();

export const securitySchema = z
  .object({
    /** Subscribed (by email) to the security alerts topic; unset for none. */
    alertsEmail: z.email("expected an email address").optional(),
    /** IAM Access Analyzer reports roles, keys and permissions unused for this many days. */
    unusedAccessAgeDays: z.number().int().min(1, "at least 1 day").max(365, "at most 365 days").default(90),
    /** The security tooling account's own budget. */
    budget: budgetSchema,
    /** Cost Anomaly Detection over the organization: a daily email of anomalies above the threshold. */
    costAnomaly: z
      .object({
        /** Report anomalies whose total impact is at least this many USD. */
        thresholdUsd: z.number().positive("expected a positive amount of USD"),
        emails,
      })
      .strict(),
  })
  .strict();

/** The management stack's security keys, spread into its schema. */
export const securityManagementShape = { security: securitySchema, budget: budgetSchema };
/** An environment stack's security keys, spread into its schema. */
export const securityEnvironmentShape = { budget: budgetSchema };

export type BudgetConfig = z.infer<typeof budgetSchema>;
export type SecurityConfig = z.infer<typeof securitySchema>;

/** Rules of the security keys. */
export const SECURITY_RULES: Rule[] = [
  function budgetThresholdsDistinct(s) {
    const out: RuleIssue[] = [];
    const check = (key: string, budget: BudgetConfig | undefined) => {
      if (!budget) return;
      const t = budget.actualThresholdsPercent;
      if (new Set(t).size !== t.length) {
        out.push({
          key: `${key}.actualThresholdsPercent`,
          message: `thresholds must be distinct: AWS Budgets refuses two notifications with the same threshold (got ${t.join(", ")})`,
        });
      }
    };
    check("platform:budget", (s as { budget?: BudgetConfig }).budget);
    check("platform:security.budget", (s as { security?: SecurityConfig }).security?.budget);
    return out;
  },
];
