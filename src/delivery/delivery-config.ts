import { z } from "zod";
import type { Rule } from "../core/config-rules";

/**
 * Keys of the management stack's delivery section: `platform:repository` (the GitHub repository's
 * rules, environments and code owners) and `platform:tailnet` (the Tailscale tailnet CI and staff
 * reach the private networks through). The repository itself is `platform:ci.repository`.
 */

const teamSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "expected a GitHub team slug such as platform-team");

export const repositorySchema = z
  .object({
    /** The team that owns the platform: code owner of everything, reviewer of the protected environments. */
    platformTeam: teamSlug,
    /** Approving reviews every pull request into `main` needs. */
    requiredApprovals: z.number().int().min(1, "at least one approval").max(6, "at most 6 approvals"),
    /** Approvals from the platform team a change to a gated stack's file (prod, management) needs. */
    gatedStackApprovals: z.number().int().min(1).max(6, "at most 6 approvals"),
  })
  .strict();

export const tailnetSchema = z
  .object({
    /** The tailnet the Tailscale provider manages (its tailnet ID, from the admin console's settings). */
    tailnet: z.string().regex(/^[\w.-]+$/, "expected a tailnet ID such as T1234CNTRL or example.com"),
  })
  .strict();

/** The delivery keys of the management stack, spread into its schema. */
export const deliveryShape = { repository: repositorySchema, tailnet: tailnetSchema };

export type RepositoryConfig = z.infer<typeof repositorySchema>;
export type TailnetConfig = z.infer<typeof tailnetSchema>;

/** Delivery rules: each names the full key and what was expected. */
export const DELIVERY_RULES: Rule[] = [
  function gatedStacksNeedMoreApprovals(s) {
    if (!("repository" in s)) return [];
    const r = (s as { repository: RepositoryConfig }).repository;
    if (r.gatedStackApprovals > r.requiredApprovals) return [];
    return [
      {
        key: "platform:repository.gatedStackApprovals",
        message: `must be more than platform:repository.requiredApprovals (${r.requiredApprovals}): a change to the prod or management stack file needs a second reviewer; got ${r.gatedStackApprovals}`,
      },
    ];
  },
];
