import { z } from "zod";
import { awsRegion, nonEmpty } from "../core/config-primitives";
import type { Rule, RuleIssue } from "../core/config-rules";
import {
  type AccountKey,
  ASSIGNABLE_ACCOUNTS,
  ENVIRONMENT_OUS,
  GATED_OUS,
  MEMBER_ACCOUNTS,
  type MemberAccountKey,
} from "../core/environments";

/**
 * Keys of the management stack's governance: the organization and its member accounts (one per
 * environment in `src/core/environment-list.ts`), Identity Center, CI, the registries and the
 * audit trail.
 */

/** The environment OUs under `Workloads` (one per member account, same key); each carries its own guardrails. */
export type EnvironmentOu = MemberAccountKey;
/** Every account an Identity Center assignment can name. */
export type AssignableAccount = AccountKey;

const memberAccountSchema = z
  .object({
    /** Account name as AWS Organizations shows it. */
    name: z.string().min(1, "must not be empty").max(50, "at most 50 characters"),
    /** Root user email; unique across AWS, so unique across these accounts too. */
    email: z.email("expected an email address"),
    /** The environment OU the account sits in (its guardrails). */
    ou: z.enum(ENVIRONMENT_OUS as [MemberAccountKey, ...MemberAccountKey[]], {
      error: `expected one of ${ENVIRONMENT_OUS.join(", ")}`,
    }),
  })
  .strict();

export const organizationSchema = z
  .object({
    /** Member accounts by key, created with the cross-account admin role. */
    accounts: z
      .object(
        Object.fromEntries(MEMBER_ACCOUNTS.map((key) => [key, memberAccountSchema])) as Record<
          MemberAccountKey,
          typeof memberAccountSchema
        >,
      )
      .strict(),
    /**
     * The organization created by hand (README, "Bootstrap", step 1), set for the first management
     * run only: the run then adopts it into the stack (the `import` option) and registers nothing
     * else. Removed again before the full run.
     */
    importExisting: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, "expected an organization id (o-…)")
      .optional(),
    /** Regions member accounts may use (the region guardrail); must include every stack's region. */
    allowedRegions: z.array(awsRegion).min(1, "at least one region"),
    /**
     * The security tooling account (in the `Security` OU): delegated administrator of GuardDuty,
     * Security Hub, the AWS Config aggregator and IAM Access Analyzer. Not a stack: the management
     * stack configures it through `OrganizationAccountAccessRole`.
     */
    securityAccount: z
      .object({
        name: z.string().min(1, "must not be empty").max(50, "at most 50 characters"),
        email: z.email("expected an email address"),
      })
      .strict(),
  })
  .strict();

/** ISO-8601 session duration Identity Center accepts: PT1H to PT12H. */
const sessionDuration = z
  .string()
  .regex(/^PT([1-9]|1[0-2])H$/, "expected an ISO-8601 duration from PT1H to PT12H, such as PT8H");

const permissionSetSchema = z
  .object({
    /** What the permission set is for (shown on the AWS access portal). */
    description: z.string().min(1, "must not be empty").max(700, "at most 700 characters"),
    /** How long a session lasts before the user signs in again. */
    sessionDuration,
    /** AWS-managed policy names attached to the permission set, e.g. `ReadOnlyAccess`. */
    managedPolicies: z
      .array(z.string().regex(/^[\w+=,.@/-]+$/, "expected an AWS-managed policy name such as ReadOnlyAccess"))
      .min(1, "at least one managed policy"),
    /** May be assigned in the prod account. Off unless the set is read-only or for administrators. */
    prodAccess: z.boolean().default(false),
  })
  .strict();

const assignmentSchema = z
  .object({
    /** Identity Center group display name (owned by the external identity provider). */
    group: nonEmpty,
    /** Key of a permission set in `permissionSets`. */
    permissionSet: nonEmpty,
    /** Accounts the group gets the permission set in. */
    accounts: z.array(z.string()).min(1, "at least one account"),
  })
  .strict();

