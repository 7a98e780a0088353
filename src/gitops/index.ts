/** ArgoCD's hub in the management cluster and each environment's spoke. */
export { GITOPS_RULES, gitopsEnvironmentShape, gitopsManagementShape } from "./gitops-config";
export { argoCdPolicy, gitopsHubStack, gitopsSpokeStack } from "./gitops-stack";
