/**
 * The roles every stack's account holds for its deployments, created by the management stack
 * (governance) and named by other areas (an EKS access entry for the preview role, the program's
 * read-only mode): one name each, here.
 */

/** The role each stack's AWS provider assumes (each stack file's `platform:deployRoleArn`). */
export const DEPLOY_ROLE_NAME = "platform-deploy";
/** Read-only counterpart used by CI previews and the drift check (`PLATFORM_CI_ROLE=preview`). */
export const PREVIEW_ROLE_NAME = "platform-preview";
/**
 * The management account's break-glass role, created by hand before anything else (README,
 * "Bootstrap", step 1): the bootstrap and the first management run act through it, before the
 * Identity Center administrators' role exists, and it stays the way in when Identity Center is
 * down. The keys of the state and of the stacks' secrets admit it as they admit the administrators:
 * without it, whoever runs the bootstrap could create the keys but never use them.
 */
export const BREAK_GLASS_ROLE_NAME = "platform-break-glass";
