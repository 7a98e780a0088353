import type { ClusterAccess } from "./cluster-config";

/** The EKS access policies each access level maps to (cluster-wide scope). */
export const ACCESS_POLICIES = {
  admin: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
  deploy: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
  readOnly: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
  /**
   * The stack's CI preview role (`platform-preview`), granted by the program itself: what a
   * refresh reads (the drift check, `pulumi preview --refresh`) includes Secrets (Helm's release
   * records) and RBAC objects, which AmazonEKSViewPolicy hides; AmazonEKSAdminViewPolicy reads
   * every object and changes none.
   */
  preview: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy",
} as const;
export type AccessLevel = keyof typeof ACCESS_POLICIES;

export interface AccessGrant {
  /** Stable logical-name suffix: level and role name. */
  readonly id: string;
  readonly level: AccessLevel;
  /** The role ARN as IAM names it, path included (what EKS access entries take). */
  readonly principalArn: string;
  readonly policyArn: string;
}

/**
 * One grant per configured principal, and for the stack's preview role when it has one: the
 * access entry and its policy association.
 */
export function accessGrants(access: ClusterAccess, previewRoleArn?: string): AccessGrant[] {
  const principals = { ...access, preview: previewRoleArn ? [previewRoleArn] : [] };
  return (Object.keys(ACCESS_POLICIES) as AccessLevel[]).flatMap((level) =>
    principals[level].map((arn) => {
      // As IAM names the role, path included: EKS resolves the principal, and an Identity Center
      // role named without its `aws-reserved/sso.amazonaws.com/<region>/` path is "invalid
      // principal" (only the old aws-auth ConfigMap wanted paths removed).
      const principalArn = arn;
      const roleName = principalArn.slice(principalArn.lastIndexOf("/") + 1);
      return {
        id: `${level}-${roleName.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`,
        level,
        principalArn,
        policyArn: ACCESS_POLICIES[level],
      };
    }),
  );
}
