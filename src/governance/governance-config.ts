import { z } from "zod";
import { overlaps } from "../core/cidr";
import { awsRegion, ipv4Block, nonEmpty } from "../core/config-primitives";
import type { Rule, RuleIssue } from "../core/config-rules";

/**
 * Keys of the management stack: the organization and its member accounts, Identity Center,
 * CI, the Transit Gateway hub and its VPN, the registries and the audit trail.
 */

/** The member accounts the organization creates (seed 000: test, pre-prod, prod). */
export const MEMBER_ACCOUNTS = ["test", "preprod", "prod"] as const;
export type MemberAccountKey = (typeof MEMBER_ACCOUNTS)[number];
/** Every account an Identity Center assignment can name. */
export const ASSIGNABLE_ACCOUNTS = ["management", ...MEMBER_ACCOUNTS] as const;
export type AssignableAccount = (typeof ASSIGNABLE_ACCOUNTS)[number];
/** The environment OUs under `Workloads`; each carries its own guardrails. */
export const ENVIRONMENT_OUS = ["test", "preprod", "prod"] as const;
export type EnvironmentOu = (typeof ENVIRONMENT_OUS)[number];

const memberAccountSchema = z
  .object({
    /** Account name as AWS Organizations shows it. */
    name: z.string().min(1, "must not be empty").max(50, "at most 50 characters"),
    /** Root user email; unique across AWS, so unique across these accounts too. */
    email: z.email("expected an email address"),
    /** The environment OU the account sits in (its guardrails). */
    ou: z.enum(ENVIRONMENT_OUS, { error: `expected one of ${ENVIRONMENT_OUS.join(", ")}` }),
  })
  .strict();

export const organizationSchema = z
  .object({
    /** Member accounts by key, created with the cross-account admin role. */
    accounts: z
      .object({
        test: memberAccountSchema,
        preprod: memberAccountSchema,
        prod: memberAccountSchema,
      })
      .strict(),
    /** Regions member accounts may use (the region guardrail); must include every stack's region. */
    allowedRegions: z.array(awsRegion).min(1, "at least one region"),
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
    /** Permission sets whose holders may add SOPS secrets (encrypt only in prod and management); none by default. */
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

export const transitSchema = z
  .object({
    /** Private ASN of the Transit Gateway's Amazon side. */
    amazonSideAsn: z
      .number()
      .int()
      .refine((n) => (n >= 64512 && n <= 65534) || (n >= 4200000000 && n <= 4294967294), {
        message: "expected a private ASN (64512-65534 or 4200000000-4294967294)",
      }),
    /** The VPN's client address range; environments route it back to the hub. Tailscale: 100.64.0.0/10. */
    vpnClientCidr: ipv4Block(8, 24).default("100.64.0.0/10"),
  })
  .strict();

export const vpnSchema = z
  .object({
    /** Instance type of the Tailscale subnet router (arm64 Graviton types: t4g.*, c7g.*). */
    instanceType: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]*g[a-z0-9-]*\.[a-z0-9]+$/,
        "expected a Graviton instance type such as t4g.small",
      ),
    /** Routers running at once (Tailscale fails over between routers advertising the same routes). */
    desiredCapacity: z.number().int().min(1, "at least 1 router").max(3, "at most 3 routers"),
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
  })
  .strict();

/** The management stack's own keys, spread into `managementSchema`. */
export const managementShape = {
  organization: organizationSchema,
  identityCenter: identityCenterSchema,
  ci: ciSchema,
  transit: transitSchema,
  vpn: vpnSchema,
  registries: registriesSchema,
  audit: auditSchema,
};

export type OrganizationConfig = z.infer<typeof organizationSchema>;
export type IdentityCenterConfig = z.infer<typeof identityCenterSchema>;
export type PermissionSetConfig = z.infer<typeof permissionSetSchema>;
export type AssignmentConfig = z.infer<typeof assignmentSchema>;
export type CiConfig = z.infer<typeof ciSchema>;
export type TransitConfig = z.infer<typeof transitSchema>;
export type VpnConfig = z.infer<typeof vpnSchema>;
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
export const MANAGEMENT_RULES: Rule[] = [
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
    return out;
  },

  function prodAccountInProdOu(s) {
    const m = managementKeys(s);
    if (!m || m.organization.accounts.prod.ou === "prod") return [];
    return [
      {
        key: "platform:organization.accounts.prod.ou",
        message: `the prod account must sit in the prod OU so it gets the production guardrails; got "${m.organization.accounts.prod.ou}"`,
      },
    ];
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

  function vpnRangeApart(s, { peers }) {
    if (!("transit" in s) || !("network" in s)) return [];
    const vpn = (s as { transit: TransitConfig }).transit.vpnClientCidr;
    const vpcs: [string, string][] = [["this stack", s.network.vpcCidr]];
    for (const [stack, peer] of Object.entries(peers))
      if (peer?.vpcCidr) vpcs.push([`the ${stack} stack`, peer.vpcCidr]);
    const out: RuleIssue[] = [];
    for (const [who, cidr] of vpcs) {
      let clash = false;
      try {
        clash = overlaps(vpn, cidr);
      } catch {
        continue; // malformed blocks are reported by the schema
      }
      if (clash) {
        out.push({
          key: "platform:transit.vpnClientCidr",
          message: `${vpn} overlaps the VPC of ${who} (${cidr}); the VPN client range must be routable apart from every VPC`,
        });
      }
    }
    return out;
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
        } else if (acct === "prod" && set && !set.prodAccess) {
          out.push({
            key: `${key}.accounts[${j}]`,
            message: `permission set "${a.permissionSet}" has prodAccess: false and cannot be assigned in prod (give ${a.group} a read-only set there)`,
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
