import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "../core/naming";
import { type Assignment, assignmentKey, groupsOf } from "./assignments";
import type { AssignableAccount, PermissionSetConfig } from "./governance-config";

export interface IdentityCenterArgs {
  readonly naming: NameContext;
  /** Permission sets by name. */
  readonly permissionSets: Readonly<Record<string, PermissionSetConfig>>;
  /** The expanded assignment matrix (`assignmentMatrix`). */
  readonly assignments: readonly Assignment[];
  /** Account ids by account key. */
  readonly accountIds: Readonly<Record<AssignableAccount, pulumi.Input<string>>>;
  /** The provider the Identity Center lookups (invokes) use: the management account's. */
  readonly provider: aws.Provider;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * IAM Identity Center: permission sets with their AWS-managed policies and session durations, and
 * one account assignment per (group, permission set, account). Groups are looked up by display
 * name, so the external identity provider (Okta, through SCIM) owns them and their members; this
 * program never creates users or groups. Identity Center itself is enabled once by hand.
 */
export class IdentityCenter extends pulumi.ComponentResource {
  readonly instanceArn: pulumi.Output<string>;
  readonly identityStoreId: pulumi.Output<string>;
  readonly permissionSetArns: Record<string, pulumi.Output<string>> = {};
  readonly groupIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: IdentityCenterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:identity:IdentityCenter", name, {}, opts);
    const parent = { parent: this };
    const invoke = { parent: this, provider: args.provider };

    const instances = aws.ssoadmin.getInstancesOutput({}, invoke);
    const first = (list: string[], what: string) => {
      const v = list[0];
      if (!v)
        throw new Error(`IAM Identity Center is not enabled in this account (no ${what}); enable it first`);
      return v;
    };
    this.instanceArn = instances.arns.apply((a) => first(a, "instance ARN"));
    this.identityStoreId = instances.identityStoreIds.apply((a) => first(a, "identity store"));

    const attachments: Record<string, pulumi.Resource[]> = {};
    for (const [setName, set] of Object.entries(args.permissionSets)) {
      const ps = new aws.ssoadmin.PermissionSet(
        `ps-${slug(setName)}`,
        {
          name: setName,
          description: set.description,
          instanceArn: this.instanceArn,
          sessionDuration: set.sessionDuration,
          tags: nameTag(args.naming, "ps", setName),
        },
        parent,
      );
      this.permissionSetArns[setName] = ps.arn;
      attachments[setName] = set.managedPolicies.map(
        (policyName) =>
          new aws.ssoadmin.ManagedPolicyAttachment(
            `ps-${slug(setName)}-${slug(policyName)}`,
            {
              instanceArn: this.instanceArn,
              permissionSetArn: ps.arn,
              managedPolicyArn: `arn:aws:iam::aws:policy/${policyName}`,
            },
            parent,
          ),
      );
    }

    for (const group of groupsOf(args.assignments)) {
      this.groupIds[group] = aws.identitystore
        .getGroupOutput(
          {
            identityStoreId: this.identityStoreId,
            alternateIdentifier: { uniqueAttribute: { attributePath: "DisplayName", attributeValue: group } },
          },
          invoke,
        )
        .apply((g) => g.groupId);
    }

    for (const a of args.assignments) {
      const psArn = this.permissionSetArns[a.permissionSet];
      if (!psArn)
        throw new Error(`identity center: assignment names unknown permission set "${a.permissionSet}"`);
      new aws.ssoadmin.AccountAssignment(
        `assign-${assignmentKey(a)}`,
        {
          instanceArn: this.instanceArn,
          permissionSetArn: psArn,
          principalType: "GROUP",
          principalId: this.groupIds[a.group]!,
          targetType: "AWS_ACCOUNT",
          targetId: args.accountIds[a.account],
        },
        // Provision after the policies are attached, so a first sign-in gets the full set.
        { ...parent, dependsOn: attachments[a.permissionSet] ?? [] },
      );
    }

    this.registerOutputs({ instanceArn: this.instanceArn, permissionSetArns: this.permissionSetArns });
  }
}
