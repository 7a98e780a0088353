import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MANAGEMENT_STACK, STACK_NAMES, type StackName } from "../core/environments";
import { type NameContext, nameTag } from "../core/naming";
import { toJson } from "../core/policy-document";
import { ciRolePolicy } from "./ci-permissions";
import {
  type CiRoleKind,
  ciRoleName,
  ciRoleTrust,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_ISSUER_HOST,
} from "./ci-trust";
import {
  argocdReaderRoleName,
  assumedOnlyBy,
  DEPLOY_ROLE_NAME,
  NETWORK_HUB_READER_ROLE_NAME,
  type Operators,
  PREVIEW_ROLE_NAME,
  previewHopsPermissions,
  roleArn,
} from "./platform-roles";

export interface CiTarget {
  readonly accountId: pulumi.Input<string>;
  /** Provider for the stack's account (the management provider for `management`). */
  readonly provider: aws.Provider;
}

export interface CiRolesArgs {
  readonly naming: NameContext;
  /** The management account (the CI roles, the state bucket, the secrets keys) and its region. */
  readonly managementAccountId: string;
  readonly region: string;
  /** `owner/name` of this repository. */
  readonly repository: string;
  readonly targets: Readonly<Record<StackName, CiTarget>>;
  /**
   * The security account, which the management stack also reaches: it gets a `platform-preview`
   * for the management stack's previews only.
   */
  readonly securityAccount: CiTarget;
  /** Platform engineers who may also assume the deploy and preview roles (local previews, break-glass). */
  readonly operators?: Operators;
}

const KINDS: readonly CiRoleKind[] = ["deploy", "preview"];
const TARGET_ROLE: Record<CiRoleKind, { name: string; policy: string; description: string }> = {
  deploy: {
    name: DEPLOY_ROLE_NAME,
    policy: "arn:aws:iam::aws:policy/AdministratorAccess",
    description:
      "Pulumi deployments of this account's stack; assumable by its CI deploy role and the platform admins.",
  },
  preview: {
    name: PREVIEW_ROLE_NAME,
    policy: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    description:
      "Read-only previews of this account's stack; assumable by its CI preview role and the platform admins.",
  },
};

/**
 * CI access without long-lived keys. One GitHub Actions OIDC provider in the management account;
 * per stack a `platform-ci-deploy-<stack>` and a `platform-ci-preview-<stack>` role there, each
 * assumable only by this repository's workflows in the right context (`main` for dev and
 * preprod, the protected `prod`/`management` deployment environments for those stacks,
 * `pull_request` for previews); and in each account the `platform-deploy` / `platform-preview`
 * role, trusting its one CI role and the platform engineers' Identity Center admin role in the
 * management account (so they can preview and apply from a laptop). The stack's AWS provider
 * assumes `platform-deploy`.
 */
export class CiRoles extends pulumi.ComponentResource {
  readonly oidcProviderArn: pulumi.Output<string>;
  /** ARNs of the management-account CI roles, by `<kind>-<stack>`. */
  readonly ciRoleArns: Record<string, pulumi.Output<string>> = {};
  /** ARN of each account's `platform-deploy` role, by stack (resolves once the role exists). */
  readonly deployRoleArns = {} as Record<StackName, pulumi.Output<string>>;
  readonly previewRoleArns = {} as Record<StackName, pulumi.Output<string>>;

