/** ArgoCD's hub in the management cluster and each environment's spoke. */

export { CHART_VALUES_ANNOTATION, type ChartPlatformInputs, paymentsChartValues } from "./chart-values";
export { GITOPS_RULES, gitopsEnvironmentShape, gitopsManagementShape } from "./gitops-config";
export { argoCdPolicy, gitopsHubStack, gitopsSpokeStack } from "./gitops-stack";
