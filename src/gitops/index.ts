/** ArgoCD's hub in the management cluster and each environment's spoke. */

export { argoCdApiAccess } from "./delivery-manifests";
export { GITOPS_RULES, gitopsEnvironmentShape, gitopsManagementShape } from "./gitops-config";
export { DEPLOYER_CUSTOM_RESOURCES_ROLE, DEPLOYER_GROUP } from "./gitops-manifests";
export { argoCdPolicy, gitopsHubStack, gitopsSpokeStack } from "./gitops-stack";
