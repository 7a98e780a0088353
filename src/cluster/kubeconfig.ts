/**
 * Kubeconfigs as plain data: reading a cluster's API endpoint and CA from the one EKS generates,
 * and building the one an environment stack uses to reach the management cluster as the ArgoCD
 * registrar.
 */

/** The API server of a cluster: its HTTPS endpoint and the base64 PEM of its certificate authority. */
export interface ClusterApi {
  readonly server: string;
  readonly caData: string;
}

/**
 * The endpoint and CA of the first cluster in a kubeconfig (an object or its JSON text). Throws
 * with what is missing rather than returning an unusable value.
 */
export function clusterApiOf(kubeconfig: unknown): ClusterApi {
  const doc = typeof kubeconfig === "string" ? (JSON.parse(kubeconfig) as unknown) : kubeconfig;
  const clusters = (doc as { clusters?: unknown } | null | undefined)?.clusters;
  const cluster = Array.isArray(clusters)
    ? (clusters[0] as { cluster?: Record<string, unknown> } | undefined)?.cluster
    : undefined;
  const server = cluster?.server;
  const caData = cluster?.["certificate-authority-data"];
  if (typeof server !== "string" || !server.startsWith("https://")) {
    throw new Error("kubeconfig: the first cluster has no https:// server");
  }
  if (typeof caData !== "string" || caData.length === 0) {
    throw new Error("kubeconfig: the first cluster has no certificate-authority-data");
  }
  return { server, caData };
}

/**
 * The exec plugin's script when the caller must first become another role: assume `$1` (the
 * stack's deploy role) with the ambient credentials, then ask for an EKS token as `$2` (the
 * registrar) with those credentials. Arguments: via-role, target role, cluster, region, session.
 * `aws eks get-token --role-arn` makes only one hop, and the registrar trusts the environments'
 * deploy roles, not the CI roles or people that assume them.
 */
export const CHAINED_TOKEN_SCRIPT = [
  "set -eu",
  'creds=$(aws sts assume-role --region "$4" --role-arn "$1" --role-session-name "$5" --duration-seconds 900 --query "Credentials.[AccessKeyId,SecretAccessKey,SessionToken]" --output text)',
  "target=$2 cluster=$3 region=$4",
  "set -- $creds",
  'exec env -u AWS_PROFILE AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" AWS_SESSION_TOKEN="$3" aws eks get-token --cluster-name "$cluster" --region "$region" --role-arn "$target" --output json',
].join("\n");

export interface RoleKubeconfigArgs {
  /** The cluster's name (EKS token audience) and API. */
  readonly clusterName: string;
  readonly api: ClusterApi;
  readonly region: string;
  /** The role the token is issued for (it holds the cluster's access entry). */
  readonly roleArn: string;
  /** A role to become first, with the ambient credentials (the stack's deploy role), if any. */
  readonly viaRoleArn?: string;
  /** STS session name of the first hop. */
  readonly sessionName: string;
}

/**
 * A kubeconfig whose credentials are an EKS token for `roleArn`, fetched by the AWS CLI on each
 * use (nothing long-lived is stored), reached through `viaRoleArn` when given.
 */
export function roleKubeconfig(a: RoleKubeconfigArgs): Record<string, unknown> {
  const name = a.clusterName;
  const exec = a.viaRoleArn
    ? {
        command: "sh",
        args: [
          "-c",
          CHAINED_TOKEN_SCRIPT,
          "eks-token",
          a.viaRoleArn,
          a.roleArn,
          name,
          a.region,
          a.sessionName,
        ],
      }
    : {
        command: "aws",
        args: [
          "eks",
          "get-token",
          "--cluster-name",
          name,
          "--region",
          a.region,
          "--role-arn",
          a.roleArn,
          "--output",
          "json",
        ],
      };
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: a.api.server, "certificate-authority-data": a.api.caData } }],
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            interactiveMode: "Never",
            ...exec,
          },
        },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
  };
}
