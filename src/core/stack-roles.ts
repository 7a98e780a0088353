/**
 * The roles every stack's account holds for its deployments, created by the management stack
 * (governance) and named by other areas (an EKS access entry for the preview role, the program's
 * read-only mode): one name each, here.
 */

/** The role each stack's AWS provider assumes (each stack file's `platform:deployRoleArn`). */
export const DEPLOY_ROLE_NAME = "platform-deploy";
/** Read-only counterpart used by CI previews and the drift check (`PLATFORM_CI_ROLE=preview`). */
export const PREVIEW_ROLE_NAME = "platform-preview";