export const identityCenterSchema = z
  .object({
    /** Permission sets by name (the name shows in the role `AWSReservedSSO_<name>_…`). */
    permissionSets: z.record(
      z.string().regex(/^[\w+=,.@-]{1,32}$/, "expected a permission set name of up to 32 characters"),
      permissionSetSchema,
    ),
    /** Group → permission set → accounts. */
    assignments: z.array(assignmentSchema).min(1, "at least one assignment"),
    /** The permission set whose roles are the platform administrators (SCP and key policy exceptions). */
    adminPermissionSet: nonEmpty,
    /**
     * Permission sets whose holders may add and read SOPS secrets of the stacks that are not gated
     * (dev, preprod); none by default. Gated stacks' (prod, management) secrets are added by admins only.
     */
    secretsEditorPermissionSets: z.array(nonEmpty).default([]),
  })
  .strict();

export const ciSchema = z
  .object({
    /** `owner/name` of this repository on GitHub, spelled exactly as GitHub does (the OIDC `sub` is case-sensitive). */
    repository: z
      .string()
      .regex(
        /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
        "expected a GitHub repository as owner/name, without wildcards",
      ),
  })
  .strict();

const repositoryName = z
  .string()
  .regex(
    /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
    "expected an ECR repository name",
  );

export const registriesSchema = z
  .object({
    /** Application image repositories. */
    images: z.array(repositoryName).min(1, "at least one image repository"),
    /**
     * Image repositories Lambda functions of the member accounts run from (a subset of `images`):
     * their policy also admits the Lambda service, for functions of those accounts only.
     */
    lambdaImages: z.array(repositoryName).default([]),
    /** OCI Helm chart repositories (pushed under `charts/`). */
    charts: z.array(repositoryName).min(1, "at least one chart repository"),
    /** Days after which untagged images are expired. */
    untaggedExpiryDays: z.number().int().min(1).max(365),
    /** Tagged images kept per repository (oldest expired first). */
    keepTaggedImages: z.number().int().min(10, "keep at least 10 images for rollbacks").max(10000),
  })
  .strict();

export const auditSchema = z
  .object({
    /** Days CloudTrail log objects are kept before expiry (at least a year for payments audits). */
    logRetentionDays: z.number().int().min(365, "keep audit logs for at least 365 days"),
    /** Days the trail's CloudWatch Logs copy (read by the security alarms) is kept. */
    cloudWatchRetentionDays: z
      .union([z.literal(90), z.literal(180), z.literal(365), z.literal(731)], {
        error: "expected one of the CloudWatch Logs retention periods 90, 180, 365 or 731",
      })
      .default(365),
  })
  .strict();

/** The management stack's governance keys, spread into its schema. */
export const governanceShape = {
  organization: organizationSchema,
  identityCenter: identityCenterSchema,
  ci: ciSchema,
  registries: registriesSchema,
  audit: auditSchema,
};

export type OrganizationConfig = z.infer<typeof organizationSchema>;
export type IdentityCenterConfig = z.infer<typeof identityCenterSchema>;
export type PermissionSetConfig = z.infer<typeof permissionSetSchema>;
export type AssignmentConfig = z.infer<typeof assignmentSchema>;
export type CiConfig = z.infer<typeof ciSchema>;
export type RegistriesConfig = z.infer<typeof registriesSchema>;
export type AuditConfig = z.infer<typeof auditSchema>;

interface ManagementKeys {
  organization: OrganizationConfig;
  identityCenter: IdentityCenterConfig;
}

function managementKeys(s: object): ManagementKeys | undefined {
  return "organization" in s && "identityCenter" in s ? (s as ManagementKeys) : undefined;
}

