/** PR environments: a `pr-<number>` stack per pull request, built on the base environment (dev). */
export {
  PR_ENVIRONMENTS_ROLE_NAME,
  PR_NAME_PREFIX,
  PR_NAMESPACE_PREFIX,
  PR_SECRET_PREFIX,
  type PrConfig,
  prConfigFrom,
  prStackNameIssue,
} from "./pr-config";
export { PR_LABEL, PR_SECRET_STORE, prNamespaceManifests } from "./pr-manifests";
export { type PrResources, type PrWorkload, prWorkloadPolicy } from "./pr-policies";
export { PR_PERMISSIONS_BOUNDARY_NAME, prEnvironmentStack, prPermissionsBoundaryArn } from "./pr-stack";
