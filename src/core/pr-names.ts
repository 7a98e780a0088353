import { PROJECT } from "./config-loader";

/**
 * The names PR environments are known by, shared by the management stack (which creates the roles
 * PR environments deploy with, and bounds what they may create) and the PR stacks themselves.
 */

/** The role PR stacks deploy with, in the base environment's account. */
export const PR_ENVIRONMENTS_ROLE_NAME = `${PROJECT}-pr-environments`;
/** The managed policy every role a PR environment creates must carry as its permissions boundary. */
export const PR_PERMISSIONS_BOUNDARY_NAME = `${PROJECT}-pr-boundary`;
/** The CI role (management account) the PR environments' workflows exchange their OIDC token for. */
export const PR_CI_ROLE_NAME = `${PROJECT}-ci-pr-environments`;
/**
 * The GitHub deployment environment the PR environments' jobs run in (pull requests and the
 * reaper): it holds their ArgoCD token, and it is the only OIDC subject their CI role trusts.
 */
export const PR_GITHUB_ENVIRONMENT = "pr-environments";
/** Prefix of every PR environment's namespace on the base cluster: `payments-pr-<number>`. */
export const PR_NAMESPACE_PREFIX = "payments-pr-";
/** Prefix of the physical names PR environments give their data (`platform-pr-<number>-…`). */
export const PR_NAME_PREFIX = `${PROJECT}-pr-`;
/** Prefix of PR environments' secrets in Secrets Manager (`pr-<number>/payments/<workload>`). */
export const PR_SECRET_PREFIX = "pr-";
/**
 * Prefix of the IAM roles PR environments create (`pr-<number>-<name>`): outside `platform-*`,
 * which the identity guardrail reserves to the platform's deployments.
 */
export const PR_ROLE_PREFIX = "pr-";

/** `pr-<number>-<name>`, at most 64 characters: a PR environment's IAM role. */
export function prRoleName(stack: string, name: string): string {
  const full = `${stack}-${name}`;
  return full.length <= 64 ? full : full.slice(0, 64).replace(/-+$/, "");
}

/** `arn:aws:iam::<account>:policy/platform-pr-boundary`. */
export function prPermissionsBoundaryArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:policy/${PR_PERMISSIONS_BOUNDARY_NAME}`;
}
