import { z } from "zod";
import type { Rule } from "../core/config-rules";

/**
 * `platform:observability` (environment stacks): where the environment's Datadog organisation lives
 * and who its monitors notify. The SLO itself is code (`payments-slo.ts`), shared with the chart.
 */

/** Datadog sites, by the name the agent's `site` and the API host use. */
export const DATADOG_SITES = [
  "datadoghq.com",
  "us3.datadoghq.com",
  "us5.datadoghq.com",
  "datadoghq.eu",
  "ap1.datadoghq.com",
  "ap2.datadoghq.com",
] as const;

export const observabilitySchema = z
  .object({
    /** The Datadog site of the organisation the agent reports to and the monitors live in. */
    datadogSite: z.enum(DATADOG_SITES, { error: `expected one of ${DATADOG_SITES.join(", ")}` }),
    /** Datadog notification handles every monitor alerts (`@slack-…`, `@pagerduty-…`, `@<email>`). */
    notify: z
      .array(z.string().regex(/^@[A-Za-z0-9_.@+-]+$/, "expected a Datadog handle such as @slack-payments"))
      .min(1, "at least one handle: a monitor nobody hears is not monitoring"),
  })
  .strict();

export type ObservabilityConfig = z.infer<typeof observabilitySchema>;

/** The observability key of an environment stack, spread into `environmentSchema`. */
export const observabilityShape = { observability: observabilitySchema };

/** No rule spans other keys yet; the list is where one goes. */
export const OBSERVABILITY_RULES: Rule[] = [];

/** The Datadog API endpoint of a site. */
export function datadogApiUrl(site: string): string {
  return `https://api.${site}/`;
}
