import type * as aws from "@pulumi/aws";
import { clusterStack } from "./cluster";
import { readManagementOutputs } from "./core/management-outputs";
import { dataServices } from "./data";
import { edgeStack } from "./edge";
import { gitopsSpokeStack } from "./gitops";
import { DEPLOY_ROLE_NAME, roleArn } from "./governance";
import { stackNetwork } from "./network";
import { recoveryStack } from "./recovery";
import { sopsSecretsStack } from "./secrets";
import { securityEnvironmentStack } from "./security";
import type { EnvironmentConfig } from "./stack-config";
import { transitSpokeStack } from "./transit";

/** An application environment (dev, preprod, prod): network, cluster, data services, pipeline, edge. */
export async function environmentStack(cfg: EnvironmentConfig, provider: aws.Provider) {
  // What the management stack provides (Transit Gateway, ArgoCD), validated before anything else.
  const management = await readManagementOutputs(cfg.project);

  const network = stackNetwork(cfg, { vpnClientCidr: management.vpnClientCidr }, provider);

  // ── account baseline (S3 Block Public Access, AWS Config recorder, budget) ──
  securityEnvironmentStack(cfg, management, provider);

  // ── transit (Transit Gateway attachment and routes) ──
  const transit = transitSpokeStack(cfg, network, management, provider);

  // ── cluster (EKS, Karpenter, add-ons) ──
  const externalDns = { domain: cfg.edge.domain, hostedZoneId: cfg.edge.hostedZoneId };
  // Created once the Transit Gateway path from the management VPC (CI, ArgoCD, the VPN) exists.
  const cluster = clusterStack(cfg, network, { externalDns }, provider, [transit.spoke]);

  // ── GitOps spoke (ArgoCD's deployer role, registration in the hub) ──
  const gitops = gitopsSpokeStack(cfg, cluster, management, provider);

  // ── data and payments pipeline ──
  // RDS and OpenSearch admit the cluster security group (every node, hence every pod) and the worker.
  const data = dataServices(
    cfg,
    {
      network,
      clusterClientSecurityGroupIds: [cluster.cluster.securityGroupId],
      cluster: cluster.cluster,
      // The search domain's master role: the deploy role and the platform admins, nobody else.
      searchAdministratorArns: [roleArn(cfg.accountId, DEPLOY_ROLE_NAME), ...cfg.cluster.access.admin],
    },
    { provider },
  );

  // ── secrets from SOPS files (secrets/<stack>/*.yaml), decrypted at deploy, into Secrets Manager ──
  const sops = sopsSecretsStack(cfg, data.forSecrets, provider);

  // ── backups (AWS Backup of the payment stores, copies in a second region) ──
  const recovery = recoveryStack(cfg, data.forRecovery, provider);

  // ── edge (CloudFront, WAF and certificate in us-east-1, DNS) ──
  const edge = edgeStack(cfg, data.forEdge, provider);

  return {
    accountId: cfg.accountId,
    region: cfg.region,
    ...network.outputs(),
    ...transit.outputs,
    ...cluster.outputs,
    ...gitops,
    ...data.outputs,
    ...recovery,
    ...sops,
    ...edge,
  };
}
