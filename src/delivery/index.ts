/** Application delivery: promotion through ArgoCD's API, PR environments' Applications and lifecycle. */
export {
  CHART_PATH,
  gitRepositoryUrl,
  PR_PROJECT,
  prApplicationManifest,
  prHelmValues,
} from "./pr-application";
export { applicationName } from "./promotion";
