/** Each stack's EKS cluster, Karpenter and the cluster add-ons. */
export {
  ARGO_CD,
  DATADOG,
  datadogKeysSecretName,
  EXTERNAL_SECRETS_ROLE,
  INGRESS_CLASSES,
  SECRET_STORE_NAME,
} from "./addon-values";
export type { Cluster } from "./cluster";
export { CLUSTER_RULES, type ClusterConfig, clusterShape } from "./cluster-config";
export { podIdentityTrustFor } from "./cluster-iam";
export { type ClusterStack, clusterStack } from "./cluster-stack";
export { roleKubeconfig } from "./kubeconfig";
