import {
  assertAccountId,
  ECR_PULL_ACTIONS,
  iamRoleArn,
  type PolicyDocument,
  policy,
} from "../core/policy-document";
import { environmentRoleName } from "../governance";

/**
 * The IAM side of ArgoCD's hub and spokes.
 *
 *   ArgoCD (application controller and server, EKS Pod Identity in the management cluster)
 *     ─(sts:AssumeRole)→ `platform-argocd-deployer` in each environment account, which trusts that
 *     one role and holds an EKS access entry on its environment's cluster, scoped to the namespaces
 *     ArgoCD deploys into.
 *   An environment stack (its `platform-deploy` role)
 *     ─(sts:AssumeRole)→ `platform-argocd-registrar-<env>` in the management account, one per
 *     environment, whose EKS access entry on the management cluster lets it write that
 *     environment's cluster secret in `argocd` and no other.
 */

/** The role ArgoCD assumes in each environment account (a fixed name: the hub's policy names it). */
export const ARGOCD_DEPLOYER_ROLE_NAME = "platform-argocd-deployer";
/** Prefix of the management-account roles through which each environment registers its cluster in the hub. */
export const ARGOCD_REGISTRAR_ROLE_PREFIX = "platform-argocd-registrar-";

/** `platform-argocd-registrar-<env>`: the one role through which `environment` writes its cluster secret. */
export function registrarRoleName(environment: string): string {
  return environmentRoleName(ARGOCD_REGISTRAR_ROLE_PREFIX, environment);
}

/** `arn:aws:iam::<account>:role/platform-argocd-deployer`. */
export function deployerRoleArn(accountId: string): string {
  assertAccountId(accountId, "deployerRoleArn");
  return iamRoleArn(accountId, ARGOCD_DEPLOYER_ROLE_NAME);
}

/**
 * What the hub's ArgoCD role may do: assume the environments' deployer roles and nothing else
 * (`sts:TagSession` because EKS Pod Identity sessions carry tags into the chain).
 */
export function argoCdHubPermissions(deployerRoleArns: readonly string[]): PolicyDocument {
  if (deployerRoleArns.length === 0) throw new Error("argoCdHubPermissions: at least one deployer role");
  for (const arn of deployerRoleArns) {
    if (!arn.endsWith(`:role/${ARGOCD_DEPLOYER_ROLE_NAME}`) || arn.includes("*")) {
      throw new Error(
        `argoCdHubPermissions: "${arn}" is not an environment's ${ARGOCD_DEPLOYER_ROLE_NAME} role`,
      );
    }
  }
  return policy({
    Sid: "AssumeEnvironmentDeployers",
    Effect: "Allow",
    Action: ["sts:AssumeRole", "sts:TagSession"],
    Resource: deployerRoleArns.length === 1 ? deployerRoleArns[0]! : [...deployerRoleArns],
  });
}

/**
 * The chart puller's permissions (the role External Secrets gets ArgoCD's ECR token as): an authorization token (an action without resource-level
 * permissions), and pulls from the chart repositories only. A registry token carries the rights of
 * the principal that requested it, so without the pull actions ArgoCD could log in but pull nothing.
 */
export function chartPullPermissions(args: {
  readonly region: string;
  readonly accountId: string;
  /** Repository path prefix, e.g. `charts/`. */
  readonly repositoryPrefix: string;
}): PolicyDocument {
  assertAccountId(args.accountId, "chartPullPermissions");
  return policy(
    { Sid: "GetRegistryToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Sid: "PullCharts",
      Effect: "Allow",
      Action: [...ECR_PULL_ACTIONS],
      Resource: `arn:aws:ecr:${args.region}:${args.accountId}:repository/${args.repositoryPrefix}*`,
    },
  );
}
