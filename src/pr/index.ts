/** PR environments: a `pr-<number>` stack per pull request, built on the base environment (dev). */
export { type PrConfig, prConfigFrom, prStackNameIssue } from "./pr-config";
export { PR_LABEL, PR_SECRET_STORE, prNamespaceManifests } from "./pr-manifests";
export { type PrResources, type PrWorkload, prWorkloadPolicy } from "./pr-policies";
export { prEnvironmentStack } from "./pr-stack";
