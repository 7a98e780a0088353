/** ArgoCD's hub in the management cluster and each environment's spoke. */

export { CHART_VALUES_ANNOTATION, type ChartPlatformInputs, paymentsChartValues } from "./chart-values";
export { argoCdApiAccess } from "./delivery-manifests";
export { GITOPS_RULES, gitopsEnvironmentShape, gitopsManagementShape } from "./gitops-config";
export { DEPLOYER_GROUP, DEPLOYER_PR_NAMESPACE_ROLE } from "./gitops-manifests";
export { argoCdPolicy, gitopsHubStack, gitopsSpokeStack } from "./gitops-stack";
