/**
 * How changes reach the accounts: the tailnet CI and staff use to reach the private networks, the
 * GitHub repository's rules, environments and code owners (management stack); application delivery:
 * promotion through ArgoCD's API, PR environments' Applications and lifecycle.
 */
export { DELIVERY_RULES, deliveryShape } from "./delivery-config";
export { repositoryStack, tailnetStack } from "./delivery-stack";
export {
  CHART_PATH,
  gitRepositoryUrl,
  PR_PROJECT,
  prApplicationManifest,
  prHelmValues,
} from "./pr-application";
export { applicationName } from "./promotion";
