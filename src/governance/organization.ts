import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENT_OUS, MEMBER_ACCOUNTS, type MemberAccountKey, OU_NAMES } from "../core/environments";
import { type NameContext, nameTag } from "../core/naming";
import type { EnvironmentOu, OrganizationConfig } from "./governance-config";
import { ORGANIZATION_ACCESS_ROLE_NAME } from "./platform-roles";

/** AWS services integrated with the organization (trusted access). */
export const SERVICE_ACCESS_PRINCIPALS = [
  "cloudtrail.amazonaws.com",
  "config.amazonaws.com",
  "guardduty.amazonaws.com",
  "securityhub.amazonaws.com",
  "access-analyzer.amazonaws.com",
  "sso.amazonaws.com",
  "ram.amazonaws.com",
  "account.amazonaws.com",
] as const;

/** Policy types enabled on the root: SCPs and RCPs. */
export const ENABLED_POLICY_TYPES = ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] as const;

/**
 * The first management run's only step (README, "Bootstrap", step 5): adopt the organization
 * created by hand, under the very component name and type the full program registers it with, so
 * the next run finds it in the state. Trusted access and the policy types are left as they are for
 * this run (AWS would refuse an import whose inputs differ); the full run that follows turns them
 * on, before anything that needs them.
 */
export class OrganizationImport extends pulumi.ComponentResource {
  readonly organizationId: pulumi.Output<string>;

  constructor(
    name: string,
    args: { readonly organizationId: string },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("platform:organization:Organization", name, {}, opts);
    const org = new aws.organizations.Organization(
      "organization",
      {
        featureSet: "ALL",
        awsServiceAccessPrincipals: [...SERVICE_ACCESS_PRINCIPALS],
        enabledPolicyTypes: [...ENABLED_POLICY_TYPES],
      },
      {
        parent: this,
        protect: true,
        import: args.organizationId,
        ignoreChanges: ["awsServiceAccessPrincipals", "enabledPolicyTypes"],
      },
    );
    this.organizationId = org.id;
    this.registerOutputs({ organizationId: this.organizationId });
  }
}

/** OU keys: `workloads` and the environment OUs under it, and `security` (the security tooling account). */
export type OuKey = "workloads" | "security" | EnvironmentOu;

const OU_DISPLAY_NAMES: Record<OuKey, string> = { workloads: "Workloads", security: "Security", ...OU_NAMES };

export interface OrganizationArgs {
  readonly naming: NameContext;
  readonly accounts: OrganizationConfig["accounts"];
  readonly securityAccount: OrganizationConfig["securityAccount"];
}

/**
 * The AWS Organization (all features, SCPs and RCPs enabled on the root), the OU tree
 * `Root → Workloads → Test | PreProd | Prod` so each environment carries its own guardrails,
 * `Root → Security` for the security tooling account (the delegated administrator of the
 * detective controls), and the member accounts, each created with `OrganizationAccountAccessRole`.
 *
 * Everything here is protected. Accounts are never closed by a delete, and the attributes AWS
 * only reads at creation (`roleName`, `iamUserAccessToBilling`, the root `email`) are ignored
 * afterwards, so editing them never plans a replacement (which would close the account).
 */
export class Organization extends pulumi.ComponentResource {
  readonly organizationId: pulumi.Output<string>;
  readonly organizationArn: pulumi.Output<string>;
  readonly rootId: pulumi.Output<string>;
  readonly ouIds: Record<OuKey, pulumi.Output<string>>;
  readonly accountIds: Record<MemberAccountKey, pulumi.Output<string>>;
  /** The security tooling account. */
  readonly securityAccountId: pulumi.Output<string>;

  constructor(name: string, args: OrganizationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:organization:Organization", name, {}, opts);
    const parent = { parent: this, protect: true };

    const org = new aws.organizations.Organization(
      "organization",
      {
        featureSet: "ALL",
        awsServiceAccessPrincipals: [...SERVICE_ACCESS_PRINCIPALS],
        enabledPolicyTypes: [...ENABLED_POLICY_TYPES],
      },
      parent,
    );
    this.organizationId = org.id;
    this.organizationArn = org.arn;
    this.rootId = org.roots.apply((roots) => {
      const id = roots[0]?.id;
      if (!id) throw new Error("the organization has no root");
      return id;
    });

    const workloads = new aws.organizations.OrganizationalUnit(
      "ou-workloads",
      {
        name: OU_DISPLAY_NAMES.workloads,
        parentId: this.rootId,
        tags: nameTag(args.naming, "ou", "workloads"),
      },
      parent,
    );
    const envOus = Object.fromEntries(
      ENVIRONMENT_OUS.map((key) => [
        key,
        new aws.organizations.OrganizationalUnit(
          `ou-${key}`,
          { name: OU_DISPLAY_NAMES[key], parentId: workloads.id, tags: nameTag(args.naming, "ou", key) },
          parent,
        ),
      ]),
    ) as Record<EnvironmentOu, aws.organizations.OrganizationalUnit>;
    const security = new aws.organizations.OrganizationalUnit(
      "ou-security",
      {
        name: OU_DISPLAY_NAMES.security,
        parentId: this.rootId,
        tags: nameTag(args.naming, "ou", "security"),
      },
      parent,
    );
    this.ouIds = {
      workloads: workloads.id,
      security: security.id,
      ...(Object.fromEntries(ENVIRONMENT_OUS.map((k) => [k, envOus[k].id])) as Record<
        EnvironmentOu,
        pulumi.Output<string>
      >),
    };

    this.accountIds = Object.fromEntries(
      MEMBER_ACCOUNTS.map((key) => {
        const acct = args.accounts[key];
        const account = new aws.organizations.Account(
          `account-${key}`,
          {
            name: acct.name,
            email: acct.email,
            parentId: envOus[acct.ou].id,
            roleName: ORGANIZATION_ACCESS_ROLE_NAME,
            iamUserAccessToBilling: "DENY",
            closeOnDeletion: false,
            tags: { ...nameTag(args.naming, "account", key), Account: key },
          },
          { ...parent, ignoreChanges: ["roleName", "iamUserAccessToBilling", "email"] },
        );
        return [key, account.id];
      }),
    ) as Record<MemberAccountKey, pulumi.Output<string>>;

    this.securityAccountId = new aws.organizations.Account(
      "account-security",
      {
        name: args.securityAccount.name,
        email: args.securityAccount.email,
        parentId: security.id,
        roleName: ORGANIZATION_ACCESS_ROLE_NAME,
        iamUserAccessToBilling: "DENY",
        closeOnDeletion: false,
        tags: { ...nameTag(args.naming, "account", "security"), Account: "security" },
      },
      { ...parent, ignoreChanges: ["roleName", "iamUserAccessToBilling", "email"] },
    ).id;

    this.registerOutputs({
      organizationId: this.organizationId,
      rootId: this.rootId,
      ouIds: this.ouIds,
      accountIds: this.accountIds,
      securityAccountId: this.securityAccountId,
    });
  }
}