/** Rules of the management stack's keys. */
export const GOVERNANCE_RULES: Rule[] = [
  function uniqueAccountEmails(s) {
    const m = managementKeys(s);
    if (!m) return [];
    const out: RuleIssue[] = [];
    const seen = new Map<string, string>();
    for (const key of MEMBER_ACCOUNTS) {
      const email = m.organization.accounts[key].email.toLowerCase();
      const first = seen.get(email);
      if (first) {
        out.push({
          key: `platform:organization.accounts.${key}.email`,
          message: `${email} is already the email of the ${first} account; every AWS account needs its own root email`,
        });
      } else {
        seen.set(email, key);
      }
    }
    const security = m.organization.securityAccount.email.toLowerCase();
    const taken = seen.get(security);
    if (taken) {
      out.push({
        key: "platform:organization.securityAccount.email",
        message: `${security} is already the email of the ${taken} account; every AWS account needs its own root email`,
      });
    }
    return out;
  },

  function gatedAccountsInTheirOu(s) {
    const m = managementKeys(s);
    if (!m) return [];
    return GATED_OUS.filter((key) => m.organization.accounts[key].ou !== key).map((key) => ({
      key: `platform:organization.accounts.${key}.ou`,
      message: `the ${key} account must sit in the ${key} OU so it gets the production guardrails; got "${m.organization.accounts[key].ou}"`,
    }));
  },

  function regionsAllowed(s, { region, peers }) {
    const m = managementKeys(s);
    if (!m) return [];
    const allowed = m.organization.allowedRegions;
    const needed = new Map<string, string>();
    if (region) needed.set(region, "this stack");
    for (const [stack, peer] of Object.entries(peers)) {
      const r = peer && "region" in peer ? (peer as { region?: unknown }).region : undefined;
      if (typeof r === "string" && !needed.has(r)) needed.set(r, `the ${stack} stack`);
    }
    return [...needed]
      .filter(([r]) => !allowed.includes(r))
      .map(([r, who]) => ({
        key: "platform:organization.allowedRegions",
        message: `must include ${r}, the region of ${who}; the region guardrail would otherwise lock the platform out of its own resources (got ${allowed.join(", ")})`,
      }));
  },

  function lambdaImagesAreImages(s) {
    const r = (s as { registries?: RegistriesConfig }).registries;
    if (!r) return [];
    return r.lambdaImages
      .map((name, i) => ({ name, i }))
      .filter(({ name }) => !r.images.includes(name))
      .map(({ name, i }) => ({
        key: `platform:registries.lambdaImages[${i}]`,
        message: `"${name}" is not one of platform:registries.images (${r.images.join(", ")}); only a repository the stack creates can admit Lambda`,
      }));
  },

  function assignmentsResolve(s) {
    const m = managementKeys(s);
    if (!m) return [];
    const out: RuleIssue[] = [];
    const sets = m.identityCenter.permissionSets;
    const known = Object.keys(sets);
    if (!known.includes(m.identityCenter.adminPermissionSet)) {
      out.push({
        key: "platform:identityCenter.adminPermissionSet",
        message: `"${m.identityCenter.adminPermissionSet}" is not a permission set; expected one of ${known.join(", ")}`,
      });
    }
    m.identityCenter.secretsEditorPermissionSets.forEach((p, i) => {
      if (!sets[p]) {
        out.push({
          key: `platform:identityCenter.secretsEditorPermissionSets[${i}]`,
          message: `unknown permission set "${p}"; expected one of ${known.join(", ")}`,
        });
      }
    });
    m.identityCenter.assignments.forEach((a, i) => {
      const key = `platform:identityCenter.assignments[${i}]`;
      const set = sets[a.permissionSet];
      if (!set) {
        out.push({
          key: `${key}.permissionSet`,
          message: `unknown permission set "${a.permissionSet}"; expected one of ${known.join(", ")}`,
        });
      }
      a.accounts.forEach((acct, j) => {
        if (!(ASSIGNABLE_ACCOUNTS as readonly string[]).includes(acct)) {
          out.push({
            key: `${key}.accounts[${j}]`,
            message: `unknown account "${acct}"; expected one of ${ASSIGNABLE_ACCOUNTS.join(", ")}`,
          });
        } else if ((GATED_OUS as readonly string[]).includes(acct) && set && !set.prodAccess) {
          out.push({
            key: `${key}.accounts[${j}]`,
            message: `permission set "${a.permissionSet}" has prodAccess: false and cannot be assigned in ${acct} (give ${a.group} a read-only set there)`,
          });
        }
      });
    });
    const seen = new Set<string>();
    m.identityCenter.assignments.forEach((a, i) => {
      for (const acct of a.accounts) {
        const id = `${a.group}|${a.permissionSet}|${acct}`;
        if (seen.has(id)) {
          out.push({
            key: `platform:identityCenter.assignments[${i}]`,
            message: `${a.group} already gets ${a.permissionSet} in ${acct}; each assignment appears once`,
          });
        }
        seen.add(id);
      }
    });
    return out;
  },
];