  constructor(name: string, args: CiRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:ci:CiRoles", name, {}, opts);
    const parent = { parent: this };

    const oidc = new aws.iam.OpenIdConnectProvider(
      "github-oidc",
      {
        url: `https://${GITHUB_OIDC_ISSUER_HOST}`,
        clientIdLists: [GITHUB_OIDC_AUDIENCE],
        tags: nameTag(args.naming, "github-oidc"),
      },
      parent,
    );
    this.oidcProviderArn = oidc.arn;

    // Management first: the other accounts' preview roles trust its preview role, which IAM
    // requires to exist when their trust policies are written.
    const ordered = [MANAGEMENT_STACK, ...STACK_NAMES.filter((s) => s !== MANAGEMENT_STACK)];
    let managementPreviewArn: pulumi.Output<string> | undefined;
    for (const stack of ordered) {
      const target = args.targets[stack];
      for (const kind of KINDS) {
        const ciName = ciRoleName(kind, stack);
        const ciRole = new aws.iam.Role(
          `ci-${kind}-${stack}`,
          {
            name: ciName,
            description: `GitHub Actions (${args.repository}) ${kind} of the ${stack} stack.`,
            maxSessionDuration: 3600,
            assumeRolePolicy: oidc.arn.apply((providerArn) =>
              toJson(ciRoleTrust({ providerArn, repository: args.repository, kind, stack })),
            ),
            tags: nameTag(args.naming, "ci", kind, stack),
          },
          parent,
        );
        this.ciRoleArns[`${kind}-${stack}`] = ciRole.arn;

        const spec = TARGET_ROLE[kind];
        const targetRole = new aws.iam.Role(
          `${kind}-${stack}`,
          {
            name: spec.name,
            description: spec.description,
            maxSessionDuration: 3600,
            // A member account's preview role also admits the management stack's preview, whose
            // program reads that account (read-only) where a deploy goes through Organizations' role.
            assumeRolePolicy: pulumi
              .all([ciRole.arn, kind === "preview" ? managementPreviewArn : undefined])
              .apply(([arn, management]) =>
                toJson(assumedOnlyBy(management ? [arn, management] : [arn], args.operators)),
              ),
            tags: { ...nameTag(args.naming, kind, stack) },
          },
          { ...parent, provider: target.provider },
        );
        new aws.iam.RolePolicyAttachment(
          `${kind}-${stack}-policy`,
          { role: targetRole.name, policyArn: spec.policy },
          { ...parent, provider: target.provider },
        );
        const targetArn = pulumi
          .all([target.accountId, targetRole.name])
          .apply(([accountId, roleName]) => roleArn(accountId, roleName));
        (kind === "deploy" ? this.deployRoleArns : this.previewRoleArns)[stack] = targetArn;
        if (kind === "preview" && stack === MANAGEMENT_STACK) managementPreviewArn = targetRole.arn;
        if (kind === "preview") {
          // ReadOnlyAccess grants no sts:AssumeRole: the read-only roles its program reaches
          // elsewhere, by name (see `previewHops`).
          new aws.iam.RolePolicy(
            `${kind}-${stack}-hops`,
            {
              role: targetRole.name,
              policy: pulumi
                .all(previewHops(stack, args))
                .apply((arns) => toJson(previewHopsPermissions(arns))),
            },
            { ...parent, provider: target.provider },
          );
        }

        // The stack's role, its state in the backend, its secrets key (see `ciRolePolicy`).
        new aws.iam.RolePolicy(
          `ci-${kind}-${stack}-permissions`,
          {
            role: ciRole.name,
            policy: targetArn.apply((arn) =>
              toJson(
                ciRolePolicy({
                  kind,
                  stack,
                  project: args.naming.project,
                  managementAccountId: args.managementAccountId,
                  region: args.region,
                  targetRoleArn: arn,
                }),
              ),
            ),
          },
          parent,
        );
      }
    }

    // The security account's preview role: the management stack's preview only.
    if (!managementPreviewArn) throw new Error("CiRoles: no management preview role");
    const securityPreview = new aws.iam.Role(
      "preview-security",
      {
        name: PREVIEW_ROLE_NAME,
        description: "Read-only previews of the management stack's resources in the security account.",
        maxSessionDuration: 3600,
        assumeRolePolicy: managementPreviewArn.apply((arn) => toJson(assumedOnlyBy([arn], args.operators))),
        tags: nameTag(args.naming, "preview", "security"),
      },
      { ...parent, provider: args.securityAccount.provider },
    );
    new aws.iam.RolePolicyAttachment(
      "preview-security-policy",
      { role: securityPreview.name, policyArn: TARGET_ROLE.preview.policy },
      { ...parent, provider: args.securityAccount.provider },
    );

    this.registerOutputs({
      oidcProviderArn: this.oidcProviderArn,
      ciRoleArns: this.ciRoleArns,
      deployRoleArns: this.deployRoleArns,
    });
  }
}

/**
 * The roles a stack's program assumes in other accounts when it runs as `platform-preview`
 * (`PLATFORM_CI_ROLE=preview`), each the read-only counterpart of what a deploy assumes:
 * management reads the member and security accounts through their `platform-preview` (a deploy
 * uses Organizations' admin role there); an environment reads the Transit Gateway through
 * `platform-network-hub-reader` and its ArgoCD cluster secret through `platform-argocd-reader-<env>`
 * (a deploy writes through `platform-network-hub` and its registrar).
 */
export function previewHops(
  stack: StackName,
  args: Pick<CiRolesArgs, "managementAccountId" | "targets" | "securityAccount">,
): pulumi.Input<string>[] {
  if (stack === MANAGEMENT_STACK) {
    return [
      ...STACK_NAMES.filter((s) => s !== MANAGEMENT_STACK).map((s) =>
        pulumi.output(args.targets[s].accountId).apply((id) => roleArn(id, PREVIEW_ROLE_NAME)),
      ),
      pulumi.output(args.securityAccount.accountId).apply((id) => roleArn(id, PREVIEW_ROLE_NAME)),
    ];
  }
  return [
    roleArn(args.managementAccountId, NETWORK_HUB_READER_ROLE_NAME),
    roleArn(args.managementAccountId, argocdReaderRoleName(stack)),
  ];
}
